# The MNIST lab of the slides "An Introduction to Machine Learning and Deep
# Learning with R" (Day 2, LAB 3), run unchanged through rkeras:
#
#   RKERAS_DATASETS=/work/shared/data rkeras run r_scripts/slides_mnist.R
#
# Lines between "VERBATIM FROM THE SLIDES" markers are copied character for
# character from the slides' code chunks (their order kept). The slides stop
# after reshaping the data; the lines marked "FROM THE BOOK" finish the lab
# the way the book the slides follow does (Deep Learning with R, 2.1:
# to_categorical, fit for 5 epochs with batch_size 128, evaluate).

# ---- VERBATIM FROM THE SLIDES: "Loading the Mnist Dataset" ----
library(keras)

mnist <- dataset_mnist()
train_images <- mnist$train$x
train_labels <- mnist$train$y
test_images <- mnist$test$x
test_labels <- mnist$test$y
# ---- VERBATIM FROM THE SLIDES ----
str(train_images)
# ---- VERBATIM FROM THE SLIDES: "Let's build our first model" ----
network <- keras_model_sequential() %>%
  layer_dense(units = 512, activation = "relu", input_shape = c(28 * 28)) %>%
  layer_dense(units = 10, activation = "softmax")
# ---- VERBATIM FROM THE SLIDES ----
network %>% compile(  
  optimizer = "rmsprop",  
  loss = "categorical_crossentropy",  
  metrics = c("accuracy")  
)
# ---- VERBATIM FROM THE SLIDES: "But before.. One more thing.." ----
train_images <- array_reshape(train_images, c(60000, 28 * 28))  
train_images <- train_images / 255  
  
test_images <- array_reshape(test_images, c(10000, 28 * 28))  
test_images <- test_images / 255
# ---- END OF THE SLIDES' CODE ----

# ---- FROM THE BOOK (Deep Learning with R, 2.1): labels, training, evaluation ----
train_labels <- to_categorical(train_labels)
test_labels <- to_categorical(test_labels)

network %>% fit(train_images, train_labels, epochs = 5, batch_size = 128)

metrics <- network %>% evaluate(test_images, test_labels)
metrics
# ---- END OF THE BOOK'S CODE ----

# For the tests and the report: one parseable line.
cat(sprintf("test_accuracy: %.4f\n", metrics$accuracy))
