# Keras classes written in R: Layer(), Model(), Callback(), Loss(), Metric(),
# Constraint(), LearningRateSchedule(), their new_*_class() aliases,
# %py_class% and active_property()/mark_active(), with keras3 1.5.1's
# signatures (shape() and register_keras_serializable() are registry verbs).
#
# The R side gathers the members (methods and fields), gives every method the
# environment keras3 gives it (`self`, `super`, `private`, `__class__` and the
# class name in scope) and hands them to rkeras/r/classes.py, which builds a
# real Python subclass of the Keras class whose methods call these R
# functions. What R gets back is a constructor that composes like the
# built-in verbs (`model |> layer_linear(units = 4)`).
#
# Python helpers are reached with .rk_python("classes", name, ...).

#
# The arguments travel as one list: a user's `name = "x"` (a layer's name)
# must not be matched to the helper's own `name` formal.
.rk_classes <- function(.rk_helper, ...) .rk_python("classes", .rk_helper, list(...))

# keras3's aliases.
.rk_class_bases <- c(layer = "Layer", model = "Model", callback = "Callback", loss = "Loss",
                     metric = "Metric", constraint = "Constraint",
                     lr_schedule = "LearningRateSchedule")

# ---- member preparation -------------------------------------------------------

# `fn` with `name` as its first formal (keras3: methods may or may not list
# `self`; Python always passes it).
.rk_first_arg <- function(fn, name) {
  f <- formals(fn)
  if (!length(f) || !identical(names(f)[[1L]], name)) {
    first <- alist(self = )
    names(first) <- name
    formals(fn) <- c(first, as.list(f))
  }
  fn
}

.rk_is_property <- function(x) is.function(x) && "property" %in% attr(x, "py_decorators", TRUE)

# What Python needs to give a method a faithful signature (Keras looks at the
# names of call()'s and build()'s arguments): the formals after the first,
# whether each has a default, and the default when it is a constant R can hand
# over (NULL, a length-1 atomic); other defaults stay R's and are applied by R.
.rk_signature <- function(fn) {
  f <- as.list(formals(fn))[-1L]
  nms <- names(f)
  if (is.null(nms)) nms <- character()
  has <- logical(length(f))
  constant <- logical(length(f))
  values <- vector("list", length(f))
  for (i in seq_along(f)) {
    if (identical(f[[i]], quote(expr = ))) next
    has[[i]] <- TRUE
    d <- f[[i]]
    if (is.null(d) || (is.atomic(d) && length(d) == 1L)) {
      constant[[i]] <- TRUE
      if (!is.null(d)) values[[i]] <- d
    }
  }
  list(names = nms, has_default = has, constant = constant, values = values)
}

# Give each method its environment (the class's mask) and the `private`
# prologue keras3 adds when the body mentions `private`.
.rk_prepare_method <- function(fn, name, mask) {
  environment(fn) <- mask
  fn <- .rk_first_arg(fn, if (identical(name, "from_config")) "cls" else "self")
  if (!"private" %in% names(formals(fn)) && "private" %in% all.names(body(fn))) {
    body(fn) <- substitute({
      delayedAssign("private", .rk_private_of(self, mask))
      BODY
    }, list(BODY = body(fn), mask = mask))
  }
  fn
}

.rk_private_of <- function(self, mask) .rk_classes("private", self, mask)

# Called by Python (classes.py) the first time an instance's `private` is
# used: the instance's private environment, with private methods that see
# `self` (a weak reference: `private` must not keep the Python object alive)
# and `private`.
.rk_new_private <- function(mask, self_ref) {
  members <- mask$.rk_private_members
  private <- new.env(parent = emptyenv())
  inst <- new.env(parent = mask)
  makeActiveBinding("self", function() .rk_self(.rk_classes("deref", self_ref)), inst)
  inst$private <- private
  for (nm in names(members)) {
    m <- members[[nm]]
    if (is.function(m) && !inherits(m, "rkeras_py_object")) {
      environment(m) <- inst
      if (.rk_is_property(m)) makeActiveBinding(nm, m, private) else assign(nm, m, envir = private)
    } else assign(nm, m, envir = private)
  }
  private
}

