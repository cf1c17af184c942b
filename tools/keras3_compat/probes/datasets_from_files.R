# Datasets from files: image/text/timeseries dataset helpers, image utilities, get_file offline.
library(keras3)
set_random_seed(1)
root <- file.path(tempdir(), "imgs")
for (cls in c("cat", "dog")) {
  dir.create(file.path(root, cls), recursive = TRUE, showWarnings = FALSE)
  for (i in 1:3) image_array_save(array(runif(8 * 8 * 3), c(8, 8, 3)),
                                  file.path(root, cls, paste0(i, ".png")))
}
ds <- image_dataset_from_directory(root, image_size = c(8, 8), batch_size = 4, seed = 1)
ds$class_names
b <- iter_next(reticulate::as_iterator(ds))
b[[1]]$shape
b[[2]]$dtype
img <- image_load(file.path(root, "cat", "1.png"), target_size = c(4, 4))
class(img)[1]
a <- image_to_array(img)
str(a)
str(image_array_resize <- NULL)
troot <- file.path(tempdir(), "txt")
for (cls in c("neg", "pos")) {
  dir.create(file.path(troot, cls), recursive = TRUE, showWarnings = FALSE)
  for (i in 1:2) writeLines(paste("text", cls, i), file.path(troot, cls, paste0(i, ".txt")))
}
tds <- text_dataset_from_directory(troot, batch_size = 2, seed = 1)
tds$class_names
tb <- iter_next(reticulate::as_iterator(tds))
tb[[1]]$dtype
str(as.array(tb[[2]]))
ts <- timeseries_dataset_from_array(matrix(1:20 + 0, 10), targets = NULL, sequence_length = 3, batch_size = 2)
tsb <- iter_next(reticulate::as_iterator(ts))
tsb$shape
str(as.array(tsb))
sp <- split_dataset(tfdatasets::range_dataset(0, 10), left_size = 0.8)
length(sp)
