# The last names keras3 1.5.1 exports from other packages (reticulate,
# tensorflow, tfruns, dotty, magrittr, generics) or defines for R classes:
# import(), py_require(), as_tensor(), `%<>%`, generate(), flags() and
# flag_*(), run_dir(), `.`, `%<-active%`, export_savedmodel(), tensorboard().
#
# Evaluated into rkeras's R environment like every rkeras/r/R/*.R file, so
# library(keras3) / library(keras) attach them. This file is evaluated before
# reticulate.R and tensorflow.R (name order), so the re-exports of their
# functions look them up when called rather than copying them now.

# ---- reticulate and tensorflow re-exports -----------------------------------

import <- function(module, as = NULL, convert = TRUE, delay_load = FALSE)
  .rk_reticulate$import(module, as = as, convert = convert, delay_load = delay_load)

py_require <- function(packages = NULL, python_version = NULL, ..., action = "add")
  .rk_reticulate$py_require(packages, python_version, ..., action = action)

as_tensor <- function(x, dtype = NULL, ..., name = NULL)
  .rk_tensorflow$as_tensor(x, dtype = dtype, ..., name = name)

# ---- magrittr's %<>% and generics' generate() ---------------------------------

# keras3 re-exports magrittr's assignment pipe (x %<>% f() is x <- x %>% f()).
if (requireNamespace("magrittr", quietly = TRUE)) {
  `%<>%` <- magrittr::`%<>%`
} else {
  `%<>%` <- function(lhs, rhs)
    stop("the %<>% pipe needs the 'magrittr' package: install.packages(\"magrittr\")", call. = FALSE)
}

# generics' S3 generic, re-exported by keras3 (methods come from other packages).
if (requireNamespace("generics", quietly = TRUE)) {
  generate <- generics::generate
} else {
  generate <- function(x, ...) UseMethod("generate")
}

# ---- %<-active% (keras3 R/py-classes.R) ---------------------------------------

# `x %<-active% function(value) ...` makes `x` an active binding in the
# caller's frame; in a %py_class% body (classes.R) the binding becomes a
# Python @property. Returns the function, invisibly, as keras3 does.
`%<-active%` <- function(sym, value) {
  makeActiveBinding(substitute(sym), value, parent.frame())
  invisible(value)
}

# ---- dotty's `.`: destructuring assignment ------------------------------------

# .[a, b] <- list(1, 2); .[first, .., last] <- x; .[b = beta] <- list(beta = 2);
# .[x, .[y, z]] <- list(1, list(2, 3)); .[major, minor, patch] <- getRversion().
# dotty's semantics: `..` drops values (only one per level); a named part is
# an expression evaluated with the value's elements as variables; named and
# unnamed parts cannot be mixed. The real dotty's object is used when installed.
.rk_dotty_dot <- as.name(".")
.rk_dotty_dotdot <- as.name("..")

.rk_destructure <- function(object) {
  if (inherits(object, "numeric_version")) unclass(object)[[1L]] else object
}

.rk_dotty_impl <- function(parts, value, envir) {
  nms <- names(parts)
  if (is.character(nms) && !sum(nms == "") %in% c(0L, length(nms)))
    stop("cannot mix named with unnamed arguments in `.[]` invocations", call. = FALSE)
  for (i in seq_along(parts)) {
    part <- parts[[i]]
    key <- nms[i]
    if (is.character(key) && nzchar(key)) {
      assign(key, eval(part, envir = as.list(value), enclos = envir), envir = envir)
    } else if (is.call(part) && identical(part[[1L]], quote(`[`)) &&
               identical(part[[2L]], .rk_dotty_dot)) {
      .rk_dotty(as.list(part)[-(1:2)], .rk_destructure(value[[i]]), envir)
    } else if (is.name(part)) {
      if (i > length(value))
        stop(sprintf("`.[]`: no value for `%s`: the value has %d element(s)",
                     as.character(part), length(value)), call. = FALSE)
      assign(as.character(part), value[[i]], envir = envir)
    } else {
      stop("`.[]` takes names, `..`, name = expression, or a nested .[...]; got ",
           deparse(part)[1L], call. = FALSE)
    }
  }
  invisible(NULL)
}

.rk_dotty <- function(parts, value, envir) {
  index <- which(vapply(parts, identical, NA, .rk_dotty_dotdot))
  if (!length(index)) return(.rk_dotty_impl(parts, value, envir))
  index <- index[[1L]]
  nlhs <- index - 1L
  nrhs <- length(parts) - index
  .rk_dotty_impl(utils::head(parts, nlhs), utils::head(value, nlhs), envir)
  .rk_dotty_impl(utils::tail(parts, nrhs), utils::tail(value, nrhs), envir)
}