# R's view of `self` inside a method: a layer or model is an R function (as
# any layer in this front end), so `self(x, training = TRUE)` works in a
# train_step; other objects are plain handles.
.rk_self <- function(handle) {
  if (inherits(handle, "rkeras_layer")) .rk_layer_function(handle) else handle
}

# Python calls every R method through this: one R call per method call.
.rk_call_method <- function(.rk_fn, .rk_this, ...) .rk_fn(.rk_self(.rk_this), ...)
.rk_call_classmethod <- function(.rk_fn, .rk_cls, ...) .rk_fn(.rk_cls, ...)

# `super$initialize(...)`, `super$get_config()`, `super()$build(...)`,
# `super(Classname, self)$call(...)`, as in keras3.
.rk_super_getter <- function(cls) {
  force(cls)
  f <- function(type = cls, object_or_type = base::get("self", envir = base::parent.frame()))
    .rk_classes("super", type, object_or_type)
  class(f) <- "rkeras_super_getter"
  f
}

`$.rkeras_super_getter` <- function(x, name) {
  self <- base::get("self", envir = parent.frame())
  .rk_classes("super_attr", environment(x)$cls, self, name)
}
`[[.rkeras_super_getter` <- `$.rkeras_super_getter`

# A Python class as an R function: calling it makes an instance
# (`__class__`(...) in from_config, `do.call(MyClass, config)`).
# With `init` (the class's initialize), the function has its formals, without
# `self` (reticulate: formals(MyClass) are __init__'s).
.rk_class_function <- function(cls, init = NULL) {
  force(cls)
  f <- function(...) .rk_classes("instantiate", cls, ...)
  if (is.function(init)) {
    frmls <- formals(init)
    if (length(frmls) && identical(names(frmls)[[1L]], "self")) frmls <- frmls[-1L]
    fnames <- names(frmls)
    f <- as.function.default(c(frmls, quote(
      do.call(.rk_classes, c(list("instantiate", cls), .rk_collect(fnames, environment()))))))
  }
  class(f) <- c("rkeras_class_object", "function")
  f
}

.rk_init_of <- function(members) {
  if (is.function(members[["initialize"]])) members[["initialize"]] else members[["__init__"]]
}

# ---- the class factory ---------------------------------------------------------

.rk_new_class <- function(kind, classname, members, private, inherit, parent_env,
                          constructor = kind) {
  if (!is.character(classname) || length(classname) != 1L || !nzchar(classname))
    stop("`classname` must be a single string, e.g. \"Linear\"", call. = FALSE)
  nms <- names(members)
  if (length(members) && (is.null(nms) || any(!nzchar(nms))))
    stop(classname, ": every member (method or field) must be named", call. = FALSE)
  if (all(c("initialize", "__init__") %in% nms))
    stop("You should not specify both `__init__` and `initialize` methods.", call. = FALSE)
  names(members)[names(members) == "initialize"] <- "__init__"
  names(members)[names(members) == "finalize"] <- "__del__"
  if (kind %in% c("constraint", "lr_schedule") && "call" %in% names(members) &&
      !"__call__" %in% names(members))
    names(members)[names(members) == "call"] <- "__call__"

  mask <- new.env(parent = parent_env)
  mask$.rk_private_members <- as.list(private)
  fns <- list()
  values <- list()
  sigs <- list()
  props <- character()
  for (nm in names(members)) {
    m <- members[[nm]]
    if (is.function(m) && !inherits(m, c("rkeras_py_object", "rkeras_layer_fn",
                                         "rkeras_class_constructor"))) {
      if (.rk_is_property(m)) props <- c(props, nm)
      m <- .rk_prepare_method(m, nm, mask)
      fns[[nm]] <- m
      sigs[[nm]] <- .rk_signature(m)
    } else {
      values[nm] <- list(m)
    }
  }
  base <- if (is.null(inherit)) .rk_class_bases[[kind]] else inherit
  cls <- .rk_classes("new_class", classname, base, fns, sigs, values, props,
                     .rk_module_name(parent_env), kind, .rk_call_method,
                     .rk_call_classmethod, .rk_new_private, mask)
  mask$.rk_cls <- cls
  mask$`__class__` <- .rk_class_function(cls)
  assign(classname, mask$`__class__`, envir = mask)
  mask$super <- .rk_super_getter(cls)
  cls
}

