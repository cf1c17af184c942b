# reticulate's surface on rkeras's bridge, and the in-memory R namespaces
# "reticulate", "tensorflow", "tfdatasets" and "keras3".
#
# R keras3 code reaches Python through reticulate (import(), py_to_r(),
# iterate(), `%as%` ...) and its tests through `reticulate::`, `tensorflow::`
# and `keras3:::`. rkeras has no reticulate: these functions call the Python
# helpers of rkeras/r/python_objects.py through .rk_python(), in this process.
#
# The namespaces are registered in R's namespace registry, so `::`, `:::`,
# requireNamespace() and loadNamespace() find them and R never loads an
# installed reticulate into the embedded R (which would start a second
# Python: issue 14). library() of them attaches their exports (00-core.R).

# Build an R namespace environment by hand (what loadNamespace() does for an
# installed package) and register it under `name`.
.rk_register_namespace <- function(name, env, version = "0.0.0") {
  if (name %in% loadedNamespaces()) return(invisible(asNamespace(name)))
  info <- new.env(hash = TRUE, parent = baseenv())
  info$spec <- c(name = name, version = version)
  info$exports <- new.env(hash = TRUE, parent = baseenv())
  info$imports <- list(base = TRUE)
  info$lazydata <- new.env(hash = TRUE, parent = baseenv())
  info$dynlibs <- character()
  info$S3methods <- matrix(NA_character_, 0L, 4L)
  # A DESCRIPTION, so that packageVersion() and packageDescription() answer.
  path <- file.path(tempdir(), "rkeras-namespaces", name)
  dir.create(path, recursive = TRUE, showWarnings = FALSE)
  writeLines(c(paste("Package:", name), paste("Version:", version),
               "Title: Provided in-process by rkeras", "License: MIT"),
             file.path(path, "DESCRIPTION"))
  info$path <- path
  env$.__NAMESPACE__. <- info
  env$.__S3MethodsTable__. <- new.env(hash = TRUE, parent = baseenv())
  env$.packageName <- name
  .rk_export_all(env)
  .Internal(registerNamespace(name, env))
  invisible(env)
}

# Export every name of a namespace that does not start with a dot.
.rk_export_all <- function(env) {
  exports <- env$.__NAMESPACE__.$exports
  for (n in ls(env, all.names = FALSE)) assign(n, n, envir = exports)
  invisible(NULL)
}

# reticulate's r_to_py() makes an R number/logical vector of length > 1 without
# attributes a Python list (Keras: c(1, 2) is a float32 tensor), an array or
# matrix a numpy array. rkeras's bridge gives every vector as an array, so
# where R code hands values to Python (verbs, Python calls) such vectors are
# marked, in lists too: wrapped in a one-element list of class
# "rkeras_r_vector" (no copy of the vector). Python decides what each becomes
# (rkeras/r/convert/r_vectors.py: a list for Python calls and keras3's value
# arguments, an array for fit()'s data and rkeras's axes, indices, shapes).
.rk_mark_vectors <- function(args, depth = 0L) {
  for (i in seq_along(args)) {
    a <- args[[i]]
    # (a named vector too: reticulate drops the names, c(a = 1, b = 2) is [1.0, 2.0])
    if (.rk_is_py_list(a) || (.rk_is_py_list(unname(a)) && identical(names(attributes(a)), "names"))) {
      args[[i]] <- structure(list(a), class = "rkeras_r_vector")
    } else if (depth < 3L && is.list(a) && !is.object(a) && length(a) &&
               all(names(attributes(a)) %in% "names")) {
      args[[i]] <- .rk_mark_vectors(a, depth + 1L)
    }
  }
  args
}

# A Python callable called from R (keras$ops$array(c(1, 2)), model$predict(x)):
# its arguments as reticulate converts them (.rk_mark_vectors).
.rk_py_call <- function(.rk_callable, ...) {
  args <- .rk_mark_vectors(.rk_collect("...", environment()))
  res <- do.call(.rk_python, c(list(if (.rk_py_convert(.rk_callable)) "py_call" else "py_call_raw",
                                    .rk_callable), args))
  if (is.null(res)) invisible(res) else res     # reticulate: a None result is invisible
}

# The namespaces rkeras provides (besides keras/keras3, which are the front end).
.rk_provided_namespaces <- c("reticulate", "tensorflow", "tfdatasets")

# library(reticulate) and friends: attach the namespace's exports once. As
# base::library(), `exclude` leaves names out and `include.only` keeps only
# those (keras3's guides: library(tensorflow, exclude = c("shape", "set_random_seed")),
# so keras3's shape() stays the one found); both given is an error, an unknown
# name in include.only too; library()'s other arguments change nothing here.
.rk_attach_namespace <- function(name, pos = 2L, exclude = NULL, include.only = NULL, ...) {
  entry <- paste0("package:", name)
  if (!(entry %in% search())) {
    ns <- asNamespace(name)
    exports <- ls(ns$.__NAMESPACE__.$exports)
    if (!is.null(include.only)) {
      if (!is.null(exclude))
        stop("only one of 'include.only' and 'exclude' can be used", call. = FALSE)
      missing <- setdiff(include.only, exports)
      if (length(missing))
        stop(sprintf("%s not exported by '%s'", paste(sQuote(missing), collapse = ", "), name),
             call. = FALSE)
      exports <- include.only
    }
    exports <- setdiff(exports, exclude)
    base::attach(mget(exports, envir = ns), pos = pos, name = entry, warn.conflicts = FALSE)
  }
  invisible(NULL)
}

