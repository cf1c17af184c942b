# keras3's R-style tensor indexing: op_subset(), op_subset<- / op_subset_set(),
# `[` and `[<-` on tensors, newaxis and all_dims(). The R side reads the `[`
# arguments unevaluated (so `1:3` is a slice, `..` all other axes and an empty
# argument the whole axis, as reticulate reads them); rkeras/tensor_indexing.py
# turns them into a NumPy-style key with keras3's meaning (1-based, negative
# from the end, slices include their end) and indexes.

# keras3: `newaxis` is NULL, which `[` reads as a new axis (x[newaxis, ..]).
newaxis <- NULL

# tensorflow's all_dims() (re-exported by keras3): Python's Ellipsis, the
# same as `..` inside `[`.
all_dims <- function() .rk_python("py_eval", "...", FALSE)

.rk_ti_cache <- new.env(parent = emptyenv())

# The Python function `name` of rkeras.tensor_indexing (an R function).
.rk_ti <- function(name) {
  f <- .rk_ti_cache[[name]]
  if (is.null(f)) {
    module <- .rk_python("py_import", "rkeras.tensor_indexing", FALSE)
    f <- .rk_python("py_getattr", module, name)
    assign(name, f, envir = .rk_ti_cache)
  }
  f
}

.rk_is_na_bound <- function(v) length(v) == 1L && is.atomic(v) && is.na(v)

# One `[` argument (unevaluated) as a part for rkeras/tensor_indexing.py.
.rk_index_part <- function(e, envir) {
  if (identical(e, quote(expr = ))) return(list("all"))
  if (identical(e, quote(..))) return(list("ellipsis"))
  bounds <- NULL
  if (is.call(e) && identical(e[[1L]], quote(`:`))) {
    bounds <- as.list(e)[-1L]
    if (is.call(bounds[[1L]]) && identical(bounds[[1L]][[1L]], quote(`:`)))   # a:b:step
      bounds <- c(as.list(bounds[[1L]])[-1L], bounds[-1L])
  } else if (is.symbol(e) && grepl(":", as.character(e), fixed = TRUE)) {     # `::2`
    bounds <- strsplit(as.character(e), ":", fixed = TRUE)[[1L]]
    bounds[!nzchar(bounds)] <- "NULL"
    bounds <- lapply(bounds, str2lang)
  }
  if (!is.null(bounds)) {
    if (!length(bounds) %in% 1:3)
      stop("a slice takes 1 to 3 parts (start:end or start:end:step)", call. = FALSE)
    vals <- lapply(bounds, function(b) {
      v <- eval(b, envir)
      if (.rk_is_na_bound(v)) NULL else v
    })
    length(vals) <- 3L
    return(c(list("slice"), vals))
  }
  v <- eval(e, envir)
  if (is.null(v)) return(list("newaxis"))
  if (inherits(v, "rkeras_py_object") && identical(.rk_python("py_repr", v), "Ellipsis"))
    return(list("ellipsis"))
  list("value", v)
}

.rk_index_parts <- function(exprs, envir) {
  lapply(as.list(exprs)[-1L], .rk_index_part, envir = envir)
}

# keras3's op_subset(x, ...): R-style `[` on a tensor (see rkeras/tensor_indexing.py).
op_subset <- function(x, ...) {
  parts <- .rk_index_parts(substitute(list(...)), parent.frame())
  .rk_ti("subset_from_r")(x, parts)
}

# keras3's `op_subset<-`: replace the selected elements. A Variable changes in
# place; a tensor gives a new tensor (assigned back to `x` by R).
`op_subset<-` <- function(x, ..., value) {
  parts <- .rk_index_parts(substitute(list(...)), parent.frame())
  .rk_ti("subset_assign_from_r")(x, parts, value)
}

op_subset_set <- `op_subset<-`

`[<-.rkeras_tensor` <- function(x, ..., value) {
  parts <- .rk_index_parts(substitute(list(...)), parent.frame())
  .rk_ti("subset_assign_from_r")(x, parts, value)
}

.rk_s3 <- c(.rk_s3, list(c("[<-", "rkeras_tensor", "[<-.rkeras_tensor")))