# keras3 records where a class was defined as its Python __module__.
.rk_module_name <- function(env) {
  while (!identical(env, emptyenv()) && (name <- environmentName(env)) == "") env <- parent.env(env)
  if (identical(env, emptyenv())) return("<r-globalenv>")
  if (isNamespace(env)) name <- paste0("namespace:", name)
  else if (name == "R_GlobalEnv") name <- "globalenv"
  sprintf("<r-%s>", name)
}

# The R function a class constructor is: keras3's formals (initialize's, with
# `object` first for layers) and a body that makes the Python instance.
.rk_constructor <- function(cls, kind, classname, init) {
  frmls <- if (is.function(init)) as.list(formals(init))[-1L] else alist(... = )
  if (kind == "layer") frmls <- c(alist(object = ), frmls[names(frmls) != "object"])
  fnames <- names(frmls)
  body <- if (kind == "layer") {
    quote({
      args <- .rk_collect(.rk_fnames, environment())
      given <- if (!is.null(names(args))) names(args) != "object" | names(args) == "" else TRUE
      subject <- if (missing(object)) NULL else object
      layer <- do.call(.rk_classes, c(list("instantiate", .rk_cls), args[given]))
      res <- .rk_python("compose", layer, subject)
      if (isTRUE(res[[2L]])) res[[1L]] else invisible(res[[1L]])
    })
  } else {
    quote({
      args <- .rk_collect(.rk_fnames, environment())
      do.call(.rk_classes, c(list("instantiate", .rk_cls), args))
    })
  }
  env <- new.env(parent = environment(.rk_classes))
  env$.rk_cls <- cls
  env$.rk_fnames <- fnames
  env$.rk_classname <- classname
  env$.rk_kind <- kind
  f <- as.function.default(c(frmls, body), envir = env)
  class(f) <- c("rkeras_class_constructor", "function")
  f
}

print.rkeras_class_constructor <- function(x, ...) {
  e <- environment(x)
  cat("<R-defined Keras ", .rk_class_bases[[e$.rk_kind]], " class ", e$.rk_classname,
      ">\n", sep = "")
  print(args(unclass(x)))
  invisible(x)
}

`$.rkeras_class_constructor` <- function(x, name) .rk_python("getattr", environment(x)$.rk_cls, name)

# The class members given in `...`, as rlang::list2 (keras3) takes them: a
# trailing comma is allowed (Callback("C", on_epoch_end = f, )).
.rk_list2 <- function(...) {
  env <- environment()
  tryCatch(list(...), error = function(e) .rk_nonempty_dots(env, e))
}

.rk_members <- function(named, dots, public) {
  members <- Filter(Negate(is.null), named)
  members <- utils::modifyList(members, dots, keep.null = TRUE)
  utils::modifyList(members, public, keep.null = TRUE)
}

.rk_define <- function(kind, classname, members, private, inherit, parent_env) {
  if (!is.null(inherit) && is.language(inherit)) inherit <- eval(inherit, parent_env)
  cls <- .rk_new_class(kind, classname, members, private, inherit, parent_env)
  init <- if (is.null(members[["initialize"]])) members[["__init__"]] else members[["initialize"]]
  if (is.function(init)) init <- .rk_first_arg(init, "self")
  .rk_constructor(cls, kind, classname, init)
}

# ---- keras3's class constructors ---------------------------------------------------

Layer <- function(classname, initialize = NULL, call = NULL, build = NULL, get_config = NULL,
                  ..., public = list(), private = list(), inherit = NULL,
                  parent_env = parent.frame()) {
  members <- .rk_members(list(initialize = initialize, call = call, build = build,
                              get_config = get_config), .rk_list2(...), public)
  .rk_define("layer", classname, members, private, substitute(inherit), parent_env)
}

