# Data-parallel MNIST in R keras, on TensorFlow's distribution engine.
#
# One worker per process; run the same script on every machine (or several
# times on one), each with its own --index:
#
#   rkeras run r_scripts/distributed_mnist.R --workers host1:12345,host2:12345 --index 0
#   rkeras run r_scripts/distributed_mnist.R --workers host1:12345,host2:12345 --index 1
#
# Without --workers it trains in this one process on all its CPU cores
# (--cpus N splits the CPU into N replicas with strategy_mirrored()).
#
# Options: --workers a:p,b:p  --index I (0-based, e.g. $SLURM_PROCID)
#          --cpus N  --steps S (steps per epoch, default 50)  --epochs E (default 1)
#          --batch B (global batch, default 128)  --out FILE.weights.h5
#          --timeout S (a worker whose peer died fails after S seconds
#                       instead of waiting forever)
#          --backup DIR (callback_backup_and_restore: a killed run, started
#                        again with the same arguments, resumes after the last
#                        completed epoch; each worker keeps DIR/worker-<index>)
library(keras)

opt <- function(name, default = NULL) {
  args <- commandArgs(trailingOnly = TRUE)
  at <- match(paste0("--", name), args)
  if (is.na(at)) default else args[[at + 1L]]
}
workers <- opt("workers")
index <- as.integer(opt("index", "0"))
steps <- as.integer(opt("steps", "50"))
epochs <- as.integer(opt("epochs", "1"))
batch <- as.integer(opt("batch", "128"))

# 1. The strategy first: a worker starts its server and waits for the others.
if (!is.null(workers)) {
  tf_config(strsplit(workers, ",")[[1]], task_index = index)
  timeout <- opt("timeout")
  strategy <- strategy_multi_worker_mirrored(
    timeout_seconds = if (is.null(timeout)) NULL else as.numeric(timeout))
} else {
  cpus <- as.integer(opt("cpus", "1"))
  if (cpus > 1) config_logical_cpus(cpus)
  strategy <- strategy_mirrored()
}
cat("replicas:", strategy$num_replicas_in_sync, "\n")

# 2. The same data and seed on every worker: each keeps its share of every batch.
set_random_seed(42)
mnist <- dataset_mnist()
n <- steps * batch
x_train <- array_reshape(mnist$train$x[1:n, , ], c(n, 784)) / 255
y_train <- mnist$train$y[1:n]

# 3. Build and compile in the strategy's scope.
with(strategy$scope(), {
  model <- keras_model_sequential(input_shape = 784) %>%
    layer_dense(units = 128, activation = "relu") %>%
    layer_dense(units = 10, activation = "softmax")
  model %>% compile(optimizer = "adam", loss = "sparse_categorical_crossentropy",
                    metrics = "accuracy")
})

# 4. Train as usual; batch_size is the global batch, split across all replicas.
callbacks <- list(callback_lambda(on_epoch_end = function(epoch, logs)
  cat("epoch", epoch, "loss", format(logs$loss, digits = 4), "\n")))
if (!is.null(opt("backup"))) {
  backup_dir <- file.path(opt("backup"), paste0("worker-", index))
  callbacks <- c(list(callback_backup_and_restore(backup_dir = backup_dir)), callbacks)
}
history <- model %>% fit(x_train, y_train, batch_size = batch, epochs = epochs,
                         callbacks = callbacks, verbose = 0)

# 5. Every worker holds the same weights; keep the chief's copy.
out <- opt("out")
if (!is.null(out)) {
  save_model_weights(model, out)
  cat("chief:", is_chief_worker(strategy), "saved:", out, "\n")
}
