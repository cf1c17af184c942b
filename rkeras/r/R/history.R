# keras3's methods for the object fit() returns: a plain R list of class
# "keras_training_history" with `params` (verbose, epochs, steps) and
# `metrics` (one numeric series per metric, val_* included). Written in R, as
# in keras3 (R/history.R), so they work on histories saved with saveRDS too.

.rk_history_epochs <- function(x) {
  # Epochs actually trained: fewer than params$epochs after early stopping.
  trained <- if (length(x$metrics)) length(x$metrics[[1L]]) else 0L
  asked <- x$params$epochs
  if (is.null(asked)) trained else min(as.integer(asked), trained)
}

# Output exactly as keras3's: a blank line (where "Trained on N samples" went
# under TF < 2.2), "Final epoch (plot to see history):", the right-aligned
# metrics of the last *trained* epoch (early stopping) with 4 significant
# digits, and cat()'s trailing space.
print.keras_training_history <- function(x, ...) {
  epochs <- .rk_history_epochs(x)
  p <- x$params
  p <- prettyNum(list(samples = p$samples, validation_samples = p$validation_samples,
                      batch_size = p$batch_size, epochs = epochs), big.mark = ",")
  str <- ""
  if (!identical(p[["samples"]], "NULL")) {
    validate <- if (!identical(p[["validation_samples"]], "NULL"))
      paste0(", validated on ", p[["validation_samples"]], " samples") else ""
    str <- paste0("Trained on ", p[["samples"]], " samples", validate,
                  " (batch_size=", p[["batch_size"]], ", epochs=", p[["epochs"]], ")")
  }
  metrics <- lapply(x$metrics, function(metric) metric[[epochs]])
  labels <- names(metrics)
  labels <- sprintf(paste0("%", max(nchar(labels)), "s"), labels)
  metrics <- prettyNum(metrics, big.mark = ",", digits = 4, scientific = FALSE)
  str <- paste0(str, "\n", "Final epoch (plot to see history):\n",
                paste0(labels, ": ", metrics, collapse = "\n"), collapse = "\n")
  cat(str, "\n")
  invisible(x)
}

as.data.frame.keras_training_history <- function(x, ...) {
  metrics <- x$metrics
  epochs <- x$params$epochs
  trained <- if (length(metrics)) max(lengths(metrics)) else 0L
  epochs <- if (is.null(epochs)) trained else max(as.integer(epochs), trained)
  # Pad with NA up to params$epochs when a callback stopped training early.
  values <- unlist(lapply(metrics, function(m) {
    m <- as.numeric(unlist(m))
    c(m, rep_len(NA_real_, epochs - length(m)))
  }), use.names = FALSE)
  base <- sub("^val_", "", names(metrics))
  df <- data.frame(
    epoch = rep(seq_len(epochs), length(metrics)),
    value = if (is.null(values)) numeric() else values,
    metric = factor(rep(base, each = epochs), levels = unique(base)),
    data = factor(rep(grepl("^val_", names(metrics)), each = epochs),
                  levels = c(FALSE, TRUE), labels = c("training", "validation")),
    stringsAsFactors = FALSE
  )
  rownames(df) <- NULL
  df
}

