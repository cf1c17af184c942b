# Deep Learning with R, section 6.2 / slides LAB 5: IMDB sentiment with a
# recurrent network. Reviews are sequences of word indices (the
# `max_features` most frequent words), padded or cut to `maxlen`, embedded and
# read by an LSTM (or a simple RNN with --rnn simple).
#
#   rkeras run r_scripts/imdb_rnn.R                                  # full data, 10 epochs
#   rkeras run r_scripts/imdb_rnn.R --n 500 --maxlen 100 --epochs 1  # a quick slice
#
# Prints `test_accuracy: <value>` at the end.

library(keras)

args <- commandArgs(trailingOnly = TRUE)
arg <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else as.numeric(args[[i + 1]])
}
n <- arg("n", NA)
epochs <- arg("epochs", 10)
max_features <- arg("max_features", 10000)   # number of words to consider as features
maxlen <- arg("maxlen", 500)                 # cuts off texts after this many words
rnn <- if ("--rnn" %in% args) args[[match("--rnn", args) + 1]] else "lstm"

imdb <- dataset_imdb(num_words = max_features)
c(c(input_train, y_train), c(input_test, y_test)) %<-% imdb
cat(length(input_train), "train sequences\n")
cat(length(input_test), "test sequences\n")

if (!is.na(n)) {
  input_train <- input_train[1:n]
  y_train <- y_train[1:n]
  input_test <- input_test[1:n]
  y_test <- y_test[1:n]
}

input_train <- pad_sequences(input_train, maxlen = maxlen)
input_test <- pad_sequences(input_test, maxlen = maxlen)
cat("input_train shape:", dim(input_train), "\n")
cat("input_test shape:", dim(input_test), "\n")

model <- keras_model_sequential() %>%
  layer_embedding(input_dim = max_features, output_dim = 32)
if (rnn == "simple") {
  model %>% layer_simple_rnn(units = 32)
} else {
  model %>% layer_lstm(units = 32)
}
model %>% layer_dense(units = 1, activation = "sigmoid")

model %>% compile(
  optimizer = "rmsprop",
  loss = "binary_crossentropy",
  metrics = c("acc")
)

history <- model %>% fit(
  input_train, y_train,
  epochs = epochs,
  batch_size = 128,
  validation_split = 0.2
)
history
plot(history)

results <- model %>% evaluate(input_test, y_test, verbose = 0)
results

accuracy <- results[[grep("acc", names(results))[1]]]
cat(sprintf("test_accuracy: %.4f\n", accuracy))
