"""R keras3's names for Keras's classes: `Conv2D` -> `layer_conv_2d`.

One function, :func:`r_name`, turns a Keras class or function name into its
R keras3 verb name; the few names keras3 spells its own way are listed in
`OVERRIDES` (checked against keras3's NAMESPACE).
"""

from __future__ import annotations

import re

# Keras spells these acronyms with inner capitals; keras3 writes them as one word.
_WORDS = {"PReLU": "Prelu", "ReLU": "Relu", "IoU": "Iou", "RMSprop": "Rmsprop", "NaN": "Nan",
          "TensorBoard": "Tensorboard",
          # keras.applications: keras3 writes the architecture names as one word
          "ConvNeXt": "Convnext", "DenseNet": "Densenet", "EfficientNet": "Efficientnet",
          "MobileNet": "Mobilenet", "NASNet": "Nasnet", "ResNet": "Resnet"}
# "2D" is a dimension suffix: Conv2DTranspose -> Conv_2d_Transpose.
_DIMENSION = re.compile(r"(\d)D(?=[A-Z]|$)")

_CAMEL = re.compile(
    r"(?<=[a-z0-9])(?=[A-Z])"      # fooBar -> foo_Bar
    r"|(?<=[A-Z])(?=[A-Z][a-z])"   # LSTMCell -> LSTM_Cell
)

OVERRIDES: dict[str, str] = {
    # layers
    "layer_up_sampling_1d": "layer_upsampling_1d",
    "layer_up_sampling_2d": "layer_upsampling_2d",
    "layer_up_sampling_3d": "layer_upsampling_3d",
    "layer_elu": "layer_activation_elu",
    "layer_leaky_relu": "layer_activation_leaky_relu",
    "layer_prelu": "layer_activation_parametric_relu",
    "layer_relu": "layer_activation_relu",
    "layer_softmax": "layer_activation_softmax",
    "layer_tfsm_layer": "layer_tfsm",
    "layer_grouped_query_attention": "layer_group_query_attention",
    "layer_jax_layer": "layer_jax_model_wrapper",
    "layer_flax_layer": "layer_flax_module_wrapper",
    # metrics
    "metric_f_beta_score": "metric_fbeta_score",
    "metric_mean_metric_wrapper": "metric_mean_wrapper",
    # optimizers
    "optimizer_loss_scale_optimizer": "optimizer_loss_scale",
    "optimizer_multi_optimizer": "optimizer_multi",
    # constraints (keras3 keeps the old one-word names)
    "constraint_max_norm": "constraint_maxnorm",
    "constraint_min_max_norm": "constraint_minmaxnorm",
    "constraint_non_neg": "constraint_nonneg",
    "constraint_unit_norm": "constraint_unitnorm",
    # regularizers
    "regularizer_orthogonal_regularizer": "regularizer_orthogonal",
    # initializers
    "initializer_stft_initializer": "initializer_stft",
    "initializer_identity_initializer": "initializer_identity",
    "initializer_orthogonal_initializer": "initializer_orthogonal",
    # applications (keras3: `efficientnet_v2b0`, `convnext_xlarge`)
    **{f"application_efficientnet_v2_{v}": f"application_efficientnet_v2{v}"
       for v in ("b0", "b1", "b2", "b3", "l", "m", "s")},
    "application_convnext_x_large": "application_convnext_xlarge",
    # ops and random: keras3's names for Keras's functions
    "op_image_crop_images": "op_image_crop",
    "op_image_pad_images": "op_image_pad",
    "random_randint": "random_integer",
}


def snake_case(name: str) -> str:
    """`MaxPooling2D` -> `max_pooling_2d`, `LSTM` -> `lstm`, `AdamW` -> `adam_w`."""
    for word, replacement in _WORDS.items():
        name = name.replace(word, replacement)
    name = _DIMENSION.sub(r"_\1d_", name)
    snake = _CAMEL.sub("_", name).lower()
    return re.sub(r"_+", "_", snake).strip("_")


def r_name(prefix: str, python_name: str) -> str:
    """The R keras3 name of a Keras class/function in family `prefix`.

    Example:
        >>> r_name("layer", "Conv2DTranspose")
        'layer_conv_2d_transpose'
    """
    name = f"{prefix}_{snake_case(python_name)}"
    return OVERRIDES.get(name, name)