plot.keras_training_history <- function(x, y, metrics = NULL,
                                        method = c("auto", "ggplot2", "base"),
                                        smooth = getOption("keras.plot.history.smooth", TRUE),
                                        theme_bw = getOption("keras.plot.history.theme_bw", FALSE),
                                        ...) {
  method <- match.arg(method)
  if (method == "auto")
    method <- if (requireNamespace("ggplot2", quietly = TRUE)) "ggplot2" else "base"
  if (method == "ggplot2" && !requireNamespace("ggplot2", quietly = TRUE))
    stop("plot(history, method = \"ggplot2\") needs the 'ggplot2' package; ",
         "use method = \"base\" or install.packages(\"ggplot2\")", call. = FALSE)

  df <- as.data.frame(x)
  if (is.null(metrics))
    metrics <- Filter(function(name) !grepl("^val_", name), names(x$metrics))
  metrics <- unique(sub("^val_", "", metrics))
  unknown <- setdiff(metrics, levels(df$metric))
  if (length(unknown))
    stop("plot(history): unknown metric ", paste(sQuote(unknown), collapse = ", "),
         "; available: ", paste(levels(df$metric), collapse = ", "), call. = FALSE)
  df <- df[df$metric %in% metrics, ]
  df$metric <- factor(as.character(df$metric), levels = metrics)
  do_validation <- any(grepl("^val_", names(x$metrics)))
  epochs <- x$params$epochs
  if (is.null(epochs)) epochs <- .rk_history_epochs(x)

  if (method == "ggplot2") {
    # Columns epoch/value/data are looked up in df by ggplot2's data mask.
    aes <- if (do_validation) {
      if (theme_bw)
        ggplot2::aes(epoch, value, color = data, fill = data, linetype = data, shape = data)
      else ggplot2::aes(epoch, value, color = data, fill = data)
    } else ggplot2::aes(epoch, value)
    p <- ggplot2::ggplot(df, aes)
    smooth_args <- list(se = FALSE, method = "loess", na.rm = TRUE, formula = y ~ x)
    if (theme_bw) {
      smooth_args$linewidth <- 0.5
      smooth_args$color <- "gray47"
      p <- p + ggplot2::theme_bw() +
        ggplot2::geom_point(col = 1, na.rm = TRUE, size = 2) +
        ggplot2::scale_shape(solid = FALSE)
    } else {
      p <- p + ggplot2::geom_point(shape = 21, col = 1, na.rm = TRUE)
    }
    # The smooth only from 10 epochs on, as keras3.
    if (isTRUE(smooth) && epochs >= 10)
      p <- p + do.call(ggplot2::geom_smooth, smooth_args)
    int_breaks <- function(v) { b <- pretty(v); b[b %% 1 == 0] }
    p <- p +
      ggplot2::facet_grid(metric ~ ., switch = "y", scales = "free_y") +
      ggplot2::scale_x_continuous(breaks = int_breaks) +
      ggplot2::theme(axis.title.y = ggplot2::element_blank(),
                     strip.placement = "outside",
                     strip.text = ggplot2::element_text(colour = "black", size = 11),
                     strip.background = ggplot2::element_rect(fill = NA, color = NA))
    return(p)
  }

  # base graphics: one panel per metric, training o, validation x.
  op <- graphics::par(mfrow = c(length(metrics), 1), mar = c(3, 3, 2, 2))
  on.exit(graphics::par(op), add = TRUE)
  for (i in seq_along(metrics)) {
    metric <- metrics[[i]]
    top_plot <- i == 1L
    bottom_plot <- i == length(metrics)
    if (top_plot) graphics::par(mar = c(1.5, 3, 1.5, 1.5))
    else if (bottom_plot) graphics::par(mar = c(2.5, 3, .5, 1.5))
    else graphics::par(mar = c(1.5, 3, .5, 1.5))
    d <- df[df$metric == metric & !is.na(df$value), ]
    graphics::plot(d$epoch, d$value, pch = c(1, 4)[as.integer(d$data)],
                   xaxt = if (bottom_plot) "s" else "n", xlab = "epoch", ylab = metric, ...)
    training <- d$value[d$data == "training"]
    falling <- length(training) > 1L && training[1L] > training[length(training)]
    where <- if (falling) "topright" else "bottomright"
    if (do_validation)
      graphics::legend(where, legend = c(metric, paste0("val_", metric)), pch = c(1, 4))
    else
      graphics::legend(where, legend = metric, pch = 1)
  }
  invisible(NULL)
}

.rk_s3 <- c(.rk_s3, list(
  c("print", "keras_training_history", "print.keras_training_history"),
  c("as.data.frame", "keras_training_history", "as.data.frame.keras_training_history"),
  c("plot", "keras_training_history", "plot.keras_training_history")))
