# A small model end to end: history, evaluate, predict, weights, config, callbacks' logs.
library(keras3)
set_random_seed(1)
x <- matrix(runif(40), 10, 4)
y <- matrix(runif(10), 10, 1)
model <- keras_model_sequential(input_shape = 4, name = "seq") |>
  layer_dense(3, activation = "relu", name = "d1") |>
  layer_dense(1, name = "d2")
model |> compile(optimizer = optimizer_sgd(0.01), loss = "mse", metrics = c("mae"))
history <- model |> fit(x, y, epochs = 3, batch_size = 5, verbose = 0, validation_split = 0.2)
class(history)
names(history)
str(history$params)
names(history$metrics)
str(history$metrics)
history
df <- as.data.frame(history)
str(df)
head(df)
r <- model |> evaluate(x, y, verbose = 0)
str(r)
p <- model |> predict(x, verbose = 0)
str(p)
str(predict(model, x[1, , drop = FALSE], verbose = 0))
str(predict(model, op_convert_to_tensor(x), verbose = 0))
w <- get_weights(model)
str(w)
set_weights(model, w)
length(model$weights)
str(lapply(model$weights, function(v) v$shape$as_list()))
model$weights[[1]]$name
model$weights[[1]]$path
str(model$layers[[1]]$kernel$shape)
length(model$layers)
model$layers[[1]]$name
model$inputs
model$outputs
model$input_shape
model$output_shape
str(model$input_shape)
model$name
model$count_params()
model$trainable
count_params(model)
cfg <- get_config(model)
class(cfg)
names(cfg)
str(cfg$layers[[2]]$config$units)
m2 <- from_config(cfg)
class(m2)[1]
m2$name
lcfg <- get_config(model$layers[[1]])
str(lcfg[c("name", "units", "activation", "use_bias")])
l2 <- from_config(lcfg)
class(l2)
logs <- list()
cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
  cat("epoch", epoch, "logs:", paste(names(logs), collapse = ","), "\n")
  cat("class of loss:", class(logs$loss), "\n")
})
h2 <- model |> fit(x, y, epochs = 2, verbose = 0, callbacks = list(cb))
model |> train_on_batch(x, y) |> str()
model |> test_on_batch(x, y) |> str()
model |> predict_on_batch(x) |> str()
# (keras3 accepts and ignores return_dict = FALSE; rkeras refuses it: listed in NOTES)
r3 <- evaluate(model, list(x), y, verbose = 0)
str(r3)
