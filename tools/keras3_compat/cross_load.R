# issue 12 item 3: a model with an R-defined layer, saved by one side (real
# keras3 or rkeras), loads in the other with identical predictions.
#   Rscript cross_load.R save DIR    (or: rkeras run cross_load.R save DIR)
#   Rscript cross_load.R load DIR
# `save` writes DIR/model.keras and DIR/pred.rds; `load` reads them with
# load_model(custom_objects = list(Scale = layer_scale)) and prints the largest
# difference of its predictions from the saved ones.
library(keras3)
args <- commandArgs(trailingOnly = TRUE)
mode <- args[[1]]
dir <- args[[2]]

layer_scale <- Layer(
  classname = "Scale",
  initialize = function(factor = 1, ...) {
    super$initialize(...)
    self$factor <- factor
  },
  build = function(input_shape) {
    self$w <- self$add_weight(shape = shape(input_shape[[2]]), initializer = "ones")
  },
  call = function(inputs) inputs * self$w * self$factor,
  get_config = function() {
    config <- super$get_config()
    config$factor <- self$factor
    config
  }
)

x <- matrix(seq(0.1, 1.2, by = 0.1), nrow = 3)
if (mode == "save") {
  set_random_seed(1)
  inputs <- keras_input(shape = 4)
  outputs <- inputs |> layer_dense(3) |> layer_scale(factor = 2.5)
  model <- keras_model(inputs, outputs)
  save_model(model, file.path(dir, "model.keras"), overwrite = TRUE)
  saveRDS(predict(model, x, verbose = 0), file.path(dir, "pred.rds"))
  cat("saved\n")
} else {
  model <- load_model(file.path(dir, "model.keras"),
                      custom_objects = list(Scale = layer_scale))
  got <- predict(model, x, verbose = 0)
  want <- readRDS(file.path(dir, "pred.rds"))
  cat(sprintf("loaded %s; max |difference| = %g; identical = %s\n",
              class(model$layers[[3]])[1], max(abs(got - want)), identical(got, want)))
}
