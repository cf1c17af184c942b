# print() and str() of the Python objects keras3 code meets.
library(keras3)
library(reticulate)
x <- op_array(c(1, 2))
print(x)
x
str(x)
op_ones(c(2, 3))
str(op_ones(c(2, 3)))
op_array(5)
op_array(c(1L, 2L))
v <- keras_variable(c(1, 2))
v
str(v)
inp <- keras_input(shape = c(3))
inp
str(inp)
np <- import("numpy", convert = FALSE)
a <- np$arange(3L)
a
class(a)[1]
py_to_r(a)
np$float64(2)
np1 <- import("numpy")
np1$arange(3L)
keras$ops$leaky_relu
keras$layers$Dense
keras$ops$add
op_shape(op_ones(c(2, 3)))
shape(2, NA)
keras$ops$shape(op_ones(c(2, 3)))
layer_dense(units = 2)
optimizer_adam()
loss_mean_squared_error()
callback_early_stopping()
initializer_glorot_uniform()
set_random_seed(1)
m <- keras_model_sequential(input_shape = 3) |> layer_dense(2)
m$layers[[1]]
m$layers[[1]]$kernel
m |> compile(optimizer = "adam", loss = "mse")
m$optimizer
m$loss
format(x)
as.character(x)
