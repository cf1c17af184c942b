"""The `strategy_*` verbs: data parallelism on TensorFlow's `tf.distribute`, R keras style.

rkeras does not distribute anything itself: these verbs return TensorFlow's own
strategy objects, and Keras's `fit` uses them as it always does. What they add
is R keras idioms (names, string options, R vectors), early and clear errors,
and one compatibility fix (see `strategy_multi_worker_mirrored`).

    from rkeras import *

    config_logical_cpus(2)                 # before TensorFlow starts: 2 CPU "devices"
    strategy = strategy_mirrored()         # one replica per device
    with strategy.scope():
        model = (keras_model_sequential(input_shape=784)
                 >> layer_dense(units=128, activation="relu")
                 >> layer_dense(units=10, activation="softmax"))
        model >> compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model >> fit(x, y, batch_size=128)     # 128 is the *global* batch: 64 per replica

In R (through the bridge) the scope is entered with R's `with()`:

    strategy <- strategy_mirrored()
    with(strategy$scope(), {
      model <- keras_model_sequential(input_shape = 784) %>% layer_dense(10)
      model %>% compile(optimizer = "adam", loss = "sparse_categorical_crossentropy")
    })

Data: `fit` takes numpy/pandas/R data or a `tf.data.Dataset` under any
strategy. `batch_size` is the global batch, split evenly across all replicas
(of all workers). For numpy-like data Keras 3 builds a `tf.data` pipeline
with auto-shard policy DATA: every worker holds all the data, runs the same
(seeded) shuffle and keeps its part of each global batch, so every worker must
call `set_random_seed()` with the same seed. A `tf.data.Dataset` you build is
sharded with TensorFlow's default policy AUTO; `dataset_auto_shard()` sets
another. See docs/distributed.md.
"""

from __future__ import annotations

import json
import os

import numpy as np

from .conventions import as_choice, as_count, as_integer, as_strings
from .errors import ArgumentError
from .registry import verb_kind

__all__ = [
    "strategy_mirrored", "strategy_multi_worker_mirrored", "strategy_one_device",
    "strategy_default", "config_logical_cpus", "tf_config", "is_chief_worker",
    "dataset_auto_shard",
]

_CROSS_DEVICE_OPS = {
    "nccl": "NcclAllReduce",
    "hierarchical_copy": "HierarchicalCopyAllReduce",
    "reduction_to_one_device": "ReductionToOneDevice",
}
_COMMUNICATION = ("auto", "ring", "nccl")
_SHARD_POLICIES = ("auto", "data", "file", "off", "hint")


# --- strategies ---------------------------------------------------------------------

@verb_kind("object")
def strategy_mirrored(devices=None, cross_device_ops=None):
    """Synchronous data parallelism over the devices of one machine.

    TensorFlow's `tf.distribute.MirroredStrategy`: every device holds a copy of
    the model (one replica per device); each step the global batch is split
    across the replicas and their gradients are summed with an all-reduce.

    Args:
        devices: device names, e.g. `c("/gpu:0", "/gpu:1")` or
            `["/cpu:0", "/cpu:1"]`. By default all GPUs, or the CPU when there
            is none (use `config_logical_cpus(n)` to split the CPU into `n`
            devices, for testing on a laptop).
        cross_device_ops: how gradients are summed: `"nccl"` (GPUs, the
            default there), `"hierarchical_copy"` (DGX-like GPU topologies),
            `"reduction_to_one_device"` (the CPU default), or a
            `tf.distribute.CrossDeviceOps` object.

    Returns:
        A `tf.distribute.MirroredStrategy`. Build and compile the model in
        `with strategy.scope():` (R: `with(strategy$scope(), {...})`).

    Example:
        ```python
        config_logical_cpus(2)          # first thing in the script
        strategy = strategy_mirrored()
        strategy.num_replicas_in_sync   # 2
        ```
    """
    import tensorflow as tf

    devices = as_strings(devices, "devices")
    if isinstance(cross_device_ops, (str, np.ndarray)):
        name = as_choice(cross_device_ops, "cross_device_ops", tuple(_CROSS_DEVICE_OPS))
        cross_device_ops = getattr(tf.distribute, _CROSS_DEVICE_OPS[name])()
    return tf.distribute.MirroredStrategy(devices=devices, cross_device_ops=cross_device_ops)