# The first formal has a name no part uses (`.[x = a] <- v` must not match
# it); the parts are read unevaluated from the call. Returns the `.` object,
# which R assigns back to `.` in the caller.
`[<-.rkeras_dotty` <- function(.rk_dot, ..., value) {
  call <- as.list(sys.call())
  parts <- call[3L:(length(call) - 1L)]
  .rk_dotty(parts, .rk_destructure(value), parent.frame())
  .rk_dotty_object
}
format.rkeras_dotty <- function(x, ...) "<dotty>"
print.rkeras_dotty <- function(x, ...) {
  writeLines(format(x, ...))
  invisible(x)
}

.rk_dotty_object <- structure(list(), class = c("rkeras_dotty", "dotty"))
. <- if (requireNamespace("dotty", quietly = TRUE)) get(".", envir = asNamespace("dotty")) else .rk_dotty_object

.rk_s3 <- c(.rk_s3, list(c("[<-", "rkeras_dotty", "[<-.rkeras_dotty"),
                         c("format", "rkeras_dotty", "format.rkeras_dotty"),
                         c("print", "rkeras_dotty", "print.rkeras_dotty")))

# ---- tfruns: flags(), flag_*(), run_dir() --------------------------------------

# tfruns 1.5.4's behaviour: flags with typed defaults, overridden by a
# "flags.yml" (top-level values, or config-style sections chosen by
# R_CONFIG_ACTIVE) and then by `--name=value` / `--name value` command line
# arguments (`rkeras run script.R --learning-rate=0.1`; `-` in a name is `_`),
# values read as YAML and converted to the flag's type. Undeclared names and
# values that do not convert are errors. `--help` prints the flags and quits.
.rk_flag <- function(name, type, default, description)
  structure(class = "tfruns_flag",
            list(name = name, type = type, default = default, description = description))

flag_numeric <- function(name, default, description = NULL)
  .rk_flag(name, "numeric", as.double(default), description)
flag_integer <- function(name, default, description = NULL)
  .rk_flag(name, "integer", as.integer(default), description)
flag_boolean <- function(name, default, description = NULL)
  .rk_flag(name, "boolean", as.logical(default), description)
flag_string <- function(name, default, description = NULL)
  .rk_flag(name, "string", as.character(default), description)

.rk_yaml_value <- function(text) {
  if (requireNamespace("yaml", quietly = TRUE)) yaml::yaml.load(text)
  else utils::type.convert(text, as.is = TRUE)
}

# tfruns' parse_command_line(): `--key=value` or `--key value`, up to `--args`.
.rk_flags_from_command_line <- function(arguments) {
  values <- list()
  i <- 0L
  n <- length(arguments)
  while (i < n) {
    i <- i + 1L
    argument <- arguments[[i]]
    if (!grepl("^--", argument)) next
    if (argument == "--args") break
    eq <- regexpr("=", argument, fixed = TRUE)
    if (eq == -1L) {
      if (i == n) stop("flag ", argument, " has no value: write ", argument, "=VALUE", call. = FALSE)
      key <- substring(argument, 3L)
      val <- arguments[[i + 1L]]
      i <- i + 1L
    } else {
      key <- substring(argument, 3L, eq - 1L)
      val <- substring(argument, eq + 1L)
    }
    values[[gsub("-", "_", key, fixed = TRUE)]] <- .rk_yaml_value(val)
  }
  values
}

.rk_flags_from_file <- function(file, config) {
  if (is.null(file) || !file.exists(file)) return(list())
  if (!requireNamespace("yaml", quietly = TRUE))
    stop("reading ", file, " needs the 'yaml' package: install.packages(\"yaml\")", call. = FALSE)
  values <- yaml::yaml.load_file(file)
  if (!length(values)) return(list())
  if (all(vapply(values, is.list, NA)))        # config-style: default, then the active section
    return(utils::modifyList(as.list(values[["default"]]), as.list(values[[config]])))
  values
}

