"""Profiles behind the goals that are tight or missed: where rkeras's own time goes.

1. py-spy (sampling, 100 Hz, whole process, subprocesses) of the R script
   `rkeras run r_scripts/mnist_dense.R --epochs 1` and of its Python twin
   `benchmarks/lab_mnist_dense.py --epochs 1`: samples per phase (each stack
   is given to the first phase whose frame it contains) and the top frames by
   own (leaf) time.
2. cProfile of rkeras's `fit` and `predict` on the lab's data: what rkeras
   runs around Keras's own `fit`/`predict` (the callees of rkeras's verb).
3. cProfile of `import rkeras` in a fresh process where keras is already
   imported: what rkeras's own import costs, by function.

    python benchmarks/bench_profile.py
"""

from __future__ import annotations

import collections
import cProfile
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

PYSPY = shutil.which("py-spy") or os.path.join(os.path.dirname(C.PYTHON), "py-spy")
RATE = 100

# (phase, frame substring) — first match wins, in this order.
PHASES = [
    ("exit: rkeras atexit gc.collect (handles._at_exit)", "_at_exit (rkeras/r/handles.py"),
    ("exit: rpy2 ends R (embedded.endr)", "endr (rinterface_lib/embedded.py"),
    ("import rkeras (keras, TF, verb registry)", "<module> (rkeras/__init__.py"),
    ("  (import of rkeras.* inside the script)", "_find_and_load"),
    ("R start + front end install", "install (rkeras/r/frontend.py"),
    ("Keras fit", "TensorFlowTrainer.fit"),
    ("Keras evaluate", "TensorFlowTrainer.evaluate"),
    ("Keras predict", "TensorFlowTrainer.predict"),
    ("convert Python → R (to_r)", "to_r (rkeras/r/convert.py"),
    ("convert R → Python (to_python)", "to_python (rkeras/r/convert.py"),
    ("data loading (dataset_mnist)", "dataset_mnist (rkeras/datasets.py"),
    ("rkeras verbs, other (call_verb)", "call_verb (rkeras/verbs.py"),
    ("Python's plot (matplotlib)", "plot_history (rkeras/history.py"),
    ("R code (R evaluating; Python waiting in rpy2)", "SexpClosure.__call__"),
]


def pyspy(cmd: list[str], cwd: str, out: str) -> dict:
    proc = subprocess.run([PYSPY, "record", "-r", str(RATE), "--format", "raw", "-o", out, "--", *cmd],
                          cwd=cwd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"py-spy failed ({proc.returncode}): {proc.stderr[-2000:]}")
    phase = collections.Counter()
    leaf = collections.Counter()
    rk_incl = collections.Counter()
    total = 0
    for line in open(out):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        n = int(n)
        total += n
        frames = stack.split(";")
        leaf[frames[-1] or "(native code, no Python frame)"] += n
        for f in set(frames):
            if "rkeras/" in f:
                rk_incl[f] += n
        for name, sub in PHASES:
            if any(sub in f for f in frames):
                phase[name] += n
                break
        else:
            phase["other"] += n
    return {"total": total, "phase": dict(phase), "leaf": leaf.most_common(15),
            "rkeras_inclusive": rk_incl.most_common(15)}


def callees_of(stats: pstats.Stats, file_part: str, func: str) -> list[tuple[str, float, int]]:
    """(callee, cumulative seconds, calls) of every function called directly by file_part:func."""
    out = []
    target = None
    for key in stats.stats:
        if file_part in key[0] and key[2] == func:
            target = key
            break
    if target is None:
        return out
    for key, (cc, nc, tt, ct, callers) in stats.stats.items():
        if target in callers:
            c = callers[target]
            out.append((f"{os.path.relpath(key[0], C.ROOT) if key[0].startswith(str(C.ROOT)) else os.path.basename(key[0])}"
                        f":{key[1]}({key[2]})", c[3], c[1]))
    return sorted(out, key=lambda x: -x[1])


def top_cumulative(stats: pstats.Stats, contains: str, n: int = 12) -> list[tuple[str, float, float]]:
    rows = []
    for key, (cc, nc, tt, ct, callers) in stats.stats.items():
        if contains in key[0]:
            rows.append((f"{os.path.relpath(key[0], C.ROOT)}:{key[1]}({key[2]})", ct, tt))
    return sorted(rows, key=lambda x: -x[1])[:n]