def _multi_worker_class():
    """TensorFlow's MultiWorkerMirroredStrategy, with `reduce` accepting what Keras 3 sends.

    Keras 3 (up to 3.15 at least) calls `strategy.reduce` in ways that
    TensorFlow's collective strategy refuses when there are several workers:
    on a whole (x, y) batch structure ("support value being a nest" is a TODO
    in TensorFlow) before the first step, on that batch's integer labels
    (collectives take only float, int32 and int64: uint8 MNIST labels fail),
    and with `axis=0` on scalar loss and metric values after every step. Each
    makes `fit` fail at once (keras-team/keras#20585,
    tensorflow/tensorflow#72388). This subclass maps `reduce` over nested
    structures, widens other integer types to int64 for the collective and
    back, and reduces scalars across replicas (`axis=None`), which is what
    Keras means; everything else (cluster resolution, collective all-reduce,
    variable broadcast) is TensorFlow's own.
    """
    import tensorflow as tf

    global _MultiWorkerMirroredStrategy
    if _MultiWorkerMirroredStrategy is not None:
        return _MultiWorkerMirroredStrategy

    _COLLECTIVE_DTYPES = frozenset({tf.bfloat16, tf.float16, tf.float32, tf.float64,
                                    tf.int32, tf.int64})

    class MultiWorkerMirroredStrategy(tf.distribute.MultiWorkerMirroredStrategy):
        __doc__ = tf.distribute.MultiWorkerMirroredStrategy.__doc__

        def reduce(self, reduce_op, value, axis=None):
            if not isinstance(value, tf.distribute.DistributedValues) and tf.nest.is_nested(value):
                return tf.nest.map_structure(
                    lambda item: self.reduce(reduce_op, item, axis=axis), value)
            local = (value.values[0] if isinstance(value, tf.distribute.DistributedValues)
                     else value)
            shape = getattr(local, "shape", None)
            if axis is not None and shape is not None and shape.rank == 0:
                axis = None   # a scalar per replica: reduce across replicas only
            dtype = getattr(local, "dtype", None)
            if (isinstance(value, tf.distribute.DistributedValues) and dtype is not None
                    and dtype not in _COLLECTIVE_DTYPES and (dtype.is_integer or dtype.is_bool)):
                # Collectives reduce only float and int32/int64 tensors; Keras reduces
                # the first batch (uint8 MNIST labels, say) to learn its shapes.
                wide = self.run(lambda v: tf.cast(v, tf.int64), args=(value,))
                return tf.cast(super().reduce(reduce_op, wide, axis), dtype)
            return super().reduce(reduce_op, value, axis)

    MultiWorkerMirroredStrategy.__module__ = __name__
    _MultiWorkerMirroredStrategy = MultiWorkerMirroredStrategy
    return MultiWorkerMirroredStrategy


_MultiWorkerMirroredStrategy = None


@verb_kind("object")
def strategy_multi_worker_mirrored(communication="auto", cluster_resolver=None,
                                   timeout_seconds=None):
    """Synchronous data parallelism over several machines (workers).

    TensorFlow's `tf.distribute.MultiWorkerMirroredStrategy`. Every worker
    runs the same script; the cluster (all workers' `host:port` and this
    worker's index) comes from the `TF_CONFIG` environment variable (see
    `tf_config()`) or from `cluster_resolver`. Create the strategy at the start
    of the script, before any other TensorFlow work: it starts this worker's
    server and waits for the others.

    Keras 3's `fit` fails with TensorFlow's own class on more than one worker
    (keras-team/keras#20585); the object returned here is that class with
    `reduce` made to accept what Keras passes (see the module source). It is
    a `tf.distribute.MultiWorkerMirroredStrategy` for every other purpose.

    Args:
        communication: the all-reduce implementation: `"auto"`, `"ring"`
            (gRPC, CPUs and GPUs) or `"nccl"` (GPUs only).
        cluster_resolver: a `tf.distribute.cluster_resolver` object (e.g.
            `SlurmClusterResolver()`); by default `TF_CONFIG` is read.
        timeout_seconds: give up a collective operation (and fail) after this
            many seconds, instead of waiting forever for a dead worker.

    Returns:
        The strategy. Build and compile the model in its scope; pass every
        worker the same data and the same `set_random_seed()`.

    Example:
        ```r
        tf_config(c("host1:12345", "host2:12345"), task_index = 0)  # on host1
        strategy <- strategy_multi_worker_mirrored()
        ```
    """
    import tensorflow as tf

    name = as_choice(communication, "communication", _COMMUNICATION)
    options = tf.distribute.experimental.CommunicationOptions(
        implementation=getattr(tf.distribute.experimental.CommunicationImplementation,
                               name.upper()),
        timeout_seconds=None if timeout_seconds is None else float(timeout_seconds))
    cls = _multi_worker_class()
    return cls(cluster_resolver=cluster_resolver, communication_options=options)


@verb_kind("object")
def strategy_one_device(device="/cpu:0"):
    """Everything on one device (`tf.distribute.OneDeviceStrategy`).

    Useful to switch a script between distributed and single-device runs
    without changing it, e.g. `strategy_one_device("/gpu:0")`.
    """
    import tensorflow as tf

    device = as_strings(device, "device")
    if device is None or len(device) != 1:
        raise ArgumentError(f"`device` must be one device name such as \"/cpu:0\"; got {device!r}.")
    return tf.distribute.OneDeviceStrategy(device[0])


@verb_kind("object")
def strategy_default():
    """The strategy in effect (`tf.distribute.get_strategy()`).

    Outside any `scope()` this is TensorFlow's default strategy: no
    distribution, one replica. Inside a scope it is that scope's strategy.
    """
    import tensorflow as tf

    return tf.distribute.get_strategy()


# --- devices and clusters ---------------------------------------------------------------