flags <- function(..., config = Sys.getenv("R_CONFIG_ACTIVE", unset = "default"),
                  file = "flags.yml", arguments = commandArgs(TRUE)) {
  if (!missing(file) && !file.exists(file)) {
    warning(sprintf("configuration file '%s' does not exist", file))
    file <- NULL
  }
  FLAGS <- structure(list(), class = "tfruns_flags", types = character(),
                     defaults = list(), descriptions = character())
  defs <- list(...)
  if (length(defs) == 1L && !inherits(defs[[1L]], "tfruns_flag")) defs <- defs[[1L]]
  for (flag in defs) {
    if (!is.null(FLAGS[[flag$name]]))
      stop("A flag named '", flag$name, "' has already been defined", call. = FALSE)
    FLAGS[[flag$name]] <- flag$default
    attr(FLAGS, "types") <- c(attr(FLAGS, "types"), flag$type)
    attr(FLAGS, "defaults") <- c(attr(FLAGS, "defaults"), flag$default)
    attr(FLAGS, "descriptions") <- c(attr(FLAGS, "descriptions"),
                                     if (is.null(flag$description)) NA else flag$description)
  }
  if ("--help" %in% arguments) {
    .rk_print_flags_help(FLAGS)
    quit(save = "no")
  }
  if (!length(defs)) return(FLAGS)
  given <- utils::modifyList(.rk_flags_from_file(file, config),
                             .rk_flags_from_command_line(arguments))
  undeclared <- setdiff(names(given), names(FLAGS))
  if (length(undeclared))
    stop("The following flags were provided but not declared: ",
         paste(undeclared, collapse = ", "), call. = FALSE)
  types <- attr(FLAGS, "types")
  for (i in seq_along(FLAGS)) {
    name <- names(FLAGS)[[i]]
    if (!name %in% names(given)) next
    raw <- given[[name]]
    value <- suppressWarnings(switch(types[[i]], numeric = as.double(raw), integer = as.integer(raw),
                                     boolean = as.logical(raw), string = as.character(raw)))
    if (length(value) > 1L)
      stop('flag "', name, '" has length > 1 (only scalar flag values are supported)', call. = FALSE)
    if (!length(value) || is.na(value))
      stop("Unable to convert flag '", name, "' with value '", format(raw), "' to type ",
           types[[i]], call. = FALSE)
    FLAGS[[name]] <- value
  }
  FLAGS
}

as.data.frame.tfruns_flags <- function(x, ...) {
  data.frame(stringsAsFactors = FALSE, name = as.character(names(x)),
             type = as.character(attr(x, "types")),
             value = vapply(unclass(x), function(v) as.character(v), ""),
             description = as.character(attr(x, "descriptions")))
}
print.tfruns_flags <- function(x, ...) {
  print(as.data.frame(x), row.names = FALSE)
  invisible(x)
}
.rk_print_flags_help <- function(FLAGS) {
  df <- as.data.frame(FLAGS)
  if (!nrow(df)) return(invisible(NULL))
  cat("\nOptions:\n")
  width <- max(nchar(df$name)) + 4L
  for (i in seq_len(nrow(df))) {
    description <- if (is.na(df$description[i])) "" else paste0(df$description[i], " ")
    cat(sprintf("%s    %s(%s)\n", format(paste0("  --", gsub("_", "-", df$name[i])), width = width),
                description, df$value[i]))
  }
  cat("\n")
}
.rk_s3 <- c(.rk_s3, list(c("as.data.frame", "tfruns_flags", "as.data.frame.tfruns_flags"),
                         c("print", "tfruns_flags", "print.tfruns_flags")))

# tfruns::run_dir(): the active training run's folder, else the working
# directory (rkeras has no training_run(), so no run is ever active).
run_dir <- function() getwd()

# ---- export_savedmodel() (tensorflow's generic, keras3's Model method) --------

# tensorflow's export_savedmodel() is an S3 generic and keras3 adds the method
# for Keras models. S3 dispatch does not search attached environments (R >= 3.6)
# and rkeras is not a package, so the Keras model case is handled here and
# other classes go to methods registered by other code (getS3method()).
export_savedmodel <- function(object, export_dir_base, ...) {
  if (inherits(object, "keras.src.models.model.Model"))
    return(.rk_export_keras_model(object, export_dir_base, ...))
  for (cls in class(object)) {
    method <- utils::getS3method("export_savedmodel", cls, optional = TRUE)
    if (!is.null(method)) return(method(object, export_dir_base, ...))
  }
  stop("export_savedmodel() exports a Keras model (keras_model(), keras_model_sequential() ...); ",
       "got an object of class ", paste(class(object), collapse = "/"), call. = FALSE)
}

# keras3: model$export(export_dir_base, format = ...) and the model, invisibly.
.rk_export_keras_model <- function(object, export_dir_base, ..., format = "tf_saved_model",
                                   verbose = NULL, input_signature = NULL) {
  args <- c(list(path.expand(export_dir_base)), list(...), list(format = format))
  if (!is.null(verbose)) args$verbose <- verbose
  if (!is.null(input_signature)) args$input_signature <- input_signature
  do.call(object$export, args)
  invisible(object)
}

# ---- tensorboard() (tensorflow::tensorboard) -----------------------------------

# Starts TensorBoard on `log_dir` in the background (Python's `tensorboard`
# package, with the Python that runs Keras here) and returns its URL
# invisibly; action = "stop" stops it. One TensorBoard per session, as in
# tensorflow: starting another stops the previous one and reuses its port.
.rk_tensorboard <- new.env(parent = emptyenv())