.rk_reticulate <- local({
  import <- function(module, as = NULL, convert = TRUE, delay_load = FALSE)
    .rk_python("py_import", module, convert)
  import_main <- function(convert = TRUE, delay_load = FALSE) import("__main__", convert = convert)
  import_builtins <- function(convert = TRUE, delay_load = FALSE) .rk_python("py_builtins")
  is_py_object <- function(x) inherits(x, "rkeras_py_object")
  py_to_r <- function(x) if (is_py_object(x)) .rk_python("py_to_r", x) else x
  # reticulate's r_to_py is an S3 generic: a user's r_to_py.<class> method
  # (found from the caller's scope, as S3 dispatch finds it) wins; R6 class generators become Python classes.
  r_to_py <- function(x, convert = FALSE) {
    for (cl in class(x)) {
      method <- get0(paste0("r_to_py.", cl), envir = parent.frame(), mode = "function")
      if (!is.null(method)) return(method(x, convert = convert))
    }
    # a Python object: itself, or (convert = FALSE) the same object whose results stay Python
    if (is_py_object(x)) return(if (isTRUE(convert)) x else .rk_python("py_raw", x))
    if (inherits(x, "R6ClassGenerator")) return(.rk_r6_class(x))
    .rk_python("r_to_py", .rk_mark_vectors(list(x))[[1L]], convert)   # c(1, 2): a Python list
  }
  # reticulate makes an R vector an array first: np_array(1) has shape (1,), not ().
  np_array <- function(data, dtype = NULL, order = "C") {
    if (is.atomic(data) && is.null(dim(data))) data <- as.array(data)
    .rk_python("np_array", data, dtype, order)
  }
  .rk_items <- function(...) {
    items <- list(...)
    if (length(items) == 1L && is.null(names(items)) && is.list(items[[1L]]) &&
        !is_py_object(items[[1L]])) items <- items[[1L]]
    items
  }
  tuple <- function(..., convert = FALSE) {
    # reticulate: tuple(<a Python tuple>) is that tuple.
    if (...length() == 1L && inherits(..1, "python.builtin.tuple")) return(..1)
    do.call(.rk_python, c(list("py_tuple"), .rk_mark_vectors(unname(.rk_items(...)))))
  }
  dict <- function(..., convert = FALSE) {
    items <- .rk_items(...)
    .rk_python("py_dict", as.list(names(items)), .rk_mark_vectors(unname(items)))
  }
  py_dict <- function(keys, values, convert = FALSE) .rk_python("py_dict", as.list(keys), as.list(values))
  py_eval <- function(code, convert = TRUE) .rk_python("py_eval", code, convert)
  py_run_string <- function(code, local = FALSE, convert = TRUE)
    .rk_python("py_run_string", code, local, convert)
  py_available <- function(initialize = FALSE) TRUE
  is_python_initialized <- function() TRUE
  py_module_available <- function(module) .rk_python("module_available", module)
  py_has_attr <- function(x, name) .rk_python("py_hasattr", x, name)
  py_get_attr <- function(x, name, silent = FALSE) {
    if (silent && !py_has_attr(x, name)) return(NULL)
    .rk_python("py_getattr", x, name)
  }
  py_set_attr <- function(x, name, value) {
    .rk_python("setattr", x, name, value)
    invisible(x)
  }
  py_get_item <- function(x, key, silent = FALSE) .rk_python("py_getitem", x, key)
  py_set_item <- function(x, key, value) {
    .rk_python("py_setitem", x, key, value)
    invisible(x)
  }
  py_call <- function(x, ...) .rk_py_call(x, ...)
  py_call_impl <- function(x, args = NULL, keywords = NULL)
    do.call(.rk_python, c(list("py_call", x), .rk_mark_vectors(c(as.list(args), as.list(keywords)))))
  py_str <- function(object, ...) .rk_python("py_str", object)
  py_repr <- function(object) .rk_python("py_repr", object)
  py_len <- function(x, default = NULL) .rk_python("py_len", x)
  py_list_attributes <- function(x) .rk_python("py_names", x)
  py_is_null_xptr <- function(x) FALSE
  py_validate_xptr <- function(x) invisible(x)
  py_none <- function() .rk_python("py_eval", "None", FALSE)
  py_help <- function(object) {
    cat(.rk_python("py_doc", object), "\n", sep = "")
    invisible(NULL)
  }
  py_config <- function() {
    structure(list(python = .rk_python("py_eval", "__import__('sys').executable", TRUE),
                   version = .rk_python("py_eval", "__import__('platform').python_version()", TRUE),
                   note = "rkeras: Python runs in this process (no reticulate)"),
              class = "rkeras_py_config")
  }
  py_require <- function(packages = NULL, python_version = NULL, ..., action = "add") {
    message("rkeras: py_require() is not needed: Python and its packages are already in this process.")
    invisible(NULL)
  }
  use_python <- function(python, required = NULL) invisible(NULL)
  use_virtualenv <- function(virtualenv = NULL, required = NULL) invisible(NULL)
  use_condaenv <- function(condaenv = NULL, conda = "auto", required = NULL) invisible(NULL)
  py_register_load_hook <- function(module, hook) {
    # Python modules are already loaded in rkeras's process: run the hook now.
    try(utils::capture.output(hook()), silent = TRUE)
    invisible(NULL)
  }
  py_last_error <- function(exception) NULL
  repl_python <- function(...) stop("repl_python() is not available in rkeras's embedded R", call. = FALSE)
  py_suppress_warnings <- function(expr) suppressWarnings(expr)
  py_capture_output <- function(expr, type = c("stdout", "stderr")) {
    ctx <- .rk_python("capture_begin")
    text <- NULL
    on.exit(if (is.null(text)) .rk_python("capture_end", ctx))
    r_out <- utils::capture.output(force(expr))
    text <- .rk_python("capture_end", ctx)
    paste(c(text, r_out), collapse = "\n")
  }
  as_iterator <- function(x) .rk_python("as_iterator", x)
  iter_next <- function(it, completed = NULL) .rk_python("iter_next", it, completed)
  iterate <- function(it, f = base::identity, simplify = TRUE) {
    if (is.function(it) && !is_py_object(it)) {
      stop("iterate(): an R function is not an iterator", call. = FALSE)
    }
    it <- as_iterator(it)
    done <- new.env()     # a sentinel no Python value converts to
    out <- list()
    repeat {
      v <- iter_next(it, completed = done)
      if (identical(v, done)) break
      out[[length(out) + 1L]] <- f(v)
    }
    if (simplify && length(out) &&
        all(vapply(out, function(v) is.atomic(v) && length(v) == 1L, NA)))
      out <- unlist(out)
    invisible(out)      # reticulate's iterate() is invisible
  }
  `%as%` <- function(object, name) {
    attr(object, "as") <- as.character(substitute(name))
    object
  }
  environment()
})