def profile_fit_predict() -> dict:
    import bench_training as T
    import keras
    import numpy as np  # noqa: F401

    x, y, xt = T.load_rkeras()
    m = T.build_rkeras()
    T.fit_rkeras(m, x, y)  # warm-up
    keras.backend.clear_session()
    m = T.build_rkeras()
    pr = cProfile.Profile()
    pr.enable()
    T.fit_rkeras(m, x, y)
    T.predict_rkeras(m, xt)
    pr.disable()
    st = pstats.Stats(pr)
    return {"fit": callees_of(st, "rkeras/models.py", "fit"),
            "predict": callees_of(st, "rkeras/models.py", "predict")}


IMPORT_CODE = """
import cProfile, pstats, io, time, keras
pr = cProfile.Profile(); t0 = time.perf_counter(); pr.enable()
import rkeras
pr.disable(); dt = time.perf_counter() - t0
pr.dump_stats({out!r}); print('@@', dt)
"""


def profile_import(work: str) -> dict:
    out = os.path.join(work, "import.prof")
    proc = C.run_python(IMPORT_CODE.format(out=out))
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    dt = float(re.search(r"@@ ([0-9.]+)", proc.stdout).group(1))
    st = pstats.Stats(out)
    return {"seconds_after_keras": dt, "top": top_cumulative(st, "/rkeras/", 12),
            "all_top": [(f"{os.path.basename(k[0])}:{k[1]}({k[2]})", v[3], v[2])
                        for k, v in sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:10]]}


def reshape_keep_f(x, dim):
    """Proposed: C-order reshape (n, d1, d2, ...) -> (n, d1*d2*...) of an F-ordered array, into an F-ordered result.

    Column c = flat(j, k, ...) of the result is x[:, j, k, ...], contiguous on both sides in F order,
    so this is a copy of contiguous columns (no transposition), and to_r of the result is a plain copy.
    """
    import numpy as np

    if not (x.flags.f_contiguous and not x.flags.c_contiguous and len(dim) == 2 and dim[0] == x.shape[0]):
        return np.reshape(x, dim)
    out = np.empty(dim, dtype=x.dtype, order="F")
    view = out.T.reshape(*x.shape[1:], x.shape[0]).transpose(x.ndim - 1, *range(x.ndim - 1))
    np.copyto(view, x)
    return out


def reshape_from_r(repeats: int) -> dict:
    """`array_reshape(images, c(60000, 784))` from R: what the bridge does now vs the proposal."""
    import numpy as np

    from rkeras import array_reshape
    from rkeras.r import to_python, to_r

    with np.load(os.path.join(os.environ["RKERAS_DATASETS"], "mnist.npz")) as f:
        images = f["x_train"].astype(np.int32)
    r_img = to_r(images)
    ref = images.reshape(60000, 784)
    assert np.array_equal(array_reshape(to_python(r_img), (60000, 784)), ref)
    assert np.array_equal(reshape_keep_f(to_python(r_img), (60000, 784)), ref)
    out = C.alternate({
        "now: to_python → array_reshape (C copy) → to_r (transposing copy)":
            lambda: to_r(array_reshape(to_python(r_img), (60000, 784))),
        "  of which array_reshape": lambda: array_reshape(to_python(r_img), (60000, 784)),
        "proposed: to_python → column copy into F order → to_r (plain copy)":
            lambda: to_r(reshape_keep_f(to_python(r_img), (60000, 784))),
        "  of which the column copy": lambda: reshape_keep_f(to_python(r_img), (60000, 784)),
    }, repeats=repeats)
    return out


def uint8_to_r(repeats: int) -> dict:
    """dataset_mnist() from R: the uint8 images become an R integer array (cast + transposition)."""
    import numpy as np

    from rkeras.r import to_r

    with np.load(os.path.join(os.environ["RKERAS_DATASETS"], "mnist.npz")) as f:
        u8 = f["x_train"]
    same = __import__("rkeras.r", fromlist=["r_eval"]).r_eval("function(a, b) identical(a, b)")
    assert same(to_r(u8), to_r(np.asfortranarray(u8)))[0]
    return C.alternate({
        "now: to_r(uint8 C-ordered) — cast to int32 and transpose in one blocked pass": lambda: to_r(u8),
        "proposed: transpose at uint8 width first (np.asfortranarray), then to_r (cast, no transposition)":
            lambda: to_r(np.asfortranarray(u8)),
        "  of which np.asfortranarray(uint8)": lambda: np.asfortranarray(u8),
    }, repeats=repeats, before=C.r_gc)


