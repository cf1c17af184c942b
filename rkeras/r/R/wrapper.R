# R functions that call Python callables (rkeras.r.r_function).
#
# `.rk_function_wrapper(formals_src, fnames, handle, dispatch)` builds one R
# closure with the Python signature `formals_src`. Its environment holds the
# handle of the Python callable (.rk_handle, so the callable lives as long as
# the closure) and `dispatch`, the one rternalized Python function that runs
# any callable (rkeras/r/convert/functions.py). A Python exception comes back
# as a marker and is raised as an R error of class rkeras_python_error.
.rk_function_wrapper <- function(formals_src, fnames, handle, dispatch) {
  env <- new.env(parent = baseenv())
  env$.rk_handle <- handle
  env$.rk_dispatch <- dispatch
  env$.rk_collect <- .rk_collect
  env$.rk_raise <- .rk_raise_python_error
  env$.rk_relay <- .rk_signal_relayed
  env$.rk_fnames <- fnames
  src <- paste0("function(", formals_src, ") {\n",
                "  .rk_res <- .rk_dispatch(.rk_handle, .rk_collect(.rk_fnames, environment()))\n",
                # warnings/messages of R code that ran inside the Python call (bridge.R)
                "  if (inherits(.rk_res, \"rkeras_py_relay\")) .rk_res <- .rk_relay(.rk_res)\n",
                "  if (inherits(.rk_res, \"rkeras_py_error_marker\")) .rk_raise(.rk_res, sys.call())\n",
                "  .rk_res\n}")
  eval(parse(text = src, keep.source = FALSE)[[1L]], env)
}
