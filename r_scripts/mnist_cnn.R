# Deep Learning with R, section 5.1 / slides LAB 4: MNIST with a small
# convnet. The input format changes (28 x 28 x 1 images) and layer_flatten()
# joins the convolutional base to the dense classifier.
#
#   rkeras run r_scripts/mnist_cnn.R                      # full data, 5 epochs
#   rkeras run r_scripts/mnist_cnn.R --n 1000 --epochs 1  # a quick slice
#
# Prints `test_accuracy: <value>` at the end.

library(keras)

args <- commandArgs(trailingOnly = TRUE)
arg <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else as.numeric(args[[i + 1]])
}
n <- arg("n", NA)
epochs <- arg("epochs", 5)

model <- keras_model_sequential() %>%
  layer_conv_2d(filters = 32, kernel_size = c(3, 3), activation = "relu",
                input_shape = c(28, 28, 1)) %>%
  layer_max_pooling_2d(pool_size = c(2, 2)) %>%
  layer_conv_2d(filters = 64, kernel_size = c(3, 3), activation = "relu") %>%
  layer_max_pooling_2d(pool_size = c(2, 2)) %>%
  layer_flatten() %>%
  layer_dense(units = 64, activation = "relu") %>%
  layer_dense(units = 10, activation = "softmax")

model

mnist <- dataset_mnist()
c(c(train_images, train_labels), c(test_images, test_labels)) %<-% mnist

if (!is.na(n)) {
  train_images <- train_images[1:n, , ]
  train_labels <- train_labels[1:n]
  test_images <- test_images[1:min(n, 10000), , ]
  test_labels <- test_labels[1:min(n, 10000)]
}

train_images <- array_reshape(train_images, c(dim(train_images)[1], 28, 28, 1))
train_images <- train_images / 255
test_images <- array_reshape(test_images, c(dim(test_images)[1], 28, 28, 1))
test_images <- test_images / 255

train_labels <- to_categorical(train_labels)
test_labels <- to_categorical(test_labels, 10)

model %>% compile(
  optimizer = "rmsprop",
  loss = "categorical_crossentropy",
  metrics = c("accuracy")
)

history <- model %>% fit(
  train_images, train_labels,
  epochs = epochs, batch_size = 64
)
history
plot(history)

results <- model %>% evaluate(test_images, test_labels, verbose = 0)
results

cat(sprintf("test_accuracy: %.4f\n", results$accuracy))
