"""Hostile-value sweep of every verb family (issue 14): one bad value per argument, per verb.

For each verb of the registry (except those that download, read or write files,
or build whole applications), a baseline call with valid values is made; if it
succeeds, each argument in turn gets each hostile value (the Python values R's
bridge sends for `list(1, 2)`, `c(1, 2)`, `numeric(0)`, `NA`, `NaN`, `Inf`,
`"abc"`, `-1`, `1e12`), and the outcome is classified:

* ``accepted``: the call returned (a value Keras may legitimately take, or one
  this sweep cannot judge at construction time);
* ``silent-wrong``: returned, although the value cannot be meant: NaN, or a
  vector/list of length != 1 or a string for an argument that takes one number
  or one TRUE/FALSE (`rkeras.argument_kinds.scalar_kinds`);
* ``clear``: an `RKerasError`, or a Keras error that names the argument and
  has none of Python's internal phrases ("truth value of an array", "not
  supported between instances" ...);
* ``unclear``: any other exception;
* ``crash`` / ``hang``: the child process died, or made no progress for
  `--timeout` seconds (it is killed and the sweep goes on after that case).

Layers are constructed, not built (argument errors Keras raises at build time
are out of reach here). Usage:

    .venv/bin/python tools/hostile/sweep_verbs.py [--families layer,op] [--out FILE]

Results: one JSON line per case in --out (default /tmp/rkeras-hostile-sweep.jsonl)
and a count table on stdout (`--summary FILE` re-reads a results file).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

SKIP_FAMILIES = {"application", "dataset", "distribute"}
# Verbs that read or write files, start servers, change global state or need a trained model.
SKIP_VERBS = re.compile(r"^(save_|load_|image_load|image_array_save|.*_from_directory|"
                        r"config_set_|config_enable|config_disable|set_random_seed|"
                        r"clear_session|tf_config|export_|serialize|deserialize|get_file|"
                        r"register_|set_custom_objects|plot_history|keras_model_from|"
                        r"zip_lists|freeze_weights|unfreeze_weights|fit|evaluate|predict|"
                        r"train_on_batch|test_on_batch|predict_on_batch|adapt|get_vocabulary|"
                        r"set_vocabulary|layer_tfsm|layer_jax|layer_flax|layer_torch)")
MEMORY_LIMIT = 8 << 30
HOSTILE = ["list2", "vec2", "vec0", "NA", "NaN", "Inf", "string", "negative", "huge"]
INTERNAL = re.compile(r"truth value of an array|not supported between instances|object has no "
                      r"attribute|unhashable type|object is not (?:iterable|callable|"
                      r"subscriptable)|cannot be interpreted as an integer|NoneType|has no len\(\)|"
                      r"list indices must|takes \d+ positional|unexpected keyword|"
                      r"object of type|must be real number, not|Attempt to convert a value|"
                      r"can't multiply sequence|unsupported operand|only integer scalar arrays|"
                      r"invalid literal for|could not convert string|Expected (?:int|float)")


def hostile_value(kind: str):
    import numpy as np

    from rkeras.argument_checks import R_NA

    return {"list2": [1.0, 2.0], "vec2": np.array([1.0, 2.0]), "vec0": np.array([], float),
            "NA": R_NA, "NaN": float("nan"), "Inf": float("inf"), "string": "abc",
            "negative": -1.0, "huge": 1e12}[kind]


def _array(*shape):
    import numpy as np

    return np.linspace(0.1, 0.9, int(np.prod(shape)), dtype="float32").reshape(shape)


def required_value(verb_name: str, param: str):
    """A valid value for a required argument (the baseline call), or raise KeyError."""
    import numpy as np

    by_name = {
        "units": 2.0, "filters": 2.0, "kernel_size": 3.0, "rate": 0.5, "pool_size": 2.0,
        "size": 2.0, "output_size": 2.0, "num_heads": 2.0, "key_dim": 2.0, "input_dim": 10.0,
        "output_dim": 2.0, "num_tokens": 4.0, "num_bins": 4.0, "height": 4.0, "width": 4.0,
        "factor": 0.1, "height_factor": 0.1, "width_factor": 0.1, "stddev": 0.1, "scale": 0.5,
        "learning_rate": 0.01, "initial_learning_rate": 0.1, "decay_steps": 10.0,
        "decay_rate": 0.9, "first_decay_steps": 10.0, "boundaries": [10.0], "values": [0.1, 0.01],
        "target_shape": [3.0], "dims": [1.0], "n": 2.0, "l1": 0.01, "l2": 0.01, "value": 0.0,
        "shape": [2.0, 3.0], "num_classes": 3.0, "num_samples": 2.0, "alpha": 1.0,
        "layer": None, "cell": None, "function": None, "equation": "ab,bc->ac",
        "output_shape": [2.0], "filepath": "/tmp/rkeras-sweep.keras", "schedule": None,
        "depth_multiplier": 1.0, "axis": -1.0, "padding": 1.0, "cropping": 1.0,
        "num_query_heads": 2.0, "num_key_value_heads": 1.0, "head_dim": 2.0,
        "max_value": 1.0, "fn": None, "indices": np.array([1.0, 2.0]), "k": 1.0,
        "x": _array(2, 3), "x1": _array(2, 3), "x2": _array(2, 3), "y": _array(2, 3),
        "inputs": _array(2, 3), "a": _array(3, 3), "b": _array(3, 3), "y_true": _array(2, 3),
        "y_pred": _array(2, 3), "logits": _array(2, 3), "images": _array(1, 4, 4, 3),
        "image": _array(4, 4, 3), "mean": 0.0, "variance": 1.0, "repeats": 2.0,
        "sequence_length": 2.0, "data": _array(6, 2), "targets": None,
        "start": 0.0, "target": _array(2, 3), "xs": _array(3), "q": 0.5,
        "segment_ids": np.array([1.0, 1.0]), "kernel": _array(3, 3, 3, 2),
        "sequence_stride": 1.0, "threshold": 0.5, "tensor": _array(2, 3), "axes": 1.0,
        "block_size": 2.0, "N": 3.0, "fill_value": 0.0, "beta": 1.0,
        "start_indices": np.array([1.0, 1.0]), "dim": [3.0, 2.0], "initializer": "zeros",
        "activation": "relu", "recall": 0.5, "precision": 0.5, "specificity": 0.5,
        "sensitivity": 0.5, "indices_or_sections": 3.0, "target_class_ids": [0.0],
        "max_number": 3.0, "name": "sweep", "backup_dir": "/tmp/rkeras-sweep-backup",
        "directory": "/tmp/rkeras-sweep-orbax", "filename": "/tmp/rkeras-sweep.csv",
    }
    if param == "object":
        import rkeras as rk

        return (rk.keras_model_sequential(input_shape=3) >> rk.layer_dense(units=2)
                >> rk.compile(optimizer="sgd", loss="mse"))
    if param in ("layer", "cell", "function", "fn", "schedule", "targets", "cells", "layers"):
        import keras

        return {"layer": keras.layers.Dense(2), "cell": keras.layers.SimpleRNNCell(2),
                "function": lambda t: t, "fn": lambda t: t, "schedule": lambda e, lr: lr,
                "targets": None, "cells": [keras.layers.SimpleRNNCell(2)],
                "layers": [keras.layers.Dense(2)]}[param]
    return by_name[param]


def cases():
    """(verb, argument, hostile kind) for every verb and argument swept."""
    from rkeras.registry import registry

    out = []
    for name, verb in sorted(registry().items()):
        if verb.family in SKIP_FAMILIES or SKIP_VERBS.match(name):
            continue
        for p in verb.parameters:
            if p.name in (verb.subject if verb.kind != "function" else None, "kwargs", "name") \
                    or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name == verb.varargs:
                continue
            for kind in HOSTILE:
                out.append((name, p.name, kind))
    return out


def classify(row: dict) -> str:
    """The outcome of one case (done when summarising, with this checkout's rules, so a
    results file written by an older rkeras is judged the same way)."""
    from rkeras.argument_kinds import scalar_kinds
    from rkeras.registry import registry

    if row["result"] in ("crash", "hang", "no-baseline"):
        return row["result"]
    arg, kind = row["arg"], row["kind"]
    if row["error"] is None:
        verb = registry().get(row["verb"])
        single = scalar_kinds(verb).get(arg) if verb is not None else None
        if kind == "NA":
            return "silent-wrong"                 # R's NA is never a value Keras should get
        if single is not None and single.kind not in ("string", "tensor") and (
                kind in ("list2", "vec2", "vec0", "NaN")
                or (kind == "string" and single.kind != "logical" and not single.strings)):
            return "silent-wrong"
        return "accepted"
    if row.get("rkeras_error"):
        return "clear"
    message = row["error"]
    if f"`{arg}`" in message or re.search(rf"\b{re.escape(arg)}\b", message):
        if not INTERNAL.search(message):
            return "clear"
    return "unclear"


def baseline(verb):
    import inspect

    kwargs = {}
    for p in verb.parameters:
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL,
                                                                   p.VAR_KEYWORD):
            continue
        if verb.kind == "layer" and p.name == verb.subject:
            continue
        kwargs[p.name] = required_value(verb.name, p.name)
    return kwargs


def child(out_path: str, start: int) -> None:
    import resource

    # A huge size must fail as a MemoryError here, not take the shared machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    os.nice(10)
    import warnings

    warnings.filterwarnings("ignore")
    import rkeras as rk
    from rkeras.errors import RKerasError
    from rkeras.registry import registry

    verbs = registry()
    todo = cases()
    bases: dict[str, dict | None] = {}
    with open(out_path, "a") as out:
        for index in range(start, len(todo)):
            name, arg, kind = todo[index]
            verb = verbs[name]
            if name not in bases:
                try:
                    bases[name] = baseline(verb)
                    getattr(rk, name)(**bases[name])
                except BaseException as e:                       # noqa: BLE001
                    bases[name] = None
                    out.write(json.dumps({"i": index, "verb": name, "family": verb.family,
                                          "arg": "*", "kind": "*", "result": "no-baseline",
                                          "error": f"{type(e).__name__}: {e}"[:300]}) + "\n")
                    out.flush()
            if bases[name] is None:
                continue
            print(json.dumps({"start": index}), file=sys.stderr, flush=True)
            kwargs = dict(bases[name])
            kwargs[arg] = hostile_value(kind)
            try:
                getattr(rk, name)(**kwargs)
                error = None
            except BaseException as e:                           # noqa: BLE001
                if isinstance(e, KeyboardInterrupt):
                    raise
                error = e
            out.write(json.dumps({
                "i": index, "verb": name, "family": verb.family, "arg": arg, "kind": kind,
                "result": "returned" if error is None else "raised",
                "rkeras_error": isinstance(error, RKerasError),
                "error": None if error is None else
                f"{type(error).__module__}.{type(error).__name__}: {str(error)[:300]}"}) + "\n")
            out.flush()


def parent(out_path: str, timeout: float) -> None:
    Path(out_path).unlink(missing_ok=True)
    total = len(cases())
    start = 0
    while start < total:
        proc = subprocess.Popen([sys.executable, __file__, "--child", "--start", str(start),
                                 "--out", out_path], stderr=subprocess.PIPE, text=True,
                                stdout=subprocess.DEVNULL,
                                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        current, last, started = start, time.monotonic(), False
        os.set_blocking(proc.stderr.fileno(), False)
        while proc.poll() is None:
            line = proc.stderr.readline()
            if line.startswith('{"start"'):
                current, last, started = json.loads(line)["start"], time.monotonic(), True
            elif not line:
                time.sleep(0.05)
            # Starting a child (TensorFlow's import, the baseline calls) gets more time on a
            # loaded machine; a case gets `timeout`.
            if time.monotonic() - last > (timeout if started else 4 * timeout):
                proc.kill()
                proc.wait()
                _record(out_path, current, "hang", f"no progress for {timeout} s")
                break
        else:
            for line in proc.stderr.read().splitlines():
                if line.startswith('{"start"'):
                    current = json.loads(line)["start"]
            if proc.returncode == 0:
                break
            _record(out_path, current, "crash", f"exit status {proc.returncode}")
        start = current + 1


def _record(out_path: str, index: int, result: str, why: str) -> None:
    name, arg, kind = cases()[index]
    with open(out_path, "a") as out:
        out.write(json.dumps({"i": index, "verb": name, "arg": arg, "kind": kind,
                              "result": result, "error": why}) + "\n")


def summary(out_path: str) -> str:
    rows = [json.loads(line) for line in open(out_path)]
    by_case = {}
    for row in rows:
        by_case[(row["i"], row["verb"], row["arg"], row["kind"])] = row
    rows = list(by_case.values())
    for row in rows:
        row["result"] = classify(row)
    swept = [r for r in rows if r["result"] != "no-baseline"]
    counts = collections.Counter(r["result"] for r in swept)
    families = collections.defaultdict(collections.Counter)
    for r in swept:
        families[r.get("family", r["verb"].split("_")[0])][r["result"]] += 1
    no_base = sorted({r["verb"] for r in rows if r["result"] == "no-baseline"})
    verbs = sorted({r["verb"] for r in swept})
    lines = [f"verbs swept: {len(verbs)}; verbs without a working baseline call: {len(no_base)}",
             f"tried: {len(swept)}  " + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items()))]
    for family, c in sorted(families.items()):
        lines.append(f"  {family:24s} " + "  ".join(f"{k}: {v}" for k, v in sorted(c.items())))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/rkeras-hostile-sweep.jsonl")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--summary", action="store_true", help="only summarise --out")
    args = parser.parse_args()
    if args.child:
        child(args.out, args.start)
    elif args.summary:
        print(summary(args.out))
    else:
        parent(args.out, args.timeout)
        print(summary(args.out))


if __name__ == "__main__":
    main()
