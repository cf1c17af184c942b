# Python objects in R: printing, `$` access, layers as R functions, tensor
# arithmetic. Handles are external pointers of class c(..., "rkeras_py_object")
# (rkeras/r/handles.py); models are c("rkeras_sequential", "rkeras_model",
# "rkeras_layer", "rkeras_py_object").

# print(model) shows the summary, as keras3; other objects their Python repr.
print.rkeras_py_object <- function(x, ...) {
  cat(.rk_python("format", x), "\n", sep = "")
  invisible(x)
}

format.rkeras_py_object <- function(x, ...) .rk_python("format", x)

# summary(model): Keras's table printed on R's console, the text returned
# invisibly (keras3). Arguments: line_length, positions, expand_nested,
# show_trainable, layer_range.
summary.rkeras_model <- function(object, ...) {
  text <- .rk_python("format", object, ...)
  cat(text, "\n", sep = "")
  invisible(text)
}

# model$count_params(), model$layers, layer$units: Python attributes.
`$.rkeras_py_object` <- function(x, name) .rk_python("getattr", x, name)
`[[.rkeras_py_object` <- function(x, i, ...) .rk_python("getattr", x, i)
`$<-.rkeras_py_object` <- function(x, name, value) .rk_python("setattr", x, name, value)

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
  class(f) <- .rk_layer_classes
  f
}

print.rkeras_layer_fn <- function(x, ...) {
  cat(.rk_python("format", environment(x)$.rk_layer), "\n", sep = "")
  invisible(x)
}
`$.rkeras_layer_fn` <- function(x, name) .rk_python("getattr", environment(x)$.rk_layer, name)
`$<-.rkeras_layer_fn` <- function(x, name, value) {
  .rk_python("setattr", environment(x)$.rk_layer, name, value)
  x
}

# Tensors (symbolic inputs, values given to R losses and metrics): R's
# arithmetic and math run as keras.ops, so an R loss keeps its gradient.
Ops.rkeras_tensor <- function(e1, e2) {
  if (missing(e2)) .rk_python("op", .Generic, e1) else .rk_python("op", .Generic, e1, e2)
}
Math.rkeras_tensor <- function(x, ...) .rk_python("op", .Generic, x)
Summary.rkeras_tensor <- function(..., na.rm = FALSE) .rk_python("op", .Generic, ...)
mean.rkeras_tensor <- function(x, ...) .rk_python("op", "mean", x)
as.array.rkeras_tensor <- function(x, ...) .rk_python("as_array", x)
as.numeric.rkeras_tensor <- function(x, ...) as.numeric(.rk_python("as_array", x))

.rk_s3 <- c(.rk_s3, list(
  c("print", "rkeras_py_object", "print.rkeras_py_object"),
  c("format", "rkeras_py_object", "format.rkeras_py_object"),
  c("summary", "rkeras_model", "summary.rkeras_model"),
  c("$", "rkeras_py_object", "$.rkeras_py_object"),
  c("[[", "rkeras_py_object", "[[.rkeras_py_object"),
  c("$<-", "rkeras_py_object", "$<-.rkeras_py_object"),
  c("print", "rkeras_layer_fn", "print.rkeras_layer_fn"),
  c("$", "rkeras_layer_fn", "$.rkeras_layer_fn"),
  c("$<-", "rkeras_layer_fn", "$<-.rkeras_layer_fn"),
  c("Ops", "rkeras_tensor", "Ops.rkeras_tensor"),
  c("Math", "rkeras_tensor", "Math.rkeras_tensor"),
  c("Summary", "rkeras_tensor", "Summary.rkeras_tensor"),
  c("mean", "rkeras_tensor", "mean.rkeras_tensor"),
  c("as.array", "rkeras_tensor", "as.array.rkeras_tensor"),
  c("as.numeric", "rkeras_tensor", "as.numeric.rkeras_tensor")))
