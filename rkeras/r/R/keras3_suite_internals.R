# keras3 internals that keras3's own test suite calls unqualified (testthat runs
# tests inside keras3's namespace): keras_array(), random_array(), create_layer().
# They live in rkeras's R environment, as the other `keras3:::` names do.

# A NumPy array of an R value, doubles as Keras's float type (config_floatx()).
keras_array <- function(x, dtype = NULL) {
  if (is.null(x) || inherits(x, "rkeras_py_object")) return(x)
  if (is.list(x)) return(lapply(x, keras_array))
  if (is.null(dtype) && is.double(x)) dtype <- config_floatx()
  np_array(x, dtype)
}

# An R array of the given dim filled by `gen` (uniform by default).
random_array <- function(..., gen = stats::runif) {
  dim <- unlist(c(...), use.names = FALSE)
  array(gen(prod(dim)), dim = dim)
}

# keras3's old layer-wrapper helper: make a `LayerClass` layer from `args` and
# compose it with `object` (add to a Sequential model, or call on a tensor).
create_layer <- function(LayerClass, object, args = list()) {
  layer <- do.call(LayerClass, args)
  if (missing(object) || is.null(object)) layer else layer(object)
}

# keras3:::is_mac_arm64(): TRUE on Apple silicon (the suite then pins ops to the
# CPU); rkeras reads the platform as keras3 does.
is_mac_arm64 <- function() {
  info <- Sys.info()
  identical(unname(info[["sysname"]]), "Darwin") && identical(unname(info[["machine"]]), "arm64")
}