@verb_kind("object")
def config_logical_cpus(n):
    """Split the CPU into `n` logical devices, so `strategy_mirrored()` has `n` replicas.

    This is how to try data parallelism on a machine without GPUs (and how
    rkeras's tests do it). The replicas share the same cores: it shows that a
    script runs distributed, not that it runs faster. It must be called
    before TensorFlow starts (before the first model, tensor or strategy);
    calling it again with the same `n` does nothing.

    Args:
        n: the number of logical CPU devices (>= 1).

    Returns:
        The logical CPU device names, e.g. `"/device:CPU:0"`, `"/device:CPU:1"`.
    """
    import tensorflow as tf

    n = as_count(n, "n", strict=True, allow_none=False)
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError as error:
        current = tf.config.list_logical_devices("CPU")
        if len(current) == n:
            return [d.name for d in current]
        raise ArgumentError(
            f"config_logical_cpus({n}): TensorFlow has already started with {len(current)} "
            f"CPU device(s) and cannot change them now. Call config_logical_cpus() first "
            f"in the script, before building any model or strategy."
        ) from error
    return [d.name for d in tf.config.list_logical_devices("CPU")]


@verb_kind("object")
def tf_config(workers, task_index=0, task_type="worker", set_env=True):
    """Describe the cluster for `strategy_multi_worker_mirrored()`: the `TF_CONFIG` JSON.

    Every worker gets the same `workers` list and its own `task_index`.

    Args:
        workers: the workers' `"host:port"` addresses, in the same order on
            every worker, e.g. `c("node1:12345", "node2:12345")`.
        task_index: this worker's position in `workers`, **0-based** as in
            TensorFlow, Slurm's `SLURM_PROCID` and Kubernetes'
            `JOB_COMPLETION_INDEX`, so a scheduler's index can be passed
            unchanged. Worker 0 is the chief (it should write the checkpoints
            and logs that are kept).
        task_type: `"worker"` (or `"chief"`/`"evaluator"` for other layouts).
        set_env: also set the `TF_CONFIG` environment variable of this process
            (R: `Sys.setenv(TF_CONFIG = ...)` does the same).

    Returns:
        The JSON string.

    Example:
        >>> text = tf_config(["127.0.0.1:20001", "127.0.0.1:20002"], task_index=1, set_env=False)
        >>> json.loads(text)["cluster"], json.loads(text)["task"]
        ({'worker': ['127.0.0.1:20001', '127.0.0.1:20002']}, {'type': 'worker', 'index': 1})
    """
    workers = as_strings(workers, "workers")
    if not workers:
        raise ArgumentError("`workers` must list at least one \"host:port\".")
    for address in workers:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ArgumentError(f"`workers`: {address!r} is not \"host:port\".")
    if len(set(workers)) != len(workers):
        raise ArgumentError(f"`workers` lists an address twice: {workers}.")
    task_index = as_integer(task_index, "task_index", strict=True, allow_none=False)
    if task_type == "worker" and not 0 <= task_index < len(workers):
        raise ArgumentError(
            f"`task_index` is 0-based (as in TF_CONFIG and SLURM_PROCID): it must be in "
            f"0..{len(workers) - 1} for {len(workers)} workers; got {task_index}.")
    text = json.dumps({"cluster": {"worker": workers},
                       "task": {"type": str(task_type), "index": task_index}})
    if set_env:
        os.environ["TF_CONFIG"] = text
    return text


@verb_kind("object")
def is_chief_worker(strategy=None):
    """Is this process the chief (worker 0, or the "chief" task) of its cluster?

    Use it to keep one copy of what every worker writes (the saved model, logs).
    Without a multi-worker strategy, the one process is the chief.

    Args:
        strategy: a strategy; by default the one in effect.
    """
    import tensorflow as tf

    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    spec = resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and "chief" not in spec


# --- input pipelines ------------------------------------------------------------------------

@verb_kind("function")
def dataset_auto_shard(dataset, policy="data"):
    """Set how a `tf.data.Dataset` is split between workers; returns the dataset.

    Only matters with `strategy_multi_worker_mirrored()`. Numpy, pandas and R
    data need nothing: Keras 3 already uses "data" for them.

    Args:
        dataset: a `tf.data.Dataset`, batched with the global batch size.
        policy: `"data"`: every worker reads everything and keeps its share of
            each batch (works for any dataset; each worker reads all input);
            `"file"`: each worker reads its own input files (datasets made
            from many files, e.g. TFRecords; needs at least one file per
            worker); `"auto"`: TensorFlow's default (file if possible, else
            data, with a warning); `"off"`: no sharding (you have sharded the
            dataset per worker yourself); `"hint"`: sharding placeholders.

    Example:
        ```python
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
        ds = ds >> dataset_auto_shard(policy="data")
        ```
    """
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        raise ArgumentError(f"`dataset` must be a tf.data.Dataset; got {type(dataset).__name__}. "
                            f"Numpy, pandas and R data go to fit() as they are.")
    name = as_choice(policy, "policy", _SHARD_POLICIES)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = getattr(
        tf.data.experimental.AutoShardPolicy, name.upper())
    return dataset.with_options(options)
