"""`%load_ext rkeras`: Jupyter's `%%R` cells with rkeras's R front end and converters.

After `%load_ext rkeras` in a notebook:

* the `%R` / `%%R` magics are registered (rpy2's, from `rpy2.ipython`) with
  rkeras's converter (:func:`rkeras.r.convert.converter`), so
  `%%R -i model -o history` moves Keras models, rkeras histories, RLists,
  arrays, data frames and factors both ways with rkeras's rules;
* the R front end is installed: `library(keras)`, the verbs, and the R classes
  of what crosses (`keras_training_history` with print/plot/as.data.frame,
  model handles with `$`).

Example (in a notebook)::

    %load_ext rkeras
    model = rkeras.keras_model_sequential(input_shape=4) >> rkeras.layer_dense(units=1)

    %%R -i model -o history
    model %>% compile(loss = "mse")
    history <- model %>% fit(matrix(runif(40), 10), runif(10), epochs = 2, verbose = 0)
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Register `%R`/`%%R` with rkeras's converter and install the R front end (IPython calls this)."""
    from rpy2.ipython.rmagic import RMagics

    from .r.convert import converter
    from .r.on_demand import ensure

    ensure()
    # rkeras's converter alone: added to rpy2's default one, rpy2's rules for
    # specific R types (ListSexpVector ...) would win over rkeras's catch-all.
    ipython.register_magics(RMagics(ipython, converter=converter()))


def unload_ipython_extension(ipython: Any) -> None:
    """Nothing to undo: the magics stay registered, as rpy2's own extension leaves them."""
