# plot(<model>): Keras's plot_model() as a picture on R's graphics device, as
# keras3's plot method (rkeras/r/model_plot.py draws the PNG; it explains
# what to install when pydot or graphviz is missing). Arguments go to
# keras.utils.plot_model (show_shapes, show_layer_names, rankdir, dpi ...);
# with `to_file` the PNG is only written there. Returns the file invisibly.
plot.rkeras_model <- function(x, ..., to_file = NULL) {
  path <- .rk_python("plot_model", x, to_file = to_file, ...)
  if (is.null(to_file)) {
    if (!requireNamespace("png", quietly = TRUE))
      stop("plot(<model>) wrote ", path, "; install.packages(\"png\") to show it on R's device",
           call. = FALSE)
    img <- png::readPNG(path)
    graphics::plot.new()
    graphics::plot.window(c(0, ncol(img)), c(0, nrow(img)), asp = 1)
    graphics::rasterImage(img, 0, 0, ncol(img), nrow(img))
  }
  invisible(path)
}

.rk_s3 <- c(.rk_s3, list(c("plot", "rkeras_model", "plot.rkeras_model")))
