# Deep Learning with R, section 3.6 / slides LAB 3 (regression): predicting
# Boston house prices. Features scaled with the training mean and sd, a
# 64-64-1 relu network, rmsprop, mse loss + mae metric, early stopping on a
# validation split.
#
#   rkeras run r_scripts/boston_regression.R                     # up to 500 epochs
#   rkeras run r_scripts/boston_regression.R --epochs 5          # a quick run
#
# Prints `test_mae: <value>` (in $1000s) at the end.

library(keras)

args <- commandArgs(trailingOnly = TRUE)
arg <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else as.numeric(args[[i + 1]])
}
epochs <- arg("epochs", 500)
patience <- arg("patience", 20)

dataset <- dataset_boston_housing()
c(c(train_data, train_targets), c(test_data, test_targets)) %<-% dataset

str(train_data)
str(test_data)
str(train_targets)

# Normalise with the statistics of the training data only.
mean <- apply(train_data, 2, mean)
std <- apply(train_data, 2, sd)
train_data <- scale(train_data, center = mean, scale = std)
test_data <- scale(test_data, center = mean, scale = std)

build_model <- function() {
  model <- keras_model_sequential() %>%
    layer_dense(units = 64, activation = "relu",
                input_shape = dim(train_data)[[2]]) %>%
    layer_dense(units = 64, activation = "relu") %>%
    layer_dense(units = 1)

  model %>% compile(
    optimizer = "rmsprop",
    loss = "mse",
    metrics = c("mae")
  )
}

model <- build_model()

early_stop <- callback_early_stopping(monitor = "val_loss", patience = patience,
                                      restore_best_weights = TRUE)

history <- model %>% fit(
  train_data, train_targets,
  epochs = epochs, batch_size = 16, verbose = 0,
  validation_split = 0.2,
  callbacks = list(early_stop)
)
history
plot(history)
tail(as.data.frame(history))

result <- model %>% evaluate(test_data, test_targets, verbose = 0)
result

cat(sprintf("epochs_trained: %d\n", length(history$metrics$loss)))
cat(sprintf("test_mae: %.4f\n", result$mae))
