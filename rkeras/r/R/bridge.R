# The bridge's R side: run R code for Python and report what happened.
#
# Loaded with the other rkeras/r/R/*.R files into rkeras's R environment when
# R starts (rkeras/r/session.py, load_r_files). Python calls .rk_eval_text and
# .rk_call_fun (rkeras/r/conditions.py); R wrappers of Python functions call
# .rk_collect and .rk_raise_python_error (wrapper.R, 00-core.R).

# The call an R condition reports, as one line of text; NULL for none and for
# the calls of rkeras's own machinery (they mean nothing to the user).
.rk_call_text <- function(cl, width = 100L) {
  if (is.null(cl)) return(NULL)
  txt <- tryCatch(paste(deparse(cl, nlines = 1L, width.cutoff = width), collapse = ""),
                  error = function(e) NULL)
  internal <- c("eval(.rk_expr", ".rk_thunk(", "doTryCatch(", "withVisible(", ".rk_fun(")
  if (is.null(txt) || any(startsWith(txt, internal))) NULL else txt
}

# Runs thunk() with errors caught and warnings collected (and muffled).
# Returns list(ok, value, message, class, call, py_token, warnings, condition,
# relayed): `warnings` is a list of c(message, call or NA); `py_token`
# identifies a Python exception that crossed into R (rkeras_python_error);
# `condition` is the error condition itself (NULL when ok).
#
# relay = TRUE when this R code runs inside a Python call made from R (an R
# callback during fit, an R-defined layer method): R's handler stack does not
# reach across Python (rpy2 evaluates under R_ToplevelExec, which starts a
# fresh one), so warnings and messages are muffled here and returned, in
# order, as the condition objects themselves (`relayed`); the R wrapper of the
# Python call signals them again in the caller's context when Python returns
# (.rk_signal_relayed), where withCallingHandlers(), suppressWarnings() and
# suppressMessages() see them (issue 14 item 10).
.rk_capture <- function(.rk_thunk, width = 100L, relay = FALSE) {
  warns <- list()
  relayed <- list()
  out <- withCallingHandlers(
    tryCatch(list(TRUE, .rk_thunk()),
             error = function(e) list(FALSE, e)),
    warning = function(w) {
      # options(warn = 2): R turns the warning into an error, as it would
      # without the bridge (then caught above; a Python caller sees RError).
      if (getOption("warn", 0L) >= 2L) return()
      cl <- .rk_call_text(conditionCall(w), width)
      if (relay) {
        if (is.null(cl)) w["call"] <- list(NULL)
        relayed[[length(relayed) + 1L]] <<- w
      } else {
        warns[[length(warns) + 1L]] <<- c(conditionMessage(w), if (is.null(cl)) NA_character_ else cl)
      }
      tryInvokeRestart("muffleWarning")
    },
    message = function(m) {
      if (!relay) return()
      relayed[[length(relayed) + 1L]] <<- m
      tryInvokeRestart("muffleMessage")
    })
  if (isTRUE(out[[1L]])) {
    list(TRUE, out[[2L]], NULL, NULL, NULL, NULL, warns, NULL, relayed)
  } else {
    e <- out[[2L]]
    msg <- tryCatch(conditionMessage(e), error = function(e2) "<unprintable R condition>")
    tok <- if (inherits(e, "rkeras_python_error")) e$py_token else NULL
    list(FALSE, NULL, paste(msg, collapse = "\n"), class(e), .rk_call_text(conditionCall(e), width),
         tok, warns, e, relayed)
  }
}

# Signals again, in the caller's context, the warnings and messages of R code
# that ran inside a Python call (see .rk_capture), then returns the value the
# Python call gave: `res` is list(value, conditions) of class rkeras_py_relay.
.rk_signal_relayed <- function(res) {
  for (cond in res$conditions) {
    if (inherits(cond, "warning")) warning(cond)
    else if (inherits(cond, "message")) message(cond)
  }
  res$value
}

# Evaluates R source text in `env` (several expressions: the last value).
.rk_eval_text <- function(code, env, relay = FALSE) {
  .rk_capture(function() {
    .rk_exprs <- parse(text = code, keep.source = FALSE)
    .rk_value <- NULL
    for (.rk_i in seq_along(.rk_exprs)) .rk_value <- eval(.rk_exprs[[.rk_i]], env)
    .rk_value
  }, relay = relay)
}

