# rkeras R front end: the pieces every generated verb uses.
#
# Like every rkeras/r/R/*.R file, this one is evaluated (in name order: it
# comes first) into rkeras's R environment when R starts; the R front end
# (rkeras/r/frontend.py) adds the verbs generated from the registry and
# attaches the environment to R's search path as "rkeras". It is not a
# package: objects starting with ".rk_" are internal.
#
# Defined elsewhere:
#   .rk_collect(fnames, env)  -> the supplied arguments of a call (bridge.R)
#   .rk_run_verb(name, args)  -> list(value, visible): runs one verb in Python
#                                (set by the front end's install())
#   .rk_python(name, ...)     -> calls a named Python helper of the front end
#                                (set by the front end's install())

# This environment (the verbs' home, whatever copy of it search() shows).
.rk_env <- environment()

# Run the verb `.name` with the arguments its caller was given.
#
# Only the arguments the user supplied are forwarded (R keras3's
# capture_args(): the defaults in the signature are documentation, Keras's own
# defaults apply); `NULL` is Python's None. Promises are forced in the order of
# the formals, so `object` (the pipe's left-hand side) is evaluated before the
# layer is made, as in keras3.
.rk_shape_args <- c("shape", "input_shape", "batch_shape", "target_shape")

.rk_verb <- function(.name) {
  env <- parent.frame()
  call <- sys.call(sys.parent())
  args <- .rk_collect(names(formals(sys.function(sys.parent()))), env)
  # A shape of logical NAs (keras_input(shape = c(NA))) means sizes unknown,
  # not NULL: as doubles they reach Python as NaN, which shapes read as None.
  for (n in intersect(names(args), .rk_shape_args))
    if (is.logical(args[[n]]) && length(args[[n]]) && all(is.na(args[[n]])))
      args[[n]] <- as.double(args[[n]])
  args <- .rk_mark_na(args)
  res <- withCallingHandlers(
    .rk_run_verb(.name, .rk_mark_vectors(args)),   # c(1, 2) as reticulate hands it on (reticulate.R)
    # Report a Python error against the user's call (layer_dense(...)), not
    # against this helper.
    rkeras_python_error = function(e) {
      e$call <- call
      stop(e)
    })
  # The verb returned its subject (compile(), a layer added to a Sequential
  # model): keras3 returns invisible(object), the very object it was given.
  if (length(res) > 2L) return(invisible(args[[res[[3L]]]]))
  if (isTRUE(res[[2L]])) res[[1L]] else invisible(res[[1L]])
}

# S3 methods defined in these files, registered (in R's S3 tables) after
# everything is evaluated: list(c(generic, class, function name), ...).
.rk_s3 <- list()

# ---- keras3 re-exports ------------------------------------------------------

# magrittr's `%>%` and zeallot's `%<-%`, as keras3 re-exports them (the real
# functions when the packages are installed; R's native |> needs nothing).
if (requireNamespace("magrittr", quietly = TRUE)) {
  `%>%` <- magrittr::`%>%`
} else {
  `%>%` <- function(lhs, rhs)
    stop("the %>% pipe needs the 'magrittr' package: install.packages(\"magrittr\"), ",
         "or use R's native pipe |>", call. = FALSE)
}
if (requireNamespace("zeallot", quietly = TRUE)) {
  `%<-%` <- zeallot::`%<-%`
} else {
  `%<-%` <- function(x, value)
    stop("the %<-% operator needs the 'zeallot' package: install.packages(\"zeallot\")",
         call. = FALSE)
}

# ---- library(keras) and friends ---------------------------------------------

# The names under which R code asks for keras: all mean this front end.
.rk_package_names <- c("keras", "keras3", "rkeras")

.rk_package_arg <- function(package, character.only, expr) {
  if (character.only) return(as.character(package))
  if (is.character(expr) && length(expr) == 1L) return(expr)
  if (is.name(expr)) return(as.character(expr))
  NA_character_
}

# library(keras), library(keras3), library(rkeras): the verbs are already
# attached (they are this environment); anything else goes to base::library.
library <- function(package, help, pos = 2, lib.loc = NULL, character.only = FALSE,
                    logical.return = FALSE, warn.conflicts, quietly = FALSE,
                    verbose = getOption("verbose"), ...) {
  if (!missing(package)) {
    pkg <- .rk_package_arg(package, character.only, substitute(package))
    if (!is.na(pkg) && pkg %in% .rk_package_names) {
      .rk_reattach()
      return(if (logical.return) invisible(TRUE) else invisible(.packages()))
    }
    if (!is.na(pkg) && pkg %in% .rk_provided_namespaces) {   # reticulate.R
      .rk_attach_namespace(pkg, pos = pos, ...)   # exclude, include.only
      return(if (logical.return) invisible(TRUE) else invisible(.packages()))
    }
  }
  cl <- sys.call()
  cl[[1L]] <- quote(base::library)
  eval(cl, parent.frame())
}

