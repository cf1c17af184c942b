# Installing the R front end (rkeras/r/frontend.py, install()).

# The verb names that R's default packages already define (summary, predict ...):
# these verbs become S3 methods for rkeras objects instead of masking R.
.rk_masked_verbs <- function(names, packages) {
  envs <- lapply(packages, function(p) tryCatch(asNamespace(p), error = function(e) NULL))
  envs <- Filter(Negate(is.null), envs)
  hit <- vapply(names, function(n)
    any(vapply(envs, function(e) exists(n, envir = e, inherits = FALSE), NA)), NA)
  names[hit]
}

# Put `env` on R's search path as "rkeras" (again, if it was detached).
.rk_attach <- function(env) {
  if ("rkeras" %in% search()) detach("rkeras", character.only = TRUE)
  # attach() copies; the verbs' closures keep `env` as their environment.
  base::attach(env, pos = 2L, name = "rkeras", warn.conflicts = FALSE)
  invisible(NULL)
}

# Register the S3 methods the R files listed in .rk_s3, and the masked verbs as
# methods for rkeras objects. registerS3method() puts a method in the S3 table
# of the generic's namespace (found from the global environment: base, stats ...).
.rk_register_s3 <- function(env, masked) {
  reg <- function(generic, class, fun) registerS3method(generic, class, fun, envir = .GlobalEnv)
  for (m in get(".rk_s3", envir = env)) reg(m[[1L]], m[[2L]], get(m[[3L]], envir = env))
  for (n in masked) {
    fun <- get(paste0(".rk_verb_", n), envir = env)
    reg(n, "rkeras_py_object", fun)
    reg(n, "rkeras_layer_fn", fun)
  }
  invisible(NULL)
}
