# Runs a vignette's evaluable R chunks in order, in this one session, and streams
# one JSON line per chunk (ok or the error).
#
#   Rscript vignette_runner.R <chunk-dir> <out.jsonl>          (real keras3)
#   rkeras run vignette_runner.R <chunk-dir> <out.jsonl>       (rkeras)
#
# <chunk-dir> holds NNN.R files written by run.py (the chunks knitr would
# evaluate, in document order). Like knitr, each top-level expression is
# evaluated in the global environment and a visible value is printed (print
# methods can fail too); unlike rmarkdown's default, an error does not stop the
# document: the chunk counts as failed and the next chunk runs, so one failure
# is not counted again in every chunk after it.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2L) stop("usage: vignette_runner.R <chunk-dir> <out.jsonl>")
chunk_dir <- normalizePath(args[[1L]], mustWork = TRUE)
out_path <- args[[2L]]

emit <- function(record) {
  line <- jsonlite::toJSON(record, auto_unbox = TRUE, null = "null", force = TRUE, digits = NA)
  cat(line, "\n", file = out_path, append = TRUE, sep = "")
}

short <- function(x, n = 600L) {
  x <- paste(as.character(x), collapse = "\n")
  if (nchar(x) > n) paste0(substr(x, 1L, n), " [...]") else x
}

# Figures go nowhere (knitr would record them); R's own graphics need a device.
grDevices::pdf(NULL)
emit(list(kind = "start", R = R.version.string, interactive = interactive()))

# keras3's own knit set-up (tools/knit.R in its repository): 76 columns, and a
# session seeded with 1 (keras3 does it when Keras loads; here before chunk 1,
# without attaching anything). Its front-matter `backend: jax` is not applied:
# only TensorFlow is installed. Not counted as a chunk.
options(width = 76)
prelude <- tryCatch({
  if (requireNamespace("keras3", quietly = TRUE)) keras3::set_random_seed(1)
  else if (exists("set_random_seed")) set_random_seed(1)
  NULL
}, error = function(e) conditionMessage(e))
emit(list(kind = "prelude", ok = is.null(prelude), message = prelude))

run_chunk <- function(path) {
  exprs <- tryCatch(parse(path, keep.source = FALSE), error = function(e) e)
  if (inherits(exprs, "error")) return(conditionMessage(exprs))
  for (expr in exprs) {
    msg <- tryCatch({
      shown <- withVisible(eval(expr, globalenv()))
      if (shown$visible) print(shown$value)
      NULL
    }, error = function(e) {
      call <- conditionCall(e)
      paste0(if (!is.null(call)) paste0("in ", short(deparse(call)[1L], 120L), ": ") else "",
             conditionMessage(e))
    })
    if (!is.null(msg)) return(msg)
  }
  NULL
}

for (path in sort(list.files(chunk_dir, "^[0-9]+\\.R$", full.names = TRUE))) {
  started <- proc.time()[["elapsed"]]
  cat(sprintf("\n## ---- chunk %s ----\n", basename(path)))
  msg <- run_chunk(path)
  emit(list(kind = "chunk", chunk = sub("\\.R$", "", basename(path)), ok = is.null(msg),
            seconds = round(proc.time()[["elapsed"]] - started, 2),
            message = if (is.null(msg)) NULL else short(msg)))
}
emit(list(kind = "end"))
