# Knit one R Markdown vignette inside the rkeras bridge, so that its chunks run
# R keras code on rkeras (library(keras) is the bridge's front end):
#
#   rkeras run vignettes/knit.R INPUT.Rmd OUTPUT.md [FIGURE_PREFIX]
#
# FIGURE_PREFIX (default "OUTPUT_files/") is where knitr writes the PNG figures,
# relative to the current directory, which should be the folder of OUTPUT.md
# (vignettes/render.py runs it there). The vignette reads
# RKERAS_VIGNETTE_FRACTION and writes its metrics to RKERAS_VIGNETTE_METRICS.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2L)
  stop("usage: rkeras run vignettes/knit.R INPUT.Rmd OUTPUT.md [FIGURE_PREFIX]")
input <- normalizePath(args[[1L]], mustWork = TRUE)
output <- args[[2L]]
figures <- if (length(args) >= 3L) args[[3L]] else
  paste0(tools::file_path_sans_ext(basename(output)), "_files/")

suppressPackageStartupMessages(library(knitr))
opts_knit$set(progress = FALSE, verbose = FALSE)
opts_chunk$set(fig.path = figures, dev = "png", dpi = 96, fig.width = 7, fig.height = 4.5,
               comment = "##", fig.align = "default", fig.show = "hold", message = FALSE,
               error = FALSE)
options(width = 90)

knit(input, output, envir = globalenv(), quiet = TRUE, encoding = "UTF-8")
cat("knitted", input, "->", output, "\n")
