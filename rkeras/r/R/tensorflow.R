# What R code gets from library(tensorflow) and library(tfdatasets) in rkeras:
# the `tf` module object and the functions keras3's guides and tests use,
# on the same TensorFlow the verbs run on (in this process, no reticulate).
# Registered as the namespaces "tensorflow" and "tfdatasets" (reticulate.R);
# `tf` is bound when the front end is installed (.rk_finish_namespaces).

.rk_tensorflow <- local({
  tf <- NULL
  tf_version <- function() package_version(.rk_python("tf_version"))
  tf_config <- function() list(available = TRUE, version = tf_version(), python = "rkeras")
  # As R tensorflow's tf_function(): Python's AutoGraph is always off (it cannot
  # rewrite R code); `autograph` is R's tfautograph, which rkeras does not
  # provide, so R control flow on tensors runs eagerly while tracing.
  tf_function <- function(f, input_signature = NULL, autograph = TRUE, ...) {
    if (!(isTRUE(autograph) || isFALSE(autograph))) stop("`autograph` must be TRUE or FALSE")
    .rk_python("py_call", .rk_python("py_getattr", tf, "function"), f,
               input_signature = input_signature, autograph = FALSE, ...)
  }
  # tensorflow's as_tensor(): an R double is float64 (as one number it would reach
  # Python as a float, float32 to TF); a numeric dtype asked of a numeric value
  # is a saturating cast (as_tensor(1.7, "int32") is 1), anything else a cast.
  # `shape` reshapes in row-major order (NA: -1), or fills the shape when x has
  # one element.
  as_tensor <- function(x, dtype = NULL, ..., shape = NULL, name = NULL) {
    t <- .rk_python("py_call", .rk_python("py_getattr", tf, "convert_to_tensor"), x,
                    dtype = if (is.double(x)) "float64", name = name)
    if (!is.null(dtype)) {
      dtype <- tf$as_dtype(dtype)
      numeric <- function(d) d$is_floating || d$is_integer
      t <- if (numeric(dtype) && numeric(t$dtype)) tf$dtypes$saturate_cast(t, dtype, name = name)
           else tf$cast(t, dtype, name = name)
    }
    if (is.null(shape)) return(t)
    shape <- as.integer(unlist(shape))
    shape[is.na(shape)] <- -1L
    if (prod(dim(t)) == 1L) tf$fill(shape, tf$reshape(t, list())) else tf$reshape(t, shape)
  }
  shape <- function(...) get("shape", envir = .rk_env)(...)
  install_tensorflow <- function(...) {
    message("rkeras: nothing to install; TensorFlow runs in this process.")
    invisible(NULL)
  }
  environment()
})

