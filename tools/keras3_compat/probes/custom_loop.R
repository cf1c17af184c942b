# A custom training loop: GradientTape, optimizer$apply, metrics, tf_function, datasets.
library(keras3)
library(tensorflow)
library(tfdatasets, exclude = c("shape"))
set_random_seed(1)
x <- matrix(runif(64), 16, 4); y <- matrix(runif(16), 16, 1)
model <- keras_model_sequential(input_shape = 4) |> layer_dense(1)
opt <- optimizer_sgd(0.1)
loss_fn <- loss_mean_squared_error()
metric <- metric_mean_absolute_error()
ds <- tensor_slices_dataset(list(x, y)) |> dataset_batch(8)
length(ds)
ds$element_spec
train_step <- function(xb, yb) {
  with(tf$GradientTape() %as% tape, {
    pred <- model(xb, training = TRUE)
    loss <- loss_fn(yb, pred)
  })
  grads <- tape$gradient(loss, model$trainable_weights)
  opt$apply(grads, model$trainable_weights)
  metric$update_state(yb, pred)
  loss
}
for (epoch in 1:2) {
  for (batch in iterate(ds)) {
    c(xb, yb) %<-% batch
    loss <- train_step(xb, yb)
  }
  cat("epoch", epoch, "loss", format(as.numeric(loss), digits = 4),
      "mae", format(as.numeric(metric$result()), digits = 4), "\n")
  metric$reset_state()
}
class(loss)[1]
loss$dtype
tf_step <- tf_function(train_step)
l2 <- tf_step(op_convert_to_tensor(x[1:8, ]), op_convert_to_tensor(y[1:8, , drop = FALSE]))
l2$dtype
opt$iterations
as.numeric(opt$iterations)
it <- as_iterator(ds)
b <- iter_next(it)
length(b)
b[[1]]$shape
str(as.array(b[[2]]))
ds2 <- tensor_slices_dataset(x) |> dataset_map(function(r) r * 2) |> dataset_batch(4)
str(as.array(iter_next(as_iterator(ds2))))
v <- tf$Variable(1)
v$assign_add(2)
as.numeric(v)
g <- with(tf$GradientTape() %as% t2, { z <- v * v })
t2$gradient(z, v)
