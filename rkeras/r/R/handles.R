# Python objects in R: printing, `$` access, layers as R functions, tensor
# arithmetic. Handles are external pointers of class c(..., "rkeras_py_object")
# (rkeras/r/handles.py); models are c("rkeras_sequential", "rkeras_model",
# "rkeras_layer", "rkeras_py_object").

# print(model) shows the summary, as keras3; other objects their Python repr.
print.rkeras_py_object <- function(x, ...) {
  cat(.rk_python("format", x), "\n", sep = "")
  invisible(x)
}

# format(): Python's str() without " object at 0x...", as reticulate's format().
format.rkeras_py_object <- function(x, ...)
  gsub(" object at 0x\\w{4,}", "", .rk_python("py_str", x))

# summary(model): Keras's table printed on R's console, the text returned
# invisibly (keras3). Arguments: line_length, positions, expand_nested,
# show_trainable, layer_range.
summary.rkeras_model <- function(object, line_length = min(getOption("width"), 180L), ...) {
  text <- .rk_python("format", object, line_length = line_length, ...)
  cat(text, "\n", sep = "")
  invisible(text)
}

# print(model) and format(model): the table as wide as R's console (keras3).
format.rkeras_model <- function(x, line_length = min(getOption("width"), 180L), ...)
  .rk_python("format", x, line_length = line_length, ...)
print.rkeras_model <- function(x, ...) {
  cat(format(x, ...), "\n", sep = "")
  invisible(x)
}

# model$count_params(), model$layers, layer$units, np$arange: Python
# attributes, shown as reticulate shows them (rkeras/r/python_objects.py:
# callables are R functions, data is R data). `$` on a dict reads an item.
`$.rkeras_py_object` <- function(x, name) .rk_python("py_getattr", x, name, .rk_py_convert(x))
`[[.rkeras_py_object` <- function(x, i, ...) .rk_python("py_getitem", x, i, .rk_py_convert(x))
# reticulate's convert = FALSE (import("numpy", convert = FALSE)): what such an
# object gives stays a Python object (attribute py_convert, python_objects.py).
.rk_py_convert <- function(x) !isFALSE(attr(x, "py_convert", exact = TRUE))
`$<-.rkeras_py_object` <- function(x, name, value) {
  .rk_python("setattr", x, name, value, .rk_is_py_list(value))
  x     # the same R object (a new handle would lose a closure's class)
}
`[[<-.rkeras_py_object` <- function(x, i, value) {
  if (is.character(i)) .rk_python("setattr", x, i, value, .rk_is_py_list(value))
  else .rk_python("py_setitem", x, i, value)
  x
}
# reticulate's r_to_py() makes an R number/logical vector of length > 1 (no dim,
# no names) a Python list, so an attribute set from R reads back as that vector.
.rk_is_py_list <- function(value) {
  (is.numeric(value) || is.logical(value)) && length(value) > 1L &&
    is.null(attributes(value))
}
names.rkeras_py_object <- function(x) .rk_python("py_names", x)
.DollarNames.rkeras_py_object <- function(x, pattern = "") {
  n <- .rk_python("py_names", x)
  n[grepl(pattern, n)]
}
str.rkeras_py_object <- function(object, ...) {
  cat(.rk_python("py_str", object), "\n", sep = "")
  invisible(NULL)
}
as.character.rkeras_py_object <- function(x, ...) .rk_python("py_str", x)

# A Python callable (class, function, bound method, model) as an R function,
# as reticulate's py_to_r() makes it: calling it calls Python (results shown
# by python_objects.present), and it keeps `$`, `[[`, names(), print()
# through its classes c(<Python classes>, "rkeras_py_callable",
# "rkeras_py_object"). A model (`compose`) follows keras3's layer rule:
# `inputs |> model()` calls it on a tensor, `seq %>% model()` adds it.
.rk_py_callable <- function(handle, compose = FALSE) {
  f <- if (isTRUE(compose)) {
    function(object, ...) {
      if (missing(object)) object <- NULL
      res <- .rk_python("compose", .rk_obj, object, ...)
      if (isTRUE(res[[2L]])) res[[1L]] else invisible(res[[1L]])
    }
  } else {
    function(...) .rk_py_call(.rk_obj, ...)     # R vectors as reticulate (reticulate.R)
  }
  environment(f) <- list2env(list(.rk_obj = handle), parent = .rk_env)
  class(f) <- class(handle)
  if (!.rk_py_convert(handle)) attr(f, "py_convert") <- FALSE
  f
}

# The class a layer function gets (see .rk_layer_function).
.rk_layer_classes <- c("rkeras_layer_fn", "rkeras_layer", "function")

# A Keras layer not (yet) in a model, as an R function (keras3 does the same):
#   my_layer <- layer_dense(units = 10)
#   model %>% my_layer()   # adds it to a Sequential model (in place)
#   y <- my_layer(x)       # calls it on a tensor
# `handle` is the Python layer; to_python() of the function gives it back.
.rk_layer_function <- function(handle) {
  f <- function(object, ...) {
    res <- .rk_python("compose", .rk_layer, object, ...)
    if (isTRUE(res[[2L]])) res[[1L]] else invisible(res[[1L]])
  }
  environment(f) <- list2env(list(.rk_layer = handle), parent = .rk_env)
  # the Python class chain first, as keras3's layers (handle's class, frontend.py)
  class(f) <- c(setdiff(class(handle), c("rkeras_layer_object", "rkeras_py_object")),
                .rk_layer_classes, "python.builtin.object")
  f
}

