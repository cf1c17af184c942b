# Callbacks: logs seen by R functions, early stopping, checkpoints, history of callbacks, custom Callback().
library(keras3)
set_random_seed(1)
x <- matrix(runif(40), 10, 4); y <- runif(10)
model <- keras_model_sequential(input_shape = 4) |> layer_dense(1)
model |> compile(optimizer = "sgd", loss = "mse", metrics = "mae")
seen <- list()
cb <- callback_lambda(
  on_epoch_begin = function(epoch, logs) cat("begin", epoch, class(epoch), length(logs), "\n"),
  on_epoch_end = function(epoch, logs) { seen[[length(seen) + 1]] <<- logs; cat("end", epoch, "\n") },
  on_train_batch_end = function(batch, logs) if (batch == 0) cat("batch", batch, class(batch), names(logs), "\n"),
  on_train_end = function(logs) cat("train end", names(logs), "\n"))
h <- model |> fit(x, y, epochs = 2, batch_size = 5, verbose = 0, callbacks = list(cb))
str(seen[[1]])
CB <- Callback("CB",
  on_epoch_end = function(epoch, logs = NULL) {
    cat("R6 epoch", epoch, "loss is", class(logs$loss), "\n")
    if (epoch == 1) self$model$stop_training <- TRUE
  })
h <- model |> fit(x, y, epochs = 5, verbose = 0, callbacks = list(CB()))
length(h$metrics$loss)
es <- callback_early_stopping(monitor = "loss", patience = 0, min_delta = 10)
h <- model |> fit(x, y, epochs = 5, verbose = 0, callbacks = list(es))
length(h$metrics$loss)
es$stopped_epoch
f <- tempfile(fileext = ".keras")
ck <- callback_model_checkpoint(f, monitor = "loss", save_best_only = TRUE)
h <- model |> fit(x, y, epochs = 2, verbose = 0, callbacks = list(ck))
file.exists(f)
csv <- tempfile(fileext = ".csv")
h <- model |> fit(x, y, epochs = 2, verbose = 0, callbacks = list(callback_csv_logger(csv)))
names(read.csv(csv))
sched <- callback_learning_rate_scheduler(function(epoch, lr) { cat("sched", epoch, lr > 0, "\n"); lr })
h <- model |> fit(x, y, epochs = 2, verbose = 0, callbacks = list(sched))
rlr <- callback_reduce_lr_on_plateau(monitor = "loss", patience = 1)
h <- model |> fit(x, y, epochs = 2, verbose = 0, callbacks = list(rlr))
names(h$metrics)
h2 <- model |> fit(x, y, epochs = 3, verbose = 0, validation_data = list(x, y))
names(h2$metrics)
str(h2$params)
plot_ok <- tryCatch({ p <- plot(h2); TRUE }, error = function(e) conditionMessage(e))
