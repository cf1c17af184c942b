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
import runpy  # noqa: E402
import sys  # noqa: E402

import psutil  # noqa: E402

_PROC = psutil.Process()
timings = collections.defaultdict(float)
counts = collections.Counter()
rss_trace: list[tuple[str, float, float]] = []
_depth = {"convert": 0}
big_conversions: list[tuple[str, str, float]] = []


def _describe(obj) -> str:
    """Short description of a converted object: numpy dtype/shape/order, or R type and dim."""
    import numpy as np
    if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[1], bool):
        obj = obj[0]  # the front end returns (value, visible)
    if not isinstance(obj, np.ndarray) and hasattr(obj, "__iter__") and not isinstance(obj, (str, bytes)):
        try:  # a (nested) list/RList: describe its biggest array
            stack, arrays = [obj], []
            while stack and len(arrays) < 100:
                o = stack.pop()
                if isinstance(o, np.ndarray):
                    arrays.append(o)
                elif isinstance(o, dict):
                    stack.extend(o.values())
                elif isinstance(o, (list, tuple)) or type(o).__name__ == "RList":
                    stack.extend(list(o.values()) if hasattr(o, "values") else list(o))
            if arrays:
                big = max(arrays, key=lambda a: a.nbytes)
                return f"{type(obj).__name__} of {len(arrays)} arrays, largest " + _describe(big)
        except Exception:  # noqa: BLE001
            pass
    if isinstance(obj, np.ndarray):
        order = "C" if obj.flags.c_contiguous else ("F" if obj.flags.f_contiguous else "strided")
        return f"numpy {obj.dtype} {tuple(obj.shape)} {order}-order"
    try:
        import rpy2.rinterface as ri

        from rkeras.r.convert import to_python  # noqa: F401
        if isinstance(obj, ri.Sexp):
            dim = obj.do_slot("dim") if "dim" in list(obj.list_attrs()) else None
            return f"R {obj.typeof.name} length {len(obj)}" + (f" dim {tuple(dim)}" if dim is not None else "")
    except Exception:  # noqa: BLE001
        pass
    return type(obj).__name__


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
            if name.startswith("convert") and dt > 0.005:
                big_conversions.append((name, _describe(args[0] if args else None), dt))

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
        from rkeras.r.script import run_script
        status = run_script(script, script_args)
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
                   "rss_trace": rss_trace, "big_conversions": big_conversions, "peak_rss_mb_psutil": _rss_mb(),
                   "ru_maxrss_mb": __import__("resource").getrusage(
                       __import__("resource").RUSAGE_SELF).ru_maxrss / 1024}, f, indent=1)
    if mode == "r":
        from rkeras.cli import exit_after_script

        exit_after_script(status)   # end as `rkeras run` does
    return status


if __name__ == "__main__":
    sys.exit(main())