print.rkeras_py_config <- function(x, ...) {
  cat("python:  ", x$python, "\nversion: ", x$version, "\n", x$note, "\n", sep = "")
  invisible(x)
}

# with(<context manager> %as% name, { ... }): enter, bind, run, exit
# (reticulate's with.python.builtin.object).
# An R error in `expr` reaches __exit__ (as a RuntimeError with R's message,
# as the tensorflow R package does) and is raised again; an interrupt still
# closes the context.
with.rkeras_py_object <- function(data, expr, as = NULL, ...) {
  as <- if (is.null(as)) attr(data, "as") else as
  value <- .rk_python("py_enter", data)
  exited <- FALSE
  on.exit(if (!exited) .rk_python("py_exit", data))
  env <- parent.frame()
  if (!is.null(as)) assign(as, value, envir = env)
  result <- tryCatch(eval(substitute(expr), env), error = function(e) {
    exited <<- TRUE
    .rk_python("py_exit", data, conditionMessage(e))
    stop(e)
  })
  invisible(result)
}

.rk_s3 <- c(.rk_s3, list(
  c("with", "rkeras_py_object", "with.rkeras_py_object"),
  c("print", "rkeras_py_config", "print.rkeras_py_config")))

# keras3 re-exports these from reticulate (library(keras3) gives them).
for (.rk_n in c("as_iterator", "iter_next", "iterate", "np_array", "py_help", "r_to_py",
                "py_to_r", "tuple", "use_python", "use_virtualenv", "use_condaenv", "%as%"))
  assign(.rk_n, get(.rk_n, envir = .rk_reticulate), envir = .rk_env)
rm(.rk_n)

# reticulate's str() of a numpy array left in Python (convert = FALSE,
# op_convert_to_numpy()): <numpy.ndarray shape(2,3), dtype=float64>.
str.numpy.ndarray <- function(object, ..., nest.lev = 0) {
  shape <- paste0(collapse = ",", unlist(.rk_python("tensor_shape", object)))
  dtype <- .rk_python("py_str", .rk_python("py_getattr", .rk_python("py_getattr", object, "dtype"), "name"))
  cat(sep = "", if (nest.lev > 0) " ", sprintf("<numpy.ndarray shape(%s), dtype=%s>\n", shape, dtype))
}
.rk_s3 <- c(.rk_s3, list(c("str", "numpy.ndarray", "str.numpy.ndarray")))

# reticulate's length() of a Python object: len(x), else its truth value (1 or 0), else NA.
length.rkeras_py_object <- function(x) .rk_python("py_length", x)
.rk_s3 <- c(.rk_s3, list(c("length", "rkeras_py_object", "length.rkeras_py_object")))
