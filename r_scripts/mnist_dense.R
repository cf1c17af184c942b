# Deep Learning with R, section 2.1 / slides LAB 3: a first neural network on
# MNIST (dense layers), written as the slides and the book write it.
#
#   rkeras run r_scripts/mnist_dense.R                      # full data, 5 epochs
#   rkeras run r_scripts/mnist_dense.R --n 2000 --epochs 1  # a quick slice
#
# Prints `test_accuracy: <value>` at the end.

library(keras)

args <- commandArgs(trailingOnly = TRUE)
arg <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else as.numeric(args[[i + 1]])
}
n <- arg("n", NA)            # training images to use (NA: all 60,000)
epochs <- arg("epochs", 5)

mnist <- dataset_mnist()
train_images <- mnist$train$x
train_labels <- mnist$train$y
test_images <- mnist$test$x
test_labels <- mnist$test$y

if (!is.na(n)) {
  train_images <- train_images[1:n, , ]
  train_labels <- train_labels[1:n]
  test_images <- test_images[1:min(n, 10000), , ]
  test_labels <- test_labels[1:min(n, 10000)]
}
str(train_images)

network <- keras_model_sequential() %>%
  layer_dense(units = 512, activation = "relu", input_shape = c(28 * 28)) %>%
  layer_dense(units = 10, activation = "softmax")

network %>% compile(
  optimizer = "rmsprop",
  loss = "categorical_crossentropy",
  metrics = c("accuracy")
)

train_images <- array_reshape(train_images, c(dim(train_images)[1], 28 * 28))
train_images <- train_images / 255
test_images <- array_reshape(test_images, c(dim(test_images)[1], 28 * 28))
test_images <- test_images / 255

train_labels <- to_categorical(train_labels)
test_labels <- to_categorical(test_labels, 10)

history <- network %>% fit(train_images, train_labels, epochs = epochs, batch_size = 128)
history
plot(history)
head(as.data.frame(history))

metrics <- network %>% evaluate(test_images, test_labels, verbose = 0)
metrics

classes <- network %>% predict(test_images[1:10, ], verbose = 0)
max.col(classes) - 1

cat(sprintf("test_accuracy: %.4f\n", metrics$accuracy))
