# random_* with seeds, config_* getters/setters, serialization helpers.
library(keras3)
set_random_seed(42)
str(runif(2))
str(as.array(random_normal(c(2, 2), seed = 1)))
str(as.array(random_uniform(c(3), seed = 2)))
str(as.array(random_integer(c(4), 0, 10, seed = 3)))
random_integer(c(4), 0, 10, seed = 3)$dtype
str(as.array(random_truncated_normal(c(2), seed = 4)))
str(as.array(random_categorical(matrix(c(0, 0), 1), 3, seed = 5)))
str(as.array(random_dropout(op_ones(c(2, 2)), 0.5, seed = 6)))
str(as.array(random_shuffle(op_arange(5), seed = 7)))
g <- random_seed_generator(1)
class(g)[1]
str(as.array(random_normal(c(2), seed = g)))
str(as.array(random_beta(c(2), 1, 2, seed = 8)))
str(as.array(random_gamma(c(2), 2, seed = 9)))
str(as.array(random_binomial(c(2), 10, 0.5, seed = 10)))
config_floatx()
config_epsilon()
config_image_data_format()
config_backend()
str(config_is_interactive_logging_enabled())
config_set_floatx("float64")
op_array(c(1, 2))$dtype
config_set_floatx("float32")
config_set_epsilon(1e-6); config_epsilon(); config_set_epsilon(1e-7)
str(config_dtype_policy())
config_dtype_policy()$name
str(config_is_traceback_filtering_enabled())
l <- layer_dense(units = 3, activation = "relu")
s <- serialize_keras_object(l)
class(s)
names(s)
str(s$config$units)
l2 <- deserialize_keras_object(s)
class(l2)[1]
l2$units
get_registered_name(keras$layers$Dense)
act <- activation_relu
serialize_keras_object(initializer_he_normal(seed = 1))$class_name
o <- optimizer_adam(learning_rate = 0.01)
cfg <- get_config(o)
str(cfg$learning_rate)
o2 <- from_config(cfg)
class(o2)[1]
o$learning_rate
str(as.array(o$learning_rate))
