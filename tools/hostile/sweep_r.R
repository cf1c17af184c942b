# Hostile values from R (issue 14): the R front end's side of tools/hostile/sweep_verbs.py.
# Run it under a memory limit (ulimit -v): a huge size must fail, not fill the machine.
# Each verb gets each value for one argument; the outcome is an rkeras error (its class and
# message, R syntax expected), another error, or a value. Run: (ulimit -v 8000000; .venv/bin/rkeras run tools/hostile/sweep_r.R)
calls <- list(
  "layer_dense(units = V)", "layer_dropout(rate = V)", "layer_dense(units = 2, use_bias = V)",
  "optimizer_adam(learning_rate = V)", "callback_early_stopping(patience = V)",
  "layer_conv_2d(filters = 2, kernel_size = 3, padding = V)",
  "layer_dense(units = 2, kernel_regularizer = V)", "op_add(V, c(1, 2))",
  "regularizer_l2(l2 = V)", "metric_auc(num_thresholds = V)", "loss_huber(delta = V)",
  "initializer_random_normal(stddev = V)",
  "learning_rate_schedule_exponential_decay(0.1, decay_steps = 10, decay_rate = V)",
  "layer_conv_2d(filters = 2, kernel_size = V)", "layer_max_pooling_2d(pool_size = V)"
)
values <- c("list(1, 2)", "c(1, 2)", "numeric(0)", "NA", "NA_real_", "NaN", "Inf", "'abc'", "-1",
            "1e12", "c(TRUE, FALSE)")
internal <- paste0("truth value of an array|not supported between instances|has no attribute|",
                   "unhashable|not iterable|cannot be interpreted|NoneType|function_node")
counts <- c(tried = 0, accepted = 0, clear = 0, unclear = 0)
for (call in calls) for (value in values) {
  code <- sub("V", value, call, fixed = TRUE)
  outcome <- tryCatch({ eval(parse(text = code)); "accepted" }, error = function(e) {
    message <- conditionMessage(e)
    rkeras <- any(startsWith(class(e), "rkeras.errors."))
    if (rkeras && !grepl("\\[1\\.0|array\\(|\\(float\\)", message)) "clear"
    else if (!grepl(internal, message)) "clear" else {
      cat("UNCLEAR ", code, ": ", substr(message, 1, 160), "\n", sep = "")
      "unclear"
    }
  })
  counts["tried"] <- counts["tried"] + 1
  counts[outcome] <- counts[outcome] + 1
  if (outcome == "accepted") cat("accepted ", code, "\n", sep = "")
}
print(counts)
