"""One training process for tests/test_distribute.py (always run in a subprocess).

Modes (the first argument):

* ``mirrored OUT``: in one process with 2 logical CPUs, trains the same model on
  the same data four times: on one device without a strategy (the reference),
  and with `strategy_mirrored()` (2 replicas) from numpy, from a pandas data
  frame and from a `tf.data.Dataset`. Writes OUT (JSON: losses, steps per epoch,
  per-replica batch sizes) and OUT.<run>.npz (final weights).
* ``multi OUT``: one worker of a `strategy_multi_worker_mirrored()` cluster
  (`TF_CONFIG` set by the caller). Trains from numpy, then a second model from a
  `tf.data.Dataset`; writes OUT (JSON) and OUT.<run>.npz.
* ``backup OUT BACKUP_DIR``: trains under `strategy_mirrored()` with
  `callback_backup_and_restore(BACKUP_DIR)`; with `--die-after-epoch K` the
  process kills itself (SIGKILL, no clean-up) at the end of epoch K (1-based).

Every run uses the same data, model, initial weights, global batch size and seed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

import numpy as np

N_SAMPLES, N_FEATURES, N_CLASSES = 512, 20, 3
GLOBAL_BATCH = 64
EPOCHS = 5
SEED = 42


def make_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N_SAMPLES, N_FEATURES)).astype("float32")
    w = rng.normal(size=(N_FEATURES, N_CLASSES))
    y = np.argmax(x @ w + 0.5 * rng.normal(size=(N_SAMPLES, N_CLASSES)), axis=1).astype("int32")
    return x, y


def initial_weights():
    rng = np.random.default_rng(1)
    return [rng.normal(scale=0.2, size=(N_FEATURES, 32)).astype("float32"),
            np.zeros(32, "float32"),
            rng.normal(scale=0.2, size=(32, N_CLASSES)).astype("float32"),
            np.zeros(N_CLASSES, "float32")]


def build_model():
    from rkeras import compile, keras_model_sequential, layer_dense, set_weights

    model = (keras_model_sequential(input_shape=N_FEATURES)
             >> layer_dense(units=32, activation="relu")
             >> layer_dense(units=N_CLASSES, activation="softmax"))
    model >> set_weights(initial_weights())
    model >> compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                     metrics="accuracy")
    return model


def train(model, x, y=None, **kwargs):
    """fit() with rkeras's verbs; returns (epoch losses, batch losses, steps per epoch)."""
    from rkeras import callback_lambda, fit

    batch_losses, steps = [], {}

    def on_batch_end(batch, logs):
        batch_losses.append(float(logs["loss"]))

    def on_epoch_end(epoch, logs):
        steps[epoch] = len(batch_losses)

    callbacks = [callback_lambda(on_train_batch_end=on_batch_end, on_epoch_end=on_epoch_end)]
    callbacks += kwargs.pop("callbacks", [])
    history = model >> fit(x, y, epochs=EPOCHS, verbose=0, callbacks=callbacks, **kwargs)
    losses = [float(v) for v in history.metrics["loss"]]
    per_epoch = [steps[e] - steps.get(e - 1, 0) for e in sorted(steps)]
    return losses, batch_losses, per_epoch


def per_replica_batch(strategy, dataset_or_arrays):
    """The batch size each replica receives from one global batch (via Keras's own pipeline)."""
    import tensorflow as tf
    from keras.src.trainers.data_adapters import get_data_adapter

    if isinstance(dataset_or_arrays, tf.data.Dataset):
        dataset = dataset_or_arrays
    else:
        x, y = dataset_or_arrays
        dataset = get_data_adapter(x, y, batch_size=GLOBAL_BATCH).get_tf_dataset()
    batch = next(iter(strategy.experimental_distribute_dataset(dataset)))
    local = strategy.experimental_local_results(batch[0])
    return [int(t.shape[0]) for t in local]


def save(out, name, model, record, result):
    np.savez(f"{out}.{name}.npz", *[np.asarray(w) for w in model.get_weights()])
    result[name] = record


