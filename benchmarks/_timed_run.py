"""Run the MNIST lab (R script through the bridge, or its Python twin) with timers inside.

    python benchmarks/_timed_run.py OUT.json r  r_scripts/mnist_dense.R [ARGS...]
    python benchmarks/_timed_run.py OUT.json py benchmarks/lab_mnist_dense.py [ARGS...]

Nothing in rkeras is changed: a few functions are wrapped with timers at run
time (module attributes, looked up by rkeras at call time):

* `rkeras.verbs.call_verb` — every verb call, R front end and Python alike
  (inclusive time per verb name);
* `rkeras.r.convert.to_python` / `to_r` — R <-> Python conversions (outermost
  calls only, so nested conversions are not counted twice); their time is
  also counted in the verb that made them when a verb made them;
* `keras.Model.fit` / `evaluate` / `predict` — Keras's own work.

It also samples the resident memory (RSS) after each verb. Results go to OUT.json.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import collections  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402

import psutil  # noqa: E402

_PROC = psutil.Process()
timings = collections.defaultdict(float)
counts = collections.Counter()
rss_trace: list[tuple[str, float, float]] = []
_depth = {"convert": 0}


def _rss_mb() -> float:
    return _PROC.memory_info().rss / 2**20


def wrap_timer(owner, attr: str, key: str, outermost: str | None = None, trace: bool = False):
    original = getattr(owner, attr)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if outermost is not None:
            _depth[outermost] = _depth.get(outermost, 0) + 1
            if _depth[outermost] > 1:
                try:
                    return original(*args, **kwargs)
                finally:
                    _depth[outermost] -= 1
        name = key(args) if callable(key) else key
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            dt = time.perf_counter() - t0
            timings[name] += dt
            counts[name] += 1
            if outermost is not None:
                _depth[outermost] -= 1
            if trace:
                rss_trace.append((name, time.perf_counter() - T_START, _rss_mb()))

    setattr(owner, attr, wrapper)
    return original


def main() -> int:
    out, mode, script, *script_args = sys.argv[1:]
    t0 = time.perf_counter()
    import rkeras  # noqa: F401
    import rkeras.verbs
    timings["import rkeras"] = time.perf_counter() - t0
    import keras

    pipe = sys.modules["rkeras.pipe"]
    # A verb runs in call_verb, or (Python pipes: `model >> fit(...)`) later in Deferred/PendingLayer.apply.
    wrap_timer(rkeras.verbs, "call_verb", lambda a: "verb " + a[0].name, outermost="verb", trace=True)
    wrap_timer(pipe.Deferred, "apply", lambda a: "verb " + a[0].name, outermost="verb", trace=True)
    wrap_timer(pipe.Deferred, "__call__", lambda a: "verb " + a[0].name, outermost="verb", trace=True)
    wrap_timer(pipe.PendingLayer, "apply", lambda a: "verb " + a[0].name_of_verb, outermost="verb", trace=True)
    for method in ("fit", "evaluate", "predict"):
        wrap_timer(keras.Model, method, f"keras {method}")

    if mode == "r":
        t0 = time.perf_counter()
        import rkeras.r.convert as convert
        from rkeras.r import frontend
        frontend.install()  # starts R and installs the verbs (run_script's own call is then a no-op)
        timings["R start + front end install"] = time.perf_counter() - t0
        where = lambda: " (inside verbs)" if _depth.get("verb", 0) else " (outside verbs)"  # noqa: E731
        wrap_timer(convert, "to_python", lambda a: "convert R -> Python" + where(), outermost="convert")
        wrap_timer(convert, "to_r", lambda a: "convert Python -> R" + where(), outermost="convert")
        import rkeras.r as rpkg
        for name in ("to_python", "to_r"):
            rpkg.__dict__.pop(name, None)  # re-resolve lazily to the wrapped function
        rss_trace.append(("R ready", time.perf_counter() - T_START, _rss_mb()))
        t0 = time.perf_counter()
        status = frontend.run_script(script, script_args)
        timings["script"] = time.perf_counter() - t0
    else:
        rss_trace.append(("ready", time.perf_counter() - T_START, _rss_mb()))
        t0 = time.perf_counter()
        sys.argv = [script, *script_args]
        try:
            runpy.run_path(script, run_name="__main__")
            status = 0
        except SystemExit as e:
            status = int(e.code or 0)
        timings["script"] = time.perf_counter() - t0
    timings["total in process"] = time.perf_counter() - T_START
    with open(out, "w") as f:
        json.dump({"status": status, "timings": dict(timings), "counts": dict(counts),
                   "rss_trace": rss_trace, "peak_rss_mb_psutil": _rss_mb(),
                   "ru_maxrss_mb": __import__("resource").getrusage(
                       __import__("resource").RUSAGE_SELF).ru_maxrss / 1024}, f, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