# Calls f (a function, or its name such as "mean" or "stats::sd") with the
# list `args`. Arguments are bound to .rk_arg1, .rk_arg2 ... in a fresh
# environment so that substitute() in f sees short names, not deparsed data.
.rk_call_fun <- function(f, args, env, relay = FALSE) {
  .rk_capture(function() {
    e <- new.env(parent = env)
    n <- length(args)
    syms <- if (n) paste0(".rk_arg", seq_len(n)) else character()
    for (i in seq_len(n)) assign(syms[i], args[[i]], envir = e)
    if (is.character(f)) {
      fn <- if (grepl("::", f, fixed = TRUE)) str2lang(f) else as.name(f)
    } else {
      assign(".rk_fun", f, envir = e)
      fn <- as.name(".rk_fun")
    }
    cl <- as.call(c(list(fn), lapply(syms, as.name)))
    nm <- names(args)
    if (!is.null(nm)) names(cl) <- c("", nm)
    eval(cl, e)
  }, relay = relay)
}

# The arguments a call was given, as a named list: `fnames` are the formals of
# the function running in `env`; only those the caller supplied are collected
# (missing()), and `...` is expanded in place.
.rk_collect <- function(fnames, env) {
  out <- list()
  nms <- character()
  for (n in fnames) {
    if (n == "...") {
      dots <- tryCatch(eval(quote(list(...)), env),
                       error = function(e) .rk_nonempty_dots(env, e))
      if (length(dots)) {
        out <- c(out, dots)
        dn <- names(dots)
        nms <- c(nms, if (is.null(dn)) rep("", length(dots)) else dn)
      }
    } else if (!eval(call("missing", as.name(n)), env)) {
      out <- c(out, list(get(n, envir = env, inherits = FALSE)))
      nms <- c(nms, n)
    }
  }
  names(out) <- nms
  out
}

# The values of `...` in `env` without its empty arguments, as reticulate
# calls Python (self$add_weight(shape = s, trainable = TRUE, )); any other
# error `e` of list(...) is raised again.
.rk_nonempty_dots <- function(env, e) {
  exprs <- as.list(eval(quote(substitute(list(...))), env))[-1L]
  keep <- which(!vapply(exprs, identical, TRUE, quote(expr = )))
  if (length(keep) == length(exprs)) stop(e)
  out <- lapply(keep, function(i) eval(call("...elt", i), env))
  names(out) <- names(exprs)[keep]
  out
}

# A Python exception (reported by the Python side as a marker list with type,
# message and token) as an R error, catchable with tryCatch().
#
# When the Python exception was itself an R error (R code called from Python,
# e.g. an R callback inside fit), the R condition is raised again with its
# own classes in front, so tryCatch(myError = ) and inherits() keep working
# across Python.
.rk_raise_python_error <- function(res, call) {
  orig <- res$r_condition
  if (inherits(orig, "condition")) {
    cond <- orig
    cond$py_type <- res$type
    cond$py_token <- res$token
    cond$r_condition <- orig
    class(cond) <- unique(c(setdiff(class(orig), c("error", "condition")),
                            "rkeras_python_error", "error", "condition"))
    stop(cond)
  }
  cond <- structure(
    # reticulate's classes (keras3): tryCatch(python.builtin.ValueError = ...) works.
    class = c(setdiff(res$classes, "python.builtin.object"), "rkeras_python_error",
              "python.builtin.object", "error", "condition"),
    list(message = res$message, call = call, py_type = res$type, py_token = res$token))
  stop(cond)
}

# A length-1 logical/character/integer NA given to a verb reaches Python as
# rkeras.argument_checks.R_NA (to_python's rule for this class), not None, so
# layer_dense(activation = NA) is refused naming the argument instead of
# meaning "the default" (issue 14 item 9).
.rk_na_marker <- structure(list(), class = "rkeras_r_na")
.rk_mark_na <- function(args) {
  for (i in seq_along(args)) {
    a <- args[[i]]
    if ((is.logical(a) || is.character(a) || is.integer(a)) && length(a) == 1L &&
        is.null(attributes(a)) && is.na(a))
      args[i] <- list(.rk_na_marker)
  }
  args
}
