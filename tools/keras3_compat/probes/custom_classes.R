# Keras classes written in R (Layer, Model, Loss, Metric) on R values, and their printing.
library(keras3)
set_random_seed(1)
layer_scale <- Layer("Scale",
  initialize = function(k = 2, ...) { super$initialize(...); self$k <- k },
  call = function(x) x * self$k)
l <- layer_scale(k = 3)
class(l)[1:2]
l(op_array(c(1, 2)))
l(op_array(c(1, 2)))$dtype
l$k
str(l$k)
Lin <- Layer("Lin",
  initialize = function(units = 2, ...) { super$initialize(...); self$units <- units },
  build = function(input_shape) {
    self$w <- self$add_weight(shape = shape(tail(input_shape, 1), self$units), initializer = "ones")
  },
  call = function(x) op_matmul(x, self$w))
lin <- Lin(units = 3)
y <- lin(op_ones(c(2, 4)))
y$shape
lin$w$shape
length(lin$weights)
MyLoss <- Loss("MyLoss", call = function(y_true, y_pred) op_mean(op_square(y_true - y_pred), axis = -1))
loss <- MyLoss()
loss(matrix(c(1, 2), 1), matrix(c(1, 4), 1))
m <- keras_model_sequential(input_shape = 4) |> layer_scale(k = 2) |> layer_dense(1)
m |> compile(loss = MyLoss(), optimizer = "sgd")
h <- m |> fit(matrix(runif(40), 10), runif(10), epochs = 1, verbose = 0)
names(h$metrics)
predict(m, matrix(1, 1, 4), verbose = 0) |> dim()
