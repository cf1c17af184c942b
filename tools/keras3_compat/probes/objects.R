# str() and summaries of everyday objects, functional models, layer weights, save/load.
library(keras3)
set_random_seed(1)
inputs <- keras_input(shape = c(4), name = "x")
outputs <- inputs |> layer_dense(3, name = "h") |> layer_dense(1, name = "out")
model <- keras_model(inputs, outputs)
model$inputs
str(model$inputs)
model$outputs[[1]]$shape
model$input
model$layers |> length()
sapply(model$layers, function(l) l$name)
lyr <- get_layer(model, "h")
lyr$name
lyr$units
lyr$activation
lyr$weights |> length()
str(lyr$get_weights())
lyr$kernel$shape
lyr$trainable
lyr$trainable_weights |> length()
lyr$built
lyr$input$shape
lyr$output$shape
lyr$kernel_initializer
is.function(lyr)
l <- layer_dense(units = 2)
l$built
y <- l(op_ones(c(1, 3)))
l$built
y
str(l$kernel)
str(list(a = op_ones(2), b = 1))
str(model$get_layer("out")$get_config()[c("name", "units")])
x <- matrix(runif(8), 2, 4)
str(predict(model, x, verbose = 0))
str(model(x))
model(op_convert_to_tensor(x))$shape
summary(model)
f <- tempfile(fileext = ".keras")
save_model(model, f)
m2 <- load_model(f)
all.equal(predict(m2, x, verbose = 0), predict(model, x, verbose = 0))
class(m2)[1:2]
wf <- tempfile(fileext = ".weights.h5")
save_model_weights(model, wf)
load_model_weights(model, wf)
freeze_weights(model)
length(model$trainable_weights)
unfreeze_weights(model, from = "out")
length(model$trainable_weights)
model$get_layer("h")$trainable
pop_layer <- keras_model_sequential(input_shape = 2) |> layer_dense(2) |> layer_dense(1)
length(pop_layer$layers)
pop_layer$pop()
length(pop_layer$layers)