def mode_mirrored(args):
    from rkeras import config_logical_cpus, set_random_seed, strategy_mirrored

    devices = config_logical_cpus(2)
    import pandas as pd
    import tensorflow as tf

    x, y = make_data()
    result = {"devices": devices}

    set_random_seed(SEED)
    model = build_model()
    losses, batch_losses, steps = train(model, x, y, batch_size=GLOBAL_BATCH)
    save(args.out, "one_device", model, {"loss": losses, "batch_loss": batch_losses,
                                         "steps": steps, "replicas": 1}, result)

    strategy = strategy_mirrored()
    inputs = {
        "mirrored_numpy": (x, y),
        "mirrored_pandas": (pd.DataFrame(x, columns=[f"v{i}" for i in range(N_FEATURES)]),
                            pd.Series(y)),
        "mirrored_dataset": (tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH),
                             None),
    }
    for name, (features, labels) in inputs.items():
        set_random_seed(SEED)
        with strategy.scope():
            model = build_model()
        kwargs = {} if labels is None else {"batch_size": GLOBAL_BATCH}
        if labels is None:
            kwargs["shuffle"] = False
        losses, batch_losses, steps = train(model, features, labels, **kwargs)
        record = {"loss": losses, "batch_loss": batch_losses, "steps": steps,
                  "replicas": strategy.num_replicas_in_sync}
        save(args.out, name, model, record, result)
    result["per_replica_batch"] = per_replica_batch(strategy, (x, y))
    # The unshuffled reference for the tf.data run (a dataset is not reshuffled by fit).
    set_random_seed(SEED)
    model = build_model()
    losses, batch_losses, steps = train(model, x, y, batch_size=GLOBAL_BATCH, shuffle=False)
    save(args.out, "one_device_unshuffled", model, {"loss": losses, "batch_loss": batch_losses,
                                                    "steps": steps, "replicas": 1}, result)
    with open(args.out, "w") as handle:
        json.dump(result, handle)


def mode_multi(args):
    from rkeras import dataset_auto_shard, is_chief_worker, set_random_seed, strategy_multi_worker_mirrored

    # The strategy first: it starts this worker's server and waits for the others.
    strategy = strategy_multi_worker_mirrored(timeout_seconds=args.timeout)
    import tensorflow as tf

    x, y = make_data()
    config = json.loads(os.environ["TF_CONFIG"])
    result = {"task": config["task"], "replicas": strategy.num_replicas_in_sync,
              "chief": is_chief_worker(strategy)}

    set_random_seed(SEED)
    with strategy.scope():
        model = build_model()
    # uint8 labels, as dataset_mnist() gives: collectives cannot reduce uint8.
    losses, batch_losses, steps = train(model, x, y.astype("uint8"), batch_size=GLOBAL_BATCH)
    save(args.out, "numpy", model, {"loss": losses, "batch_loss": batch_losses,
                                    "steps": steps}, result)
    from rkeras import evaluate, predict
    scores = evaluate(model, x, y, batch_size=GLOBAL_BATCH, verbose=0)
    result["evaluate"] = {name: float(scores[name]) for name in ("loss", "accuracy")}
    result["predict_shape"] = list(predict(model, x[:100], batch_size=GLOBAL_BATCH,
                                           verbose=0).shape)

    set_random_seed(SEED)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH)
    dataset = dataset >> dataset_auto_shard(policy="data")
    with strategy.scope():
        model = build_model()
    losses, batch_losses, steps = train(model, dataset, shuffle=False)
    save(args.out, "dataset", model, {"loss": losses, "batch_loss": batch_losses,
                                      "steps": steps}, result)
    result["per_replica_batch"] = per_replica_batch(strategy, dataset)
    with open(args.out, "w") as handle:
        json.dump(result, handle)


def mode_backup(args):
    from rkeras import (
        callback_backup_and_restore,
        callback_lambda,
        config_logical_cpus,
        set_random_seed,
        strategy_mirrored,
    )

    config_logical_cpus(2)
    x, y = make_data()
    set_random_seed(SEED)
    strategy = strategy_mirrored()
    with strategy.scope():
        model = build_model()
    epochs_run = []
    callbacks = [callback_backup_and_restore(backup_dir=args.backup_dir),
                 callback_lambda(on_epoch_begin=lambda epoch, logs: epochs_run.append(epoch))]
    if args.die_after_epoch:
        def die(epoch, logs):
            if epoch == args.die_after_epoch:
                os.kill(os.getpid(), signal.SIGKILL)
        callbacks.append(callback_lambda(on_epoch_end=die))
    losses, _, _ = train(model, x, y, batch_size=GLOBAL_BATCH, shuffle=False,
                         callbacks=callbacks)
    result = {"epochs_run": epochs_run, "loss": losses}
    save(args.out, "final", model, {"loss": losses}, result)
    with open(args.out, "w") as handle:
        json.dump(result, handle)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["mirrored", "multi", "backup"])
    parser.add_argument("out")
    parser.add_argument("backup_dir", nargs="?")
    parser.add_argument("--die-after-epoch", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    {"mirrored": mode_mirrored, "multi": mode_multi, "backup": mode_backup}[args.mode](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