.rk_tfdatasets <- local({
  # tf$data$Dataset's method `m` of `dataset`, called with `...`.
  .ds <- function(dataset, m, ...) .rk_python("py_call", .rk_python("py_getattr", dataset, m), ...)
  .ds_class <- function(m, ...) {
    cls <- .rk_python("py_getattr", .rk_python("py_getattr", .rk_tensorflow$tf, "data"), "Dataset")
    .rk_python("py_call", .rk_python("py_getattr", cls, m), ...)
  }
  .int <- function(x) if (is.null(x)) NULL else as.integer(x)
  # A formula (~ .x + 1) or an R function, as tfdatasets accepts.
  .fn <- function(f) {
    if (inherits(f, "formula")) rlang::as_function(f) else f
  }
  # tfdatasets: an unnamed list is a tuple of components (x, y), not one array to stack.
  .tuple <- function(x) {
    if (!is.list(x) || !is.null(names(x)) || inherits(x, "rkeras_py_object")) return(x)
    do.call(.rk_python, c(list("py_tuple"), lapply(x, .tuple)))
  }
  tensor_slices_dataset <- function(tensors, name = NULL) .ds_class("from_tensor_slices", .tuple(tensors))
  tensors_dataset <- function(tensors, name = NULL) .ds_class("from_tensors", .tuple(tensors))
  range_dataset <- function(from = 0, to = 0, by = 1, ..., dtype = "int64")
    .ds_class("range", .int(from), .int(to), .int(by), dtype = dtype)
  zip_datasets <- function(...) {
    ds <- list(...)
    if (length(ds) == 1L && is.list(ds[[1L]]) && !inherits(ds[[1L]], "rkeras_py_object")) ds <- ds[[1L]]
    # zip_datasets(tuple(a, b)): that tuple, as tfdatasets' tf$data$Dataset$zip(tuple(...)).
    if (length(ds) == 1L && inherits(ds[[1L]], "python.builtin.tuple")) return(.ds_class("zip", ds[[1L]]))
    .ds_class("zip", do.call(.rk_python, c(list("py_tuple"), unname(ds))))
  }
  dataset_batch <- function(dataset, batch_size, drop_remainder = FALSE, num_parallel_calls = NULL,
                            deterministic = NULL)
    .ds(dataset, "batch", .int(batch_size), drop_remainder = drop_remainder)
  dataset_unbatch <- function(dataset, name = NULL) .ds(dataset, "unbatch")
  dataset_map <- function(dataset, map_func, num_parallel_calls = NULL, name = NULL)
    .ds(dataset, "map", .fn(map_func), num_parallel_calls = .int(num_parallel_calls))
  dataset_filter <- function(dataset, predicate) .ds(dataset, "filter", .fn(predicate))
  dataset_shuffle <- function(dataset, buffer_size, seed = NULL, reshuffle_each_iteration = NULL)
    .ds(dataset, "shuffle", .int(buffer_size), seed = .int(seed),
        reshuffle_each_iteration = reshuffle_each_iteration)
  dataset_prefetch <- function(dataset, buffer_size = -1L) .ds(dataset, "prefetch", .int(buffer_size))
  dataset_take <- function(dataset, count) .ds(dataset, "take", .int(count))
  dataset_skip <- function(dataset, count) .ds(dataset, "skip", .int(count))
  dataset_repeat <- function(dataset, count = NULL) .ds(dataset, "repeat", .int(count))
  dataset_cache <- function(dataset, filename = "") .ds(dataset, "cache", filename)
  dataset_cardinality <- function(dataset) as.numeric(.ds(dataset, "cardinality"))
  as_array <- function(x, ...) as.array(x)
  as_iterator <- function(x) .rk_reticulate$as_iterator(x)
  iterate <- function(it, f = base::identity, simplify = TRUE) .rk_reticulate$iterate(it, f, simplify)
  iter_next <- function(it, completed = NULL) .rk_reticulate$iter_next(it, completed)
  dataset_collect <- function(dataset, iter_max = Inf) {
    out <- list()
    it <- as_iterator(dataset)
    done <- new.env()
    while (length(out) < iter_max) {
      v <- iter_next(it, completed = done)
      if (identical(v, done)) break
      out[[length(out) + 1L]] <- v
    }
    out
  }
  environment()
})

# Register reticulate, tensorflow and tfdatasets now (before any code could
# load an installed reticulate); the versions are the ones keras3 1.5.1 expects.
.rk_register_namespace("reticulate", .rk_reticulate, "1.40.0")
.rk_register_namespace("tensorflow", .rk_tensorflow, "2.16.0")
.rk_register_namespace("tfdatasets", .rk_tfdatasets, "2.17.0")