require <- function(package, lib.loc = NULL, quietly = FALSE, warn.conflicts,
                    character.only = FALSE) {
  if (!missing(package)) {
    pkg <- .rk_package_arg(package, character.only, substitute(package))
    if (!is.na(pkg) && pkg %in% .rk_package_names) {
      .rk_reattach()
      return(invisible(TRUE))
    }
    if (!is.na(pkg) && pkg %in% .rk_provided_namespaces) {
      .rk_attach_namespace(pkg)
      return(invisible(TRUE))
    }
  }
  cl <- sys.call()
  cl[[1L]] <- quote(base::require)
  eval(cl, parent.frame())
}

requireNamespace <- function(package, ..., quietly = TRUE) {
  if (is.character(package) && length(package) == 1L && package %in% .rk_package_names)
    return(TRUE)
  base::requireNamespace(package, ..., quietly = quietly)
}

# keras::fit, keras3::layer_dense ... resolve to this front end.
`::` <- function(pkg, name) {
  pkg <- as.character(substitute(pkg))
  name <- as.character(substitute(name))
  if (pkg %in% .rk_package_names) return(get(name, envir = .rk_env, inherits = FALSE))
  do.call(get("::", envir = baseenv()), list(pkg, name))
}

`:::` <- function(pkg, name) {
  pkg <- as.character(substitute(pkg))
  name <- as.character(substitute(name))
  if (pkg %in% .rk_package_names) return(get(name, envir = .rk_env, inherits = FALSE))
  do.call(get(":::", envir = baseenv()), list(pkg, name))
}

# keras3's install helpers: nothing to install, the backend is rkeras's Python.
install_keras <- function(...) {
  message("rkeras: nothing to install; Keras runs in this process (no conda, no reticulate).")
  invisible(NULL)
}
is_keras_available <- function(version = NULL) TRUE
use_backend <- function(backend, ...) invisible(NULL)

.rk_reattach <- function() {
  if (!("rkeras" %in% search())) {
    # Detached by the user: put the same environment back on the search path.
    .rk_python("reattach")
  }
  invisible(NULL)
}

# ---- Rscript-like behaviour for `rkeras run` ---------------------------------

.rk_script_args <- character()
.rk_script_file <- NA_character_

commandArgs <- function(trailingOnly = FALSE) {
  if (trailingOnly) return(.rk_script_args)
  c("R", "--no-echo", "--no-restore",
    if (!is.na(.rk_script_file)) paste0("--file=", .rk_script_file),
    if (length(.rk_script_args)) c("--args", .rk_script_args))
}

# quit()/q() in a script end the script (with its status), not the process
# that embeds R.
quit <- function(save = "default", status = 0, runLast = TRUE) {
  status <- as.integer(status)
  # A restart, not a condition: tryCatch(error =) and try() cannot swallow
  # it; on.exit() code runs on the way out (run.R's .rk_run_script).
  if (!is.null(findRestart("rkeras_quit")))
    invokeRestart("rkeras_quit", status, isTRUE(runLast))
  # Outside `rkeras run` (or in R code called back from Python): an error of
  # class rkeras_quit, which the script runner turns back into the quit.
  cond <- structure(class = c("rkeras_quit", "error", "condition"),
                    list(message = paste0("quit() ends only an R script run by `rkeras run`; in an ",
                                          "embedded R it would end Python too (status ", status, ")"),
                         call = NULL, status = status, run_last = isTRUE(runLast)))
  stop(cond)
}
q <- quit

# ---- help ----------------------------------------------------------------------

# ?layer_dense and help(layer_dense) show the verb's signature and Keras's
# documentation (there are no Rd files); other topics go to R's help.
.rk_help_topic <- function(expr) {
  if (is.name(expr)) return(as.character(expr))
  if (is.character(expr) && length(expr) == 1L) return(expr)
  NA_character_
}

help <- function(topic, ...) {
  if (!missing(topic)) {
    name <- .rk_help_topic(substitute(topic))
    if (!is.na(name) && nzchar(doc <- .rk_python("doc", name))) {
      cat(doc, "\n", sep = "")
      return(invisible(doc))
    }
  }
  cl <- sys.call()
  cl[[1L]] <- quote(utils::help)
  eval(cl, parent.frame())
}

`?` <- function(e1, e2) {
  if (missing(e2)) {
    name <- .rk_help_topic(substitute(e1))
    if (!is.na(name) && nzchar(doc <- .rk_python("doc", name))) {
      cat(doc, "\n", sep = "")
      return(invisible(doc))
    }
  }
  cl <- sys.call()
  cl[[1L]] <- quote(utils::`?`)
  eval(cl, parent.frame())
}
