# Tensors back to R: as.array / as.numeric / dim / length / str, shapes.
library(keras3)
x <- op_array(matrix(1:6 + 0, 2))
str(as.array(x))
str(as.numeric(x))
str(as.integer(op_array(c(1L, 2L))))
str(as.logical(op_array(c(TRUE, FALSE))))
dim(x)
length(x)
str(as.array(op_array(5)))
str(as.array(op_ones(c(2, 1, 3))))
str(as.array(op_array(c(1L, 2L))))
str(as.array(op_array(c(TRUE, FALSE))))
x$shape
str(x$shape)
x$shape[[1]]
length(x$shape)
as.integer(x$shape)
x$ndim
x$dtype
str(x$dtype)
op_shape(x)
str(op_shape(x))
shape(x)
shape(2, NA, 3)
length(shape(2, 3))
as.integer(shape(2, 3))
dim(op_ones(c(2, 3)))
inp <- keras_input(shape = c(28, 28))
inp$shape
dim(inp)
op_shape(inp)
shape(inp)
v <- keras_variable(matrix(1:4 + 0, 2))
as.array(v)
dim(v)
str(v$numpy())
as.array(x)[2, 3]
str(op_convert_to_numpy(x))
x$numpy()
all.equal(as.array(x), matrix(1:6 + 0, 2))
identical(as.array(x), matrix(1:6 + 0, 2))
sum(x)
mean(x)
max(x)
str(op_sum(x))
as.numeric(op_sum(x))
op_sum(x) > 3

x[1, ]
x[, 2]
x[1, 2]
str(as.array(x[1, ]))
t(as.array(x))
format(x$shape)
x$shape == c(2, 3)
x$shape == list(2L, 3L)
x$shape != c(2, 4)
as.numeric(x$shape)
