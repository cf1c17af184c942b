# `rkeras console` (rkeras/r/console.py): R's top level for each complete input.
#
# The console reads lines in Python (readline: history, editing), parses them
# with R's parser (an incomplete input asks for more with the "+ " prompt) and
# hands the parsed expressions here. Each is evaluated in the global
# environment as R's REPL does: visible values are printed (show() for S4),
# .Last.value is kept, warnings are reported after the expression ("Warning
# message:" / "Warning messages:"), an error prints "Error in call : message"
# and drops the rest of the input, Ctrl-C (an interrupt) returns to the prompt.
# Returns NA to go on, or the exit status after q() / quit().

.rk_console_eval <- function(.rk_exprs) {
  for (.rk_expr in .rk_exprs) {
    warns <- list()
    res <- withCallingHandlers(
      tryCatch({
        v <- withVisible(eval(.rk_expr, globalenv()))
        .rk_console_last_value(v$value)
        if (v$visible) {
          if (isS4(v$value)) methods::show(v$value) else print(v$value)
        }
        NULL
      }, error = function(e) e, interrupt = function(i) i),
      warning = function(w) {
        warns[[length(warns) + 1L]] <<- w
        tryInvokeRestart("muffleWarning")
      })
    .rk_console_warnings(warns)
    if (inherits(res, "rkeras_quit")) return(res$status)
    if (inherits(res, "interrupt")) {
      cat("\n")
      return(NA_integer_)
    }
    if (inherits(res, "error")) {
      .rk_console_error(res)
      return(NA_integer_)
    }
  }
  NA_integer_
}

# R's REPL keeps the last value in base's (locked) .Last.value.
.rk_console_last_value <- function(value) {
  base <- baseenv()
  locked <- bindingIsLocked(".Last.value", base)
  if (locked) unlockBinding(".Last.value", base)
  assign(".Last.value", value, envir = base)
  if (locked) lockBinding(".Last.value", base)
}

# A condition's call, NULL when it was signalled at the top level (stop("x")
# typed at the prompt: R says "Error: x", not "Error in eval(...)").
.rk_console_call <- function(cond) {
  cl <- conditionCall(cond)
  if (identical(cl, quote(eval(.rk_expr, globalenv())))) NULL else cl
}

# R's wording: "Error in f(x) : msg", or "Error: msg" without a call; a long
# call line puts the message on the next line, as R does.
.rk_console_error <- function(e) {
  msg <- conditionMessage(e)
  cl <- .rk_console_call(e)
  head <- if (is.null(cl)) "Error" else paste0("Error in ", paste(deparse(cl, nlines = 1L), collapse = ""))
  sep <- if (!is.null(cl) && nchar(head) + nchar(msg) > 77L) " : \n  " else " : "
  if (is.null(cl)) sep <- ": "
  cat(head, sep, msg, "\n", sep = "", file = stderr())
}

.rk_console_warnings <- function(warns) {
  if (!length(warns)) return(invisible())
  text <- vapply(warns, function(w) {
    cl <- .rk_console_call(w)
    if (is.null(cl)) conditionMessage(w)
    else paste0("In ", paste(deparse(cl, nlines = 1L), collapse = ""), " : ", conditionMessage(w))
  }, "")
  if (length(text) == 1L) {
    cat("Warning message:\n", text, "\n", sep = "", file = stderr())
  } else {
    cat("Warning messages:\n", paste0(seq_along(text), ": ", text, "\n"), sep = "", file = stderr())
  }
  invisible()
}

# R's message for a syntax error in `text` ("unexpected symbol" ...).
.rk_console_parse_error <- function(text) {
  msg <- tryCatch({
    parse(text = text, keep.source = FALSE)
    "syntax error"
  }, error = function(e) conditionMessage(e))
  sub("^<text>:", "", msg)
}