R_STEPS_CODE = """
  x <- array(sample(0:255, 60000 * 784, TRUE), dim = c(60000L, 784L))
  el <- function(e) unname(system.time(e)[["elapsed"]])
  c(div255 = el(y <- x / 255),
    str = el(capture.output(str(x))),
    ggplot2_load = el(loadNamespace("ggplot2")),
    plot = el({ grDevices::pdf(tempfile(fileext = ".pdf"))
                d <- data.frame(epoch = 1, value = c(0.9, 0.3), metric = c("accuracy", "loss"))
                p <- ggplot2::ggplot(d, ggplot2::aes(epoch, value)) + ggplot2::geom_point() +
                     ggplot2::facet_grid(metric ~ ., scales = "free_y")
                print(p); grDevices::dev.off() }))
"""

R_STEPS = (
    "import json, rkeras\n"
    "from rkeras.r import r_eval\n"
    f"v = r_eval({R_STEPS_CODE!r}, convert=True)\n"
    "keys = ['div255', 'str', 'ggplot2_load', 'plot']\n"
    "print('@@' + json.dumps({k: float(x) for k, x in zip(keys, list(v))}))\n"
)


def r_steps(repeats: int) -> dict:
    """R's own steps of the lab script (fresh process each: loading ggplot2 is once per process)."""
    import json
    runs = []
    for _ in range(repeats):
        proc = C.run_python(R_STEPS)
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")]
        if proc.returncode != 0 or not line:
            raise RuntimeError(proc.stderr[-1500:])
        runs.append(json.loads(line[-1][2:]))
    return {k: C.summary([r[k] for r in runs]) for k in runs[0]}


FIRST_TOUCH = """
import json, time, gc
import numpy as np
n = 188 * 2**20 // 8
fresh, reused, kept = [], [], []
for i in range(5):                      # new memory every time (kept alive)
    t = time.perf_counter(); kept.append(np.ones(n)); fresh.append(time.perf_counter() - t)
del kept; gc.collect()
for i in range(6):                      # allocate, free, allocate again: the freed pages come back
    t = time.perf_counter(); a = np.ones(n); dt = time.perf_counter() - t
    del a
    if i: reused.append(dt)
print('@@' + json.dumps({'fresh': fresh, 'reused': reused}))
"""


def first_touch() -> dict:
    """The machine: writing 188 MB of memory the process never used vs memory it just freed."""
    import json
    proc = C.run_python(FIRST_TOUCH)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")]
    if proc.returncode != 0 or not line:
        raise RuntimeError(proc.stderr[-1500:])
    d = json.loads(line[-1][2:])
    return {k: C.summary(v) for k, v in d.items()}


def nan_checks(repeats: int) -> dict:
    import bench_training as T
    import numpy as np

    from rkeras.model_data import as_model_data

    x, y, _ = T.load_rkeras()
    x_f = np.asfortranarray(x)
    return C.alternate({
        "rkeras as_model_data(x) (this code)": lambda: as_model_data(x, "x"),
        "summing pass: np.isfinite(np.add.reduce(x, axis=None))": lambda: T.fast_finite(x),
        "rkeras as_model_data(x F-ordered)": lambda: as_model_data(x_f, "x"),
        "summing pass, x F-ordered": lambda: T.fast_finite(x_f),
        "elementwise: np.isfinite(x).all()": lambda: np.isfinite(x).all(),
        "reference: one read of x (x.max())": lambda: x.max(),
    }, repeats=repeats)


def profile_to_r() -> dict:
    """cProfile of to_r on the two MNIST arrays (C-ordered numpy, as numpy code has them): own time by function."""
    import numpy as np

    from rkeras.r import to_r

    with np.load(os.path.join(os.environ["RKERAS_DATASETS"], "mnist.npz")) as f:
        images = f["x_train"].astype(np.int32)
    x = images.reshape(60000, 784) / 255
    out = {}
    for name, a in (("int32 (60000,28,28)", images), ("float64 (60000,784)", x)):
        to_r(a)  # warm-up
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(3):
            to_r(a)
        pr.disable()
        st = pstats.Stats(pr)
        total = sum(v[2] for v in st.stats.values())
        rows = sorted(((f"{os.path.basename(k[0])}:{k[1]}({k[2]})" if k[0] != "~" else k[2], v[2] / 3, v[3] / 3)
                       for k, v in st.stats.items()), key=lambda r: -r[1])[:8]
        out[name] = {"per_call": total / 3, "rows": rows}
    return out