print.rkeras_layer_fn <- function(x, ...) {
  cat(.rk_python("format", environment(x)$.rk_layer), "\n", sep = "")
  invisible(x)
}
`$.rkeras_layer_fn` <- function(x, name) .rk_python("py_getattr", environment(x)$.rk_layer, name)
`$<-.rkeras_layer_fn` <- function(x, name, value) {
  .rk_python("setattr", environment(x)$.rk_layer, name, value)
  x
}

# Tensors (symbolic inputs, values given to R losses and metrics): R's
# arithmetic and math run as keras.ops, so an R loss keeps its gradient.
Ops.rkeras_tensor <- function(e1, e2) {
  if (missing(e2)) .rk_python("op", .Generic, e1)
  else do.call(.rk_python, c(list("op", .Generic), .rk_mark_vectors(list(e1, e2))))
}
Math.rkeras_tensor <- function(x, ...) .rk_python("op", .Generic, x)
Summary.rkeras_tensor <- function(..., na.rm = FALSE) .rk_python("op", .Generic, ...)
mean.rkeras_tensor <- function(x, ...) .rk_python("op", "mean", x)
as.array.rkeras_tensor <- function(x, ...) .rk_python("as_array", x)
# (as the tensorflow package: a tensor's names() are Python attributes, not dimnames)
as.matrix.rkeras_tensor <- function(x, ...) as.matrix(.rk_python("as_array", x), ...)
as.numeric.rkeras_tensor <- function(x, ...) as.numeric(.rk_python("as_array", x))
# as.numeric() dispatches on as.double methods; dim(), length() read the shape.
as.double.rkeras_tensor <- function(x, ...) as.double(.rk_python("as_array", x))
as.integer.rkeras_tensor <- function(x, ...) as.integer(.rk_python("as_array", x))
as.logical.rkeras_tensor <- function(x, ...) as.logical(.rk_python("as_array", x))
as.vector.rkeras_tensor <- function(x, mode = "any") as.vector(.rk_python("as_array", x), mode)
dim.rkeras_tensor <- function(x) {
  s <- .rk_python("tensor_shape", x)
  if (is.null(s)) NULL else as.integer(unlist(lapply(s, function(d) if (is.null(d)) NA_integer_ else d)))
}
length.rkeras_tensor <- function(x) {
  d <- dim(x)
  if (anyNA(d)) NA_integer_ else as.integer(prod(d))
}
`[.rkeras_tensor` <- function(x, ...) {
  # R's 1-based indices, through keras3's op_subset when the front end has it.
  f <- get0("op_subset", envir = .rk_env, inherits = FALSE)
  if (is.null(f)) stop("tensor indexing with `[` needs op_subset()", call. = FALSE)
  cl <- sys.call()
  cl[[1L]] <- f
  eval(cl, parent.frame())
}

.rk_s3 <- c(.rk_s3, list(
  c("print", "rkeras_py_object", "print.rkeras_py_object"),
  c("format", "rkeras_py_object", "format.rkeras_py_object"),
  c("summary", "rkeras_model", "summary.rkeras_model"),
  c("format", "rkeras_model", "format.rkeras_model"),
  c("print", "rkeras_model", "print.rkeras_model"),
  c("$", "rkeras_py_object", "$.rkeras_py_object"),
  c("[[", "rkeras_py_object", "[[.rkeras_py_object"),
  c("$<-", "rkeras_py_object", "$<-.rkeras_py_object"),
  c("[[<-", "rkeras_py_object", "[[<-.rkeras_py_object"),
  c("names", "rkeras_py_object", "names.rkeras_py_object"),
  c(".DollarNames", "rkeras_py_object", ".DollarNames.rkeras_py_object"),
  c("str", "rkeras_py_object", "str.rkeras_py_object"),
  c("as.character", "rkeras_py_object", "as.character.rkeras_py_object"),
  c("as.double", "rkeras_tensor", "as.double.rkeras_tensor"),
  c("as.integer", "rkeras_tensor", "as.integer.rkeras_tensor"),
  c("as.logical", "rkeras_tensor", "as.logical.rkeras_tensor"),
  c("as.vector", "rkeras_tensor", "as.vector.rkeras_tensor"),
  c("dim", "rkeras_tensor", "dim.rkeras_tensor"),
  c("length", "rkeras_tensor", "length.rkeras_tensor"),
  c("[", "rkeras_tensor", "[.rkeras_tensor"),
  c("print", "rkeras_layer_fn", "print.rkeras_layer_fn"),
  c("$", "rkeras_layer_fn", "$.rkeras_layer_fn"),
  c("$<-", "rkeras_layer_fn", "$<-.rkeras_layer_fn"),
  c("Ops", "rkeras_tensor", "Ops.rkeras_tensor"),
  c("Math", "rkeras_tensor", "Math.rkeras_tensor"),
  c("Summary", "rkeras_tensor", "Summary.rkeras_tensor"),
  c("mean", "rkeras_tensor", "mean.rkeras_tensor"),
  c("as.array", "rkeras_tensor", "as.array.rkeras_tensor"),
  c("as.matrix", "rkeras_tensor", "as.matrix.rkeras_tensor"),
  c("as.numeric", "rkeras_tensor", "as.numeric.rkeras_tensor")))
