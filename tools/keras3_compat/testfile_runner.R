# Runs one keras3 testthat file and streams per-test-block results as JSON lines.
#
#   Rscript testfile_runner.R <test-file> <out.jsonl>            (real keras3)
#   rkeras run testfile_runner.R <test-file> <out.jsonl>         (rkeras)
#
# The same script runs on both sides so that the only difference is the keras3
# implementation underneath. It mirrors what testthat::test_file() does for a
# package (helpers, setup, a test environment under the keras3 namespace when
# there is one), with two deliberate changes, applied to both sides alike:
# * helper and setup files are evaluated one top-level expression at a time, so
#   one missing function (say tensorflow::tf_version) costs the helpers that need
#   it instead of every block of the file; each failing expression is recorded;
# * results are written as each block ends, so a file that times out or crashes
#   still reports the blocks it finished (run.py enforces the timeout).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2L) stop("usage: testfile_runner.R <test-file> <out.jsonl>")
test_path <- normalizePath(args[[1L]], mustWork = TRUE)
out_path <- args[[2L]]
test_dir <- dirname(test_path)

emit <- function(record) {
  line <- jsonlite::toJSON(record, auto_unbox = TRUE, null = "null", force = TRUE, digits = NA)
  cat(line, "\n", file = out_path, append = TRUE, sep = "")
}

short <- function(x, n = 600L) {
  x <- paste(as.character(x), collapse = "\n")
  if (nchar(x) > n) paste0(substr(x, 1L, n), " [...]") else x
}

emit(list(kind = "start", file = basename(test_path), R = R.version.string,
          interactive = interactive(), testthat = as.character(packageVersion("testthat"))))

suppressPackageStartupMessages(library(testthat))
loaded <- tryCatch({
  suppressPackageStartupMessages(library(keras3))
  TRUE
}, error = function(e) {
  emit(list(kind = "fatal", where = "library(keras3)", message = short(conditionMessage(e))))
  FALSE
})
if (!loaded) stop("library(keras3) failed; see the 'fatal' record")

# testthat 3.1.6 (Debian 12) predates expect_contains(), which keras3's tests use.
# A stand-in with testthat 3.2's meaning, given to both sides alike.
if (!exists("expect_contains", envir = asNamespace("testthat"), inherits = FALSE)) {
  expect_contains <- function(object, expected, ...) {
    act <- quasi_label(rlang::enquo(object), arg = "object")
    missing <- setdiff(expected, act$val)
    expect(length(missing) == 0L,
           sprintf("%s (`actual`) doesn't fully contain all the values in `expected`: %s",
                   act$lab, paste(format(missing), collapse = ", ")))
    invisible(act$val)
  }
}

# A test block's outcome from its expectations, with testthat's precedence.
block_status <- function(results) {
  classes <- vapply(results, function(r) class(r)[[1L]], "")
  if (any(classes == "expectation_error")) return("error")
  if (any(classes == "expectation_failure")) return("failure")
  if (any(classes == "expectation_skip")) return("skip")
  if (length(classes) == 0L) return("empty")
  "pass"
}

count_of <- function(results, cls) sum(vapply(results, function(r) inherits(r, cls), NA))

emit_block <- function(test, results, seconds) {
  bad <- Filter(function(r) !inherits(r, "expectation_success"), results)
  emit(list(
    kind = "block", test = test, status = block_status(results),
    n_pass = count_of(results, "expectation_success"),
    n_fail = count_of(results, "expectation_failure") + count_of(results, "expectation_error"),
    n_skip = count_of(results, "expectation_skip"),
    n_warn = count_of(results, "expectation_warning"),
    seconds = round(seconds, 2),
    messages = lapply(head(bad, 5L), function(r)
      list(type = sub("^expectation_", "", class(r)[[1L]]), message = short(conditionMessage(r))))
  ))
}

StreamReporter <- R6::R6Class("StreamReporter", inherit = testthat::Reporter, public = list(
  current = NULL,
  started = NULL,
  start_test = function(context, test) {
    self$current <- list()
    self$started <- proc.time()[["elapsed"]]
  },
  add_result = function(context, test, result) {
    if (is.null(self$current)) {
      # Code outside test_that() (a top-level skip() or error): its own block,
      # as testthat's ListReporter counts it.
      emit_block("(code outside test_that)", list(result), 0)
      return(invisible())
    }
    self$current[[length(self$current) + 1L]] <- result
  },
  end_test = function(context, test) {
    emit_block(test, self$current, proc.time()[["elapsed"]] - self$started)
    self$current <- NULL
  }
))

source_by_expression <- function(path, env) {
  exprs <- tryCatch(parse(path, keep.source = FALSE), error = function(e) {
    emit(list(kind = "helper", file = basename(path), index = 0L, ok = FALSE,
              message = short(conditionMessage(e))))
    expression()
  })
  for (i in seq_along(exprs)) {
    msg <- tryCatch({
      eval(exprs[[i]], env)
      NULL
    }, error = function(e) conditionMessage(e))
    if (!is.null(msg))
      emit(list(kind = "helper", file = basename(path), index = i, ok = FALSE,
                code = short(deparse(exprs[[i]])[1:min(3L, length(deparse(exprs[[i]])))], 200L),
                message = short(msg)))
  }
}

run_file <- function() {
  # A test environment under the keras3 namespace when there is one (real keras3:
  # internals reachable unqualified, as in R CMD check); otherwise under globalenv.
  env <- if (isNamespaceLoaded("keras3")) testthat::test_env("keras3") else new.env(parent = globalenv())
  # What testthat::test_dir() sets for keras3 (edition 2: keras3's DESCRIPTION names none).
  testthat::local_edition(2L)
  withr::local_dir(test_dir)
  withr::local_envvar(R_TESTS = "", TESTTHAT = "true", TESTTHAT_PKG = "keras3")
  testthat:::local_teardown_env()
  helpers <- sort(list.files(test_dir, "^helper.*\\.[rR]$", full.names = TRUE))
  setups <- sort(list.files(test_dir, "^setup.*\\.[rR]$", full.names = TRUE))
  for (f in c(helpers, setups)) source_by_expression(f, env)
  on.exit(try(withr::deferred_run(testthat::teardown_env()), silent = TRUE), add = TRUE)
  testthat::with_reporter(StreamReporter$new(), testthat:::test_one_file(test_path, env = env))
}

status <- tryCatch({
  run_file()
  0L
}, error = function(e) {
  emit(list(kind = "fatal", where = "test file", message = short(conditionMessage(e))))
  4L
})
emit(list(kind = "end", status = status))
