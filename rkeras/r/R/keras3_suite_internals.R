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
  if (inherits(LayerClass, "R6ClassGenerator")) LayerClass <- .rk_r6_class(LayerClass)
  layer <- do.call(LayerClass, args)
  if (missing(object) || is.null(object)) return(.rk_self(layer))
  # A layer instance (e.g. of an R6 class) composes as a layer verb does.
  if (is.function(layer)) return(layer(object))
  .rk_python("compose", layer, object)[[1L]]
}

# keras3:::is_mac_arm64(): TRUE on Apple silicon (the suite then pins ops to the
# CPU); rkeras reads the platform as keras3 does.
is_mac_arm64 <- function() {
  info <- Sys.info()
  identical(unname(info[["sysname"]]), "Darwin") && identical(unname(info[["machine"]]), "arm64")
}

# keras3:::get_keras_implementation() and its predicates: keras3 reads the
# KERAS_IMPLEMENTATION option/variable, "keras" unless set; rkeras is Keras 3.
get_keras_implementation <- function(default = "keras") {
  value <- Sys.getenv("KERAS_IMPLEMENTATION", getOption("keras.implementation", default))
  tolower(value)
}
is_keras_implementation <- function(implementation = get_keras_implementation()) {
  identical(implementation, "keras")
}
is_tensorflow_implementation <- function(implementation = get_keras_implementation()) {
  grepl("^tensorflow", implementation)
}

# keras3:::create_layer_wrapper(Layer): a layer function with `object` and the
# class's initialize arguments as formals; `modifiers` (name -> function)
# convert arguments first (keras3's capture_args).
create_layer_wrapper <- function(Layer, modifiers = NULL, convert = TRUE) {
  if (!isTRUE(convert)) warning("convert argument is ignored")
  if (inherits(Layer, "R6ClassGenerator")) Layer <- .rk_r6_class(Layer)
  frmls <- formals(Layer)
  frmls <- frmls[names(frmls) != "object"]
  env <- new.env(parent = environment(create_layer))
  env$.rk_layer_class <- Layer
  env$.rk_fnames <- names(frmls)
  env$.rk_modifiers <- modifiers
  out <- as.function.default(c(alist(object = ), frmls, quote({
    args <- .rk_collect(.rk_fnames, environment())
    for (nm in intersect(names(.rk_modifiers), names(args)))
      args[[nm]] <- .rk_modifiers[[nm]](args[[nm]])
    create_layer(.rk_layer_class, if (missing(object)) NULL else object, args)
  })), envir = env)
  class(out) <- c("keras_Layer_wrapper", "keras_layer_wrapper", "function")
  out
}

# keras3:::is_windows(): the suite skips what errors on Windows.
is_windows <- function() identical(.Platform$OS.type, "windows")