tensorboard <- function(log_dir, action = c("start", "stop"), host = "127.0.0.1", port = "auto",
                        launch_browser = getOption("tensorflow.tensorboard.browser", interactive()),
                        reload_interval = 5, purge_orphaned_data = TRUE) {
  action <- match.arg(action)
  if (!is.null(.rk_tensorboard$process)) {
    .rk_tensorboard$process$terminate()
    if (identical(port, "auto")) port <- .rk_tensorboard$port
    .rk_tensorboard$process <- NULL
  }
  if (action == "stop") {
    cat("TensorBoard stopped.\n")
    return(invisible(NULL))
  }
  python <- .rk_python("py_eval", "__import__('sys').executable", TRUE)
  if (!isTRUE(.rk_python("module_available", "tensorboard")))
    stop("tensorboard() needs the Python package 'tensorboard', which is not installed in ",
         "rkeras's Python (", python, "): install it with `", python,
         " -m pip install tensorboard`, or run `tensorboard --logdir <log_dir>` from a Python ",
         "environment that has it", call. = FALSE)
  if (missing(log_dir)) stop("A log_dir must be specified for tensorboard", call. = FALSE)
  log_dir <- path.expand(as.character(log_dir))
  for (dir in log_dir) if (!dir.exists(dir)) dir.create(dir, recursive = TRUE)
  if (identical(port, "auto")) {
    repeat {   # tensorflow's choice: 3001-8000 without the ports browsers refuse
      port <- 3000L + sample(5000L, 1L)
      if (!port %in% c(3659L, 4045L, 6000L, 6665:6669)) break
    }
  }
  subprocess <- .rk_reticulate$import("subprocess")
  process <- subprocess$Popen(c(python, "-m", "tensorboard.main", "--logdir", paste(log_dir, collapse = ","),
                                "--host", host, "--port", as.character(port),
                                "--reload_interval", as.character(as.integer(reload_interval)),
                                "--purge_orphaned_data", tolower(as.character(purge_orphaned_data))),
                              stdout = subprocess$DEVNULL, stderr = subprocess$DEVNULL)
  url <- paste0("http://", host, ":", port)
  started <- FALSE
  for (i in seq_len(120L)) {     # up to 30 s for the server to answer
    if (!is.null(process$poll())) break
    Sys.sleep(0.25)
    started <- tryCatch({
      con <- url(url)
      on.exit(close(con), add = TRUE)
      suppressWarnings(readLines(con, n = 1L))
      TRUE
    }, error = function(e) FALSE)
    if (started) break
  }
  if (!started) {
    if (is.null(process$poll())) process$terminate()
    stop("Unable to launch tensorboard on ", url, " (is the port in use? try another `port`)",
         call. = FALSE)
  }
  .rk_tensorboard$process <- process
  .rk_tensorboard$port <- port
  cat("Started TensorBoard at", url, "\n")
  if (isTRUE(launch_browser)) utils::browseURL(url)
  else if (is.function(launch_browser)) launch_browser(url)
  invisible(url)
}

# ---- verbs whose R form differs from the generated one ------------------------

# R definitions that replace the generated verb of the same name once the verbs
# are evaluated (.rk_finish_namespaces, tensorflow.R): generated verbs force
# every argument, and these must not.
.rk_r_verbs <- list()

# keras3: with_custom_object_scope(objects, expr) evaluates `expr` lazily,
# inside the scope (load_model() there finds the custom classes). `expr` stays
# a promise until the Python verb calls `run()` with the scope open; Python's
# `with` closes it on error too. The value stays in R (no trip through Python).
.rk_r_verbs$with_custom_object_scope <- function(objects, expr) {
  value <- NULL
  run <- function() {
    value <<- expr
    invisible(NULL)
  }
  verb <- function(objects, expr) .rk_verb("with_custom_object_scope")
  verb(objects, run)
  value
}

# keras3: op_convert_to_numpy(x) is a numpy array left in Python (it calls the
# function of r_to_py(keras$ops), a convert = FALSE module: str() shows
# <numpy.ndarray shape(2,3), dtype=float64>); op_convert_to_array(x) is the R array.
.rk_r_verbs$op_convert_to_numpy <- function(x) {
  verb <- function(x) .rk_verb("op_convert_to_numpy")
  r_to_py(verb(x))
}

# keras3 (reticulate's array_reshape): an R integer vector without dim reaches
# numpy as a list of Python ints, an int64 array, which comes back as doubles:
# str(array_reshape(1:6, c(2, 3))) is num; integer arrays and matrices stay int.
.rk_r_verbs$array_reshape <- function(x, dim, order = "C", ...) {
  if (is.integer(x) && is.null(base::dim(x)) && !is.object(x)) storage.mode(x) <- "double"
  verb <- function(x, dim, order = "C", ...) .rk_verb("array_reshape")
  if (missing(order)) verb(x, dim, ...) else verb(x, dim, order, ...)
}