def main(argv=None) -> int:
    machine = C.machine()
    res: dict = {"machine": machine}
    work = tempfile.mkdtemp(prefix="rkeras-profile-")
    spy = {}
    with C.section("py-spy: R script and Python script"):
        cmds = {"R script": [C.PYTHON, os.path.join(os.path.dirname(C.PYTHON), "rkeras"), "run",
                             str(C.ROOT / "r_scripts" / "mnist_dense.R"), "--epochs", "1"],
                "Python script": [C.PYTHON, str(C.ROOT / "benchmarks" / "lab_mnist_dense.py"), "--epochs", "1"]}
        for name, cmd in cmds.items():
            try:
                spy[name] = pyspy(cmd, work, os.path.join(work, name.replace(" ", "_") + ".txt"))
                print(f"  {name}: {spy[name]['total']} samples")
            except Exception as error:  # noqa: BLE001
                spy[name] = {"error": repr(error)}
                print(f"  {name}: {error!r}")
    res["pyspy"] = spy
    with C.section("cProfile: rkeras fit and predict"):
        fp = profile_fit_predict()
    res["fit_predict"] = fp
    with C.section("cProfile: import rkeras after keras"):
        try:
            imp = profile_import(work)
        except Exception as error:  # noqa: BLE001
            imp = {"error": repr(error)}
    res["import"] = imp
    with C.section("array_reshape from R: now vs proposed"):
        try:
            rs = reshape_from_r(5)
        except Exception as error:  # noqa: BLE001
            rs = {"error": repr(error)}
    res["reshape"] = rs
    with C.section("cProfile: to_r"):
        try:
            tor = profile_to_r()
        except Exception as error:  # noqa: BLE001
            tor = {"error": repr(error)}
    res["to_r"] = tor
    with C.section("machine: first touch of memory"):
        try:
            ft = first_touch()
        except Exception as error:  # noqa: BLE001
            ft = {"error": repr(error)}
    res["first_touch"] = ft
    with C.section("R's own steps of the lab (fresh processes)"):
        try:
            rst = r_steps(5)
        except Exception as error:  # noqa: BLE001
            rst = {"error": repr(error)}
    res["r_steps"] = rst
    with C.section("uint8 images to R: now vs proposed"):
        try:
            u8 = uint8_to_r(5)
        except Exception as error:  # noqa: BLE001
            u8 = {"error": repr(error)}
    res["uint8_to_r"] = u8
    with C.section("NaN check: now vs proposed"):
        nc = nan_checks(5)
    res["nan_check"] = nc

    # ------------------------------------------------------------------ markdown
    parts = [f"""## Profiles: where rkeras's own time goes

Command: `python benchmarks/bench_profile.py` (py-spy {RATE} Hz on whole processes; cProfile in-process).
Load average at start: {machine['loadavg_at_start']}.
"""]
    if all("error" not in spy.get(n, {"error": 1}) for n in ("R script", "Python script")):
        names = [n for _, n in [(0, p) for p, _ in PHASES]] + ["other"]
        rows = []
        for ph in names:
            a = spy["R script"]["phase"].get(ph, 0) / RATE
            b = spy["Python script"]["phase"].get(ph, 0) / RATE
            if a or b:
                rows.append([ph, f"{a:.2f} s", f"{b:.2f} s", f"{a - b:+.2f} s"])
        rows.append(["**total sampled (on-CPU Python threads)**", f"{spy['R script']['total'] / RATE:.2f} s",
                     f"{spy['Python script']['total'] / RATE:.2f} s",
                     f"{(spy['R script']['total'] - spy['Python script']['total']) / RATE:+.2f} s"])
        parts.append("### py-spy: the R script vs the Python script (`--epochs 1`), seconds of samples per phase\n\n"
                     + C.table(["phase (first matching frame)", "R script", "Python script", "R − Python"], rows))
        for n in ("R script", "Python script"):
            parts.append(f"Top frames by own time, {n}:\n\n" + C.table(
                ["samples", "frame"], [[c, f"`{f[:140]}`"] for f, c in spy[n]["leaf"][:10]]))
        parts.append("rkeras functions by inclusive samples, R script:\n\n" + C.table(
            ["samples", "frame"], [[c, f"`{f[:140]}`"] for f, c in spy["R script"]["rkeras_inclusive"][:12]]))
    else:
        parts.append(f"py-spy failed: {spy}")

    def callee_table(rows):
        return C.table(["callee of rkeras's verb", "cumulative", "calls"],
                       [[f"`{n}`", C.fmt_s(t), c] for n, t, c in rows[:10]])

    parts.append("### cProfile: rkeras's `fit` (60000×784 float64) and `predict` (10000×784)\n\n"
                 "Callees of `rkeras.models.fit`:\n\n" + callee_table(fp["fit"])
                 + "\n\nCallees of `rkeras.models.predict`:\n\n" + callee_table(fp["predict"]))
    if "error" not in imp:
        parts.append(f"### cProfile: `import rkeras` in a process where keras is already imported "
                     f"({C.fmt_s(imp['seconds_after_keras'])} under the profiler)\n\n" + C.table(
                         ["rkeras function", "cumulative", "own"],
                         [[f"`{n}`", C.fmt_s(ct), C.fmt_s(tt)] for n, ct, tt in imp["top"][:10]])
                     + "\n\nAll functions by own time:\n\n" + C.table(
                         ["function", "cumulative", "own"],
                         [[f"`{n}`", C.fmt_s(ct), C.fmt_s(tt)] for n, ct, tt in imp["all_top"][:8]]))
    else:
        parts.append(f"import profile failed: {imp['error']}")
    if "error" not in rs:
        parts.append("### `array_reshape(train_images, c(60000, 784))` from R: two transposing copies today\n\n"
                     "R's integer array reaches Python as an F-ordered view; `array_reshape` (C order, as keras3) makes a "
                     "C-ordered copy, which `to_r` transposes back to R's column order. A C-order reshape that keeps the "
                     "first axis is only a permutation of whole columns in F layout, so both copies can be plain ones "
                     "(`reshape_keep_f` in this file). Alternating, 5 runs:\n\n"
                     + C.table(["path", "time"], [[n, C.cell(v)] for n, v in rs.items()]))
    if "error" not in tor:
        for name, d in tor.items():
            parts.append(f"### cProfile: `to_r` of a C-ordered numpy {name} ({C.fmt_s(d['per_call'])} per call under the "
                         f"profiler, 3 calls), own time per call\n\n" + C.table(
                             ["function", "own", "cumulative"], [[f"`{n}`", C.fmt_s(tt), C.fmt_s(ct)] for n, tt, ct in d["rows"]]))
    if "error" not in ft:
        parts.append("### The machine: writing memory the process has never used (`np.ones`, 188 MB, fresh process)\n\n"
                     "This machine is a Firecracker microVM (kernel `-fc`, KVM) with free-page reporting: memory the "
                     "guest has handed back to the host is faulted in again, slowly, on first touch. Memory a process "
                     "has just freed and allocates again is fast. Every step that allocates hundreds of MB (conversions, "
                     "copies, Keras's cast of x) pays this on its first use of new memory, so single calls vary 2-10x.\n\n"
                     + C.table(["allocation", "time for 188 MB"],
                               [["new memory each time (5 blocks kept alive)", C.cell(ft["fresh"])],
                                ["memory just freed by the same process", C.cell(ft["reused"])]]))
    if "error" not in rst:
        labels = {"div255": "`x / 255` on a 60000×784 integer matrix", "str": "`str(x)`",
                  "ggplot2_load": "`loadNamespace(\"ggplot2\")` (what `plot(history)` does first)",
                  "plot": "drawing a 2-panel ggplot to a PDF"}
        parts.append("### R's own steps in the lab script (each in a fresh process with embedded R, 5 runs)\n\n"
                     + C.table(["R step", "time"], [[labels.get(k, k), C.cell(v)] for k, v in rst.items()]))
    if "error" not in u8:
        parts.append("### `dataset_mnist()` from R: MNIST's uint8 images (60000, 28, 28) to an R integer array\n\n"
                     "Transposing 1-byte elements and then widening in R's order moves a quarter of the bytes through the "
                     "cache-unfriendly transposition. Alternating, 5 runs:\n\n"
                     + C.table(["path", "time"], [[n, C.cell(v)] for n, v in u8.items()]))
    parts.append("### NaN/Inf check before fit: rkeras's vs a summing pass vs elementwise (60000×784 float64)\n\n"
                 + C.table(["check", "time"], [[n, C.cell(v)] for n, v in nc.items()]))
    notes = C.RESULTS / "profile_notes.md.in"
    if notes.exists():
        parts.append(notes.read_text())
    C.write_results("profile", "\n\n".join(parts), res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