# Called by the front end's install() once the verbs exist: bind the Python
# modules, and register "keras3" as a namespace holding the front end (a copy
# of its bindings: the closures keep rkeras's environment), so keras3:::x and
# keras3::x resolve and code can run under it as under the real package.
.rk_finish_namespaces <- function(env) {
  # Promises: binding them imports nothing (the front end stays lazy until used).
  delayedAssign("keras", .rk_reticulate$import("keras"), assign.env = env)
  delayedAssign("tf", .rk_reticulate$import("tensorflow"), assign.env = .rk_tensorflow)
  for (n in c("have_h5py", "have_pyyaml", "have_pillow"))
    if (!exists(n, envir = env, inherits = FALSE)) assign(n, function() TRUE, envir = env)
  if (!exists("keras_version", envir = env, inherits = FALSE))
    assign("keras_version", function() package_version(keras$`__version__`), envir = env)
  if (exists("shape", envir = env, inherits = FALSE) && !inherits(env$shape, "rkeras_shape_fn")) {
    # keras3's shape() values have class keras_shape (printed as shape(2, 3)).
    shape_verb <- env$shape
    env$shape <- structure(function(...) structure(as.list(shape_verb(...)), class = "keras_shape"),
                           class = c("rkeras_shape_fn", "function"))
  }
  # Verbs defined in R (keras3_extras.R) replace the generated ones.
  for (n in names(.rk_r_verbs)) assign(n, .rk_r_verbs[[n]], envir = env)
  if (!("keras3" %in% loadedNamespaces())) {
    ns <- new.env(hash = TRUE, parent = globalenv())
    for (n in setdiff(ls(env, all.names = TRUE), "keras")) assign(n, get(n, envir = env), envir = ns)
    delayedAssign("keras", get("keras", envir = env), assign.env = ns)
    # keras3 imports reticulate's namespace: its code calls import(), py_call() ... unqualified.
    for (n in ls(.rk_reticulate))
      if (!exists(n, envir = ns, inherits = FALSE)) assign(n, get(n, envir = .rk_reticulate), envir = ns)
    .rk_register_namespace("keras3", ns, "1.5.1")
  }
  invisible(NULL)
}

format.keras_shape <- function(x, ...) {
  dims <- vapply(unclass(x), function(d) if (is.null(d) || is.na(d)) "NA" else format(d), "")
  paste0("shape(", paste(dims, collapse = ", "), ")")
}
print.keras_shape <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}
# The tensorflow package's as.list() of a TensorShape: one element per axis,
# NULL for an unknown size (unlist(as.list(x$shape)) is the known sizes).
as.list.tensorflow.python.framework.tensor_shape.TensorShape <- function(x, ...)
  as.list(.rk_python("py_call", .rk_python("py_getattr", x, "as_list")))
# The tensorflow package's 1-based x$shape[[1]] (NULL for an unknown size) and length().
`[[.tensorflow.python.framework.tensor_shape.TensorShape` <- function(x, i)
  as.list.tensorflow.python.framework.tensor_shape.TensorShape(x)[[i]]
length.tensorflow.python.framework.tensor_shape.TensorShape <- function(x)
  length(as.list.tensorflow.python.framework.tensor_shape.TensorShape(x))
# The tensorflow package's other TensorShape methods: sizes as integers (NA
# unknown), format() "(2, 3)", str()/py_str() its repr "TensorShape([2, 3])",
# == and != against a vector or list of sizes.
.rk_ts <- "tensorflow.python.framework.tensor_shape.TensorShape"
.rk_ts_rank <- function(x) .rk_python("py_getattr", x, "rank")
as.integer.tensorflow.python.framework.tensor_shape.TensorShape <- function(x, ...)
  vapply(as.list.tensorflow.python.framework.tensor_shape.TensorShape(x),
         function(d) if (is.null(d)) NA_integer_ else as.integer(d), 0L)
as.double.tensorflow.python.framework.tensor_shape.TensorShape <- function(x, ...)
  as.double(as.integer.tensorflow.python.framework.tensor_shape.TensorShape(x))
format.tensorflow.python.framework.tensor_shape.TensorShape <- function(x, ...) {
  if (is.null(.rk_ts_rank(x))) "(<unknown>)"
  else sprintf("(%s)", paste0(as.integer.tensorflow.python.framework.tensor_shape.TensorShape(x),
                              collapse = ", "))
}
str.tensorflow.python.framework.tensor_shape.TensorShape <- function(object, ...)
  cat(.rk_python("py_repr", object), "\n", sep = "")
