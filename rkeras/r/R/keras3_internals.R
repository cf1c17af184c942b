# keras3 internals that keras3's own vignettes call with `keras3:::`.
# They live in rkeras's R environment, which `keras3:::name` reads.

# keras3:::py_func2(fn, convert, name): a Python function named `name` that
# calls the R function `fn`, with `fn`'s arguments as its Python signature
# (Keras reads both: the name when it serializes, the signature when it
# inspects a callable). The name defaults to the expression, as in keras3.
py_func2 <- function(fn, convert, name = deparse(substitute(fn))) {
  stopifnot(is.function(fn))
  formal_names <- names(formals(fn))
  if (is.null(formal_names)) formal_names <- "..."    # a primitive: any arguments
  .rk_python("py_func", fn, as.character(name), as.list(formal_names))
}