Model <- function(classname, initialize = NULL, call = NULL, train_step = NULL,
                  predict_step = NULL, test_step = NULL, compute_loss = NULL,
                  compute_metrics = NULL, ..., public = list(), private = list(),
                  inherit = NULL, parent_env = parent.frame()) {
  members <- .rk_members(list(initialize = initialize, call = call, train_step = train_step,
                              predict_step = predict_step, test_step = test_step,
                              compute_loss = compute_loss, compute_metrics = compute_metrics),
                         .rk_list2(...), public)
  .rk_define("model", classname, members, private, substitute(inherit), parent_env)
}

Callback <- function(classname, on_epoch_begin = NULL, on_epoch_end = NULL,
                     on_train_begin = NULL, on_train_end = NULL,
                     on_train_batch_begin = NULL, on_train_batch_end = NULL,
                     on_test_begin = NULL, on_test_end = NULL,
                     on_test_batch_begin = NULL, on_test_batch_end = NULL,
                     on_predict_begin = NULL, on_predict_end = NULL,
                     on_predict_batch_begin = NULL, on_predict_batch_end = NULL,
                     ..., public = list(), private = list(), inherit = NULL,
                     parent_env = parent.frame()) {
  members <- .rk_members(list(
    on_epoch_begin = on_epoch_begin, on_epoch_end = on_epoch_end,
    on_train_begin = on_train_begin, on_train_end = on_train_end,
    on_train_batch_begin = on_train_batch_begin, on_train_batch_end = on_train_batch_end,
    on_test_begin = on_test_begin, on_test_end = on_test_end,
    on_test_batch_begin = on_test_batch_begin, on_test_batch_end = on_test_batch_end,
    on_predict_begin = on_predict_begin, on_predict_end = on_predict_end,
    on_predict_batch_begin = on_predict_batch_begin,
    on_predict_batch_end = on_predict_batch_end), .rk_list2(...), public)
  .rk_define("callback", classname, members, private, substitute(inherit), parent_env)
}

Loss <- function(classname, call = NULL, ..., public = list(), private = list(),
                 inherit = NULL, parent_env = parent.frame()) {
  members <- .rk_members(list(call = call), .rk_list2(...), public)
  .rk_define("loss", classname, members, private, substitute(inherit), parent_env)
}

Metric <- function(classname, initialize = NULL, update_state = NULL, result = NULL, ...,
                   public = list(), private = list(), inherit = NULL,
                   parent_env = parent.frame()) {
  members <- .rk_members(list(initialize = initialize, update_state = update_state,
                              result = result), .rk_list2(...), public)
  .rk_define("metric", classname, members, private, substitute(inherit), parent_env)
}

Constraint <- function(classname, call = NULL, get_config = NULL, ..., public = list(),
                       private = list(), inherit = NULL, parent_env = parent.frame()) {
  members <- .rk_members(list(call = call, get_config = get_config), .rk_list2(...), public)
  .rk_define("constraint", classname, members, private, substitute(inherit), parent_env)
}

LearningRateSchedule <- function(classname, call = NULL, initialize = NULL, get_config = NULL,
                                 ..., public = list(), private = list(), inherit = NULL,
                                 parent_env = parent.frame()) {
  members <- .rk_members(list(initialize = initialize, call = call, get_config = get_config),
                         .rk_list2(...), public)
  .rk_define("lr_schedule", classname, members, private, substitute(inherit), parent_env)
}

new_layer_class <- Layer
new_model_class <- Model
new_callback_class <- Callback
new_loss_class <- Loss
new_metric_class <- Metric
new_learning_rate_schedule_class <- LearningRateSchedule

# A method that Python sees as a property (`metrics` of a custom model).
active_property <- function(fn) {
  if (!is.function(fn)) stop("Only functions can be active properties", call. = FALSE)
  attr(fn, "py_decorators") <- c(attr(fn, "py_decorators", TRUE), "property")
  fn
}
mark_active <- active_property

