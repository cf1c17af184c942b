# `rkeras run FILE.R` (rkeras/r/script.py): run a script like Rscript.
#
# Each top-level expression is evaluated in the global environment; visible
# values are printed; warnings are reported after each expression; the first
# error stops the script ("Error in call : message", "Execution halted").
# quit(status = n) (00-core.R) ends the script with status n. Returns the
# exit status.
.rk_run_script <- function(.rk_path) {
  .rk_exprs <- parse(file = .rk_path, keep.source = FALSE)
  for (.rk_expr in .rk_exprs) {
    res <- .rk_capture(function() withVisible(eval(.rk_expr, globalenv())), width = 200L)
    warns <- vapply(res[[7L]], function(w)
      if (is.na(w[[2L]])) w[[1L]] else paste0("In ", w[[2L]], " : ", w[[1L]]), "")
    if (length(warns)) {
      head <- if (length(warns) == 1L) "Warning message:" else "Warning messages:"
      body <- if (length(warns) == 1L) warns else paste0(seq_along(warns), ": ", warns)
      message(paste(c(head, body), collapse = "\n"))
    }
    if (!isTRUE(res[[1L]])) {
      if (inherits(res[[8L]], "rkeras_quit")) return(res[[8L]]$status)
      cl <- res[[5L]]
      msg <- res[[3L]]
      message(if (is.null(cl)) paste0("Error: ", msg) else paste0("Error in ", cl, " : ", msg))
      message("Execution halted")
      return(1L)
    }
    if (res[[2L]]$visible) {
      if (isS4(res[[2L]]$value)) methods::show(res[[2L]]$value) else print(res[[2L]]$value)
    }
  }
  0L
}