.rk_as_tensor_shape <- function(x) {
  if (inherits(x, .rk_ts)) return(x)
  dims <- lapply(as.list(x), function(d) if (is.null(d) || is.na(d)) NULL else as.integer(d))
  .rk_python("py_call", .rk_python("py_getattr", .rk_tensorflow$tf, "TensorShape"), dims)
}
`==.tensorflow.python.framework.tensor_shape.TensorShape` <- function(e1, e2)
  .rk_python("py_call", .rk_python("py_getattr", .rk_as_tensor_shape(e1), "__eq__"),
             .rk_as_tensor_shape(e2))
`!=.tensorflow.python.framework.tensor_shape.TensorShape` <- function(e1, e2)
  .rk_python("py_call", .rk_python("py_getattr", .rk_as_tensor_shape(e1), "__ne__"),
             .rk_as_tensor_shape(e2))
.rk_s3 <- c(.rk_s3, lapply(c("as.integer", "as.double", "format", "str", "==", "!="),
                           function(g) c(g, .rk_ts, paste0(g, ".", .rk_ts))))
# keras3: as.list(shape(32, 4)) is the plain list of sizes (no keras_shape class).
as.list.keras_shape <- function(x, ...) unclass(x)
.rk_s3 <- c(.rk_s3, list(c("format", "keras_shape", "format.keras_shape"),
                         c("print", "keras_shape", "print.keras_shape"),
                         c("as.list", "keras_shape", "as.list.keras_shape"),
                         c("as.list", "tensorflow.python.framework.tensor_shape.TensorShape",
                           "as.list.tensorflow.python.framework.tensor_shape.TensorShape"),
                         c("[[", "tensorflow.python.framework.tensor_shape.TensorShape",
                           "[[.tensorflow.python.framework.tensor_shape.TensorShape"),
                         c("length", "tensorflow.python.framework.tensor_shape.TensorShape",
                           "length.tensorflow.python.framework.tensor_shape.TensorShape")))

# The tensorflow package's print() and str() of a tensor (keras3's tensors and
# Variables have class "tensorflow.tensor"): print shows Python's str(), str()
# its repr, both with a 1-d shape written as R writes it, (2) not (2,).
print.tensorflow.tensor <- function(x, ...) {
  writeLines(gsub("shape=\\((None|[[:digit:]]+),\\), dtype=", "shape=(\\1), dtype=",
                  .rk_python("py_str", x)))
  invisible(x)
}
str.tensorflow.tensor <- function(object, ...) {
  s <- strsplit(.rk_python("py_repr", object), "\n", fixed = TRUE)[[1L]]
  if (length(s) > 1L) s <- paste0(s[[1L]], "\u2026>")
  writeLines(sub("shape=\\((None|[[:digit:]]+),\\)", "shape=(\\1)", s))
  invisible(NULL)
}
# as.character() of an eager tensor: its values as text (tensorflow's eager.R).
as.character.tensorflow.python.framework.ops.EagerTensor <- function(x, ...)
  as.character(.rk_python("as_array", x), ...)
.rk_s3 <- c(.rk_s3, list(c("print", "tensorflow.tensor", "print.tensorflow.tensor"),
                         c("as.character", "tensorflow.python.framework.ops.EagerTensor",
                           "as.character.tensorflow.python.framework.ops.EagerTensor"),
                         c("str", "tensorflow.tensor", "str.tensorflow.tensor")))

# keras3 registers these for its backend tensors (package.R): t() and aperm()
# are op_transpose(), all.equal() compares the values as R arrays.
t.tensorflow.tensor <- function(x) op_transpose(x)
aperm.tensorflow.tensor <- function(a, perm = NULL, ...) op_transpose(a, perm)
all.equal.tensorflow.tensor <- function(target, current, ...) {
  as_r <- function(x) if (inherits(x, "rkeras_py_object")) as.array(x) else x
  all.equal(as_r(target), as_r(current), ...)
}
.rk_s3 <- c(.rk_s3, list(c("t", "tensorflow.tensor", "t.tensorflow.tensor"),
                         c("aperm", "tensorflow.tensor", "aperm.tensorflow.tensor"),
                         c("all.equal", "tensorflow.tensor", "all.equal.tensorflow.tensor")))