# `MyClass %py_class% { ... }` and `MyClass(Base) %py_class% { ... }`: the body
# is evaluated in a new environment; its bindings are the members, `private$x`
# assignments the private members, active bindings properties. The Python
# class (callable as an R function) is assigned in the caller's environment.
`%py_class%` <- function(spec, body) {
  spec <- substitute(spec)
  body <- substitute(body)
  parent_env <- parent.frame()
  inherit <- NULL
  if (is.call(spec)) {
    classname <- as.character(spec[[1L]])
    if (length(spec) > 1L) inherit <- eval(spec[[2L]], parent_env)
  } else {
    classname <- as.character(spec)
  }
  env <- new.env(parent = parent_env)
  env$private <- new.env(parent = emptyenv())
  eval(body, env)
  private <- as.list.environment(env$private, all.names = TRUE)
  rm(list = "private", envir = env)
  members <- list()
  for (nm in ls(env, all.names = TRUE)) {
    members[[nm]] <- if (bindingIsActive(nm, env)) active_property(activeBindingFunction(nm, env))
                     else env[[nm]]
  }
  if (is.call(body) && identical(body[[1L]], quote(`{`)) && length(body) > 1L &&
      is.character(body[[2L]]) && is.null(members[["__doc__"]]))
    members[["__doc__"]] <- body[[2L]]
  if (is.function(inherit) && inherits(inherit, "rkeras_class_constructor"))
    inherit <- environment(inherit)$.rk_cls
  else if (inherits(inherit, "rkeras_class_object"))
    inherit <- environment(inherit)$cls
  cls <- .rk_new_class(if (is.null(inherit)) "object" else "custom", classname, members,
                       private, if (is.null(inherit)) "object" else inherit, parent_env)
  f <- .rk_class_function(cls, .rk_init_of(members))
  assign(classname, f, envir = parent_env)
  invisible(f)
}

# r_to_py(<R6ClassGenerator>), as keras3 code uses it (R6::R6Class(inherit =
# keras$layers$Layer, public = list(...)); create_layer(<R6 class>, ...)): a
# Python class with the generator's public methods and fields, active bindings
# as properties and private members as `private`. An R6 parent is converted
# first and becomes the Python base, so `super$initialize(...)` reaches it.
.rk_r6_class <- function(gen) {
  cached <- gen$.__rk_py_class__
  if (!is.null(cached)) return(cached)
  inherit <- gen$get_inherit()
  if (inherits(inherit, "R6ClassGenerator")) inherit <- environment(.rk_r6_class(inherit))$cls
  else if (is.function(inherit) && inherits(inherit, "rkeras_class_constructor"))
    inherit <- environment(inherit)$.rk_cls
  else if (inherits(inherit, "rkeras_class_object")) inherit <- environment(inherit)$cls
  members <- c(as.list(gen$public_fields), as.list(gen$public_methods))
  members <- members[setdiff(names(members), c("clone", ".__enclos_env__"))]
  for (nm in names(gen$active)) members[[nm]] <- active_property(gen$active[[nm]])
  private <- c(as.list(gen$private_fields), as.list(gen$private_methods))
  cls <- .rk_new_class(if (is.null(inherit)) "object" else "custom", gen$classname, members,
                       private, if (is.null(inherit)) "object" else inherit, gen$parent_env)
  # An instance of a Layer subclass is a layer function, as the layer verbs give.
  f <- function(...) .rk_self(.rk_classes("instantiate", cls, ...))
  class(f) <- c("rkeras_class_object", "function")
  # One Python class per generator, as reticulate caches it.
  gen$.__rk_py_class__ <- f
  f
}

# keras3: `self$model$stop_training <- TRUE` in a callback assigns `model` back
# to the callback; Keras's `model` is a read-only property, so assigning the
# same model is a no-op.
`$<-.rkeras_callback` <- function(x, name, value) {
  if (identical(name, "model") && isTRUE(.rk_classes("is_model_of", x, value))) return(x)
  NextMethod()
}

`$.rkeras_class_object` <- function(x, name) .rk_python("getattr", environment(x)$cls, name)

.rk_s3 <- c(.rk_s3, list(
  c("$", "rkeras_super_getter", "$.rkeras_super_getter"),
  c("[[", "rkeras_super_getter", "[[.rkeras_super_getter"),
  c("print", "rkeras_class_constructor", "print.rkeras_class_constructor"),
  c("$", "rkeras_class_constructor", "$.rkeras_class_constructor"),
  c("$", "rkeras_class_object", "$.rkeras_class_object"),
  c("$<-", "rkeras_callback", "$<-.rkeras_callback")))

