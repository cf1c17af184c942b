# R's with() on a Python context manager: how R keras users enter a
# distribution strategy's scope (and any other Python `with` object).
#
#   strategy <- strategy_mirrored()
#   with(strategy$scope(), {
#     model <- keras_model_sequential(input_shape = 784) %>%
#       layer_dense(units = 10, activation = "softmax")
#     model %>% compile(optimizer = "adam", loss = "sparse_categorical_crossentropy")
#   })
#
# As in the tensorflow R package: `__enter__` is called, `expr` is evaluated
# in the caller's environment (so `model <- ...` assigns there, not in a
# temporary one), and `__exit__` is called afterwards, also when `expr`
# fails or is interrupted. `as = "name"` assigns what `__enter__` returned
# (the strategy, for a scope). The value of `expr` is returned invisibly.
with.rkeras_py_object <- function(data, expr, as = NULL, ...) {
  enter <- tryCatch(.rk_python("getattr", data, "__enter__"), error = function(e) NULL)
  exit <- tryCatch(.rk_python("getattr", data, "__exit__"), error = function(e) NULL)
  if (!is.function(enter) || !is.function(exit)) {
    stop("with(): this Python object is not a context manager (it has no __enter__/__exit__); ",
         "for a strategy, use with(strategy$scope(), { ... })", call. = FALSE)
  }
  entered <- enter()
  on.exit(exit(NULL, NULL, NULL), add = TRUE)
  if (!is.null(as)) assign(as, entered, envir = parent.frame())
  invisible(expr)
}

.rk_s3 <- c(.rk_s3, list(c("with", "rkeras_py_object", "with.rkeras_py_object")))
