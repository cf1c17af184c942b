# `rkeras run FILE.R` (rkeras/r/script.py): run a script like Rscript.
#
# Each top-level expression is evaluated in the global environment; visible
# values are printed; warnings are reported after each expression; the first
# error stops the script ("Error in call : message", "Execution halted").
# quit(status = n) (00-core.R) invokes the "rkeras_quit" restart set up here:
# a restart, so tryCatch(error =) / try() in the script cannot swallow it and
# on.exit() code runs while it unwinds. Returns the exit status, after the
# script's end as Rscript does it (.rk_end_script).
.rk_run_script <- function(.rk_path) {
  .rk_exprs <- parse(file = .rk_path, keep.source = FALSE)
  status <- 0L
  run_last <- TRUE
  for (.rk_expr in .rk_exprs) {
    res <- .rk_capture(function() withRestarts(
      withVisible(eval(.rk_expr, globalenv())),
      rkeras_quit = function(status, run_last) structure(list(status = status, run_last = run_last),
                                                         class = "rkeras_quit_request")),
      width = 200L)
    warns <- vapply(res[[7L]], function(w)
      if (is.na(w[[2L]])) w[[1L]] else paste0("In ", w[[2L]], " : ", w[[1L]]), "")
    if (length(warns)) {
      head <- if (length(warns) == 1L) "Warning message:" else "Warning messages:"
      body <- if (length(warns) == 1L) warns else paste0(seq_along(warns), ": ", warns)
      message(paste(c(head, body), collapse = "\n"))
    }
    if (!isTRUE(res[[1L]])) {
      cond <- res[[8L]]
      # quit() called in R code that Python called back (no restart there):
      # its error crossed Python and comes back here as the quit it was.
      quit_cond <- .rk_quit_condition(cond)
      if (!is.null(quit_cond)) {
        status <- quit_cond$status
        run_last <- !isFALSE(quit_cond$run_last)
        break
      }
      cl <- res[[5L]]
      msg <- res[[3L]]
      message(if (is.null(cl)) paste0("Error: ", msg) else paste0("Error in ", cl, " : ", msg))
      message("Execution halted")
      status <- 1L
      run_last <- FALSE                  # Rscript does not run .Last after an error
      break
    }
    value <- res[[2L]]
    if (inherits(value, "rkeras_quit_request")) {
      status <- value$status
      run_last <- value$run_last
      break
    }
    if (value$visible) {
      if (isS4(value$value)) methods::show(value$value) else print(value$value)
    }
  }
  .rk_end_script(run_last)
  status
}

# The rkeras_quit condition behind an error, if it is one (directly, or as the
# R error of a Python exception that was itself R's quit error).
.rk_quit_condition <- function(cond) {
  if (inherits(cond, "rkeras_quit")) return(cond)
  if (inherits(cond, "rkeras_python_error") && inherits(cond$r_condition, "rkeras_quit"))
    return(cond$r_condition)
  NULL
}

# What R does when Rscript's script ends (R_CleanUp): .Last() (unless
# quit(runLast = FALSE) or an error), then every connection the script left
# open is flushed and closed, so an unclosed file() keeps its data. The
# exit-time finalizers run from Python afterwards (script.py).
.rk_end_script <- function(run_last) {
  if (exists(".Last", envir = globalenv(), mode = "function", inherits = FALSE)) {
    last <- get(".Last", envir = globalenv())
    # Removed either way: the embedded R's own end (rpy2's endr) would run it.
    rm(".Last", envir = globalenv())
    if (run_last)
      tryCatch(last(), error = function(e) message("Error in .Last() : ", conditionMessage(e)))
  }
  for (con in as.integer(rownames(showConnections(all = FALSE))))
    try(close(getConnection(con)), silent = TRUE)
  invisible(NULL)
}
