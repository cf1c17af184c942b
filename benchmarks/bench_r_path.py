"""Benchmarks 2 and 4, the R path: the MNIST lab as an R script through the bridge vs in Python.

Contenders (each a fresh process, started from a scratch directory so that
`Rplots.pdf` lands there; alternating; `--repeats` runs each after one
untimed warm-up run of each):

* **R**: `rkeras run r_scripts/mnist_dense.R --epochs 1` — the lab exactly as
  the R course writes it, run unchanged in rkeras's embedded R;
* **Python**: `python benchmarks/lab_mnist_dense.py --epochs 1` — the same
  steps with rkeras's Python verbs;
* the same two under `benchmarks/_timed_run.py`, which wraps rkeras's verb
  call path, its converters and Keras's fit/evaluate/predict with timers, to
  say where the time goes (data loading, conversion, fit ...).

Wall time is measured by the parent; peak resident memory by `/usr/bin/time -v`
("Maximum resident set size") for the plain runs (benchmark 4), and by
sampling RSS after every verb in the timed runs (the memory profile).

    python benchmarks/bench_r_path.py [--repeats N] [--epochs E]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

R_SCRIPT = C.ROOT / "r_scripts" / "mnist_dense.R"
PY_SCRIPT = C.ROOT / "benchmarks" / "lab_mnist_dense.py"
TIMED = C.ROOT / "benchmarks" / "_timed_run.py"
RKERAS_CLI = os.path.join(os.path.dirname(C.PYTHON), "rkeras")


def run(cmd: list[str], cwd: str) -> dict:
    """Run under /usr/bin/time -v; wall time, peak RSS, exit status, the test accuracy printed."""
    full = ["/usr/bin/time", "-v", *cmd]
    with C.LoadMonitor() as m:
        t0 = time.perf_counter()
        proc = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=1200)
        wall = time.perf_counter() - t0
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    acc = re.search(r"test_accuracy: ([0-9.]+)", proc.stdout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n"
                           f"{proc.stderr[-3000:]}")
    return {"wall": wall, "peak_rss_mb": int(rss.group(1)) / 1024 if rss else None,
            "accuracy": float(acc.group(1)) if acc else None, "other_cores": m.other_cores}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    ap.add_argument("--epochs", type=int, default=1)
    args = ap.parse_args(argv)
    machine = C.machine()
    res: dict = {"machine": machine, "repeats": args.repeats, "epochs": args.epochs}
    if not R_SCRIPT.exists() or not os.path.exists(os.path.join(C.ROOT, "rkeras", "r", "frontend.py")):
        md = "## 2. The R path\n\nNot measured: r_scripts/mnist_dense.R or the R front end is missing.\n"
        C.write_results("r_path", md, res)
        return 0

    work = tempfile.mkdtemp(prefix="rkeras-bench-")
    ep = ["--epochs", str(args.epochs)]
    cmds = {
        "R (rkeras run mnist_dense.R)": [RKERAS_CLI, "run", str(R_SCRIPT), *ep],
        "Python (lab_mnist_dense.py)": [C.PYTHON, str(PY_SCRIPT), *ep],
    }
    timed = {
        "R": [C.PYTHON, str(TIMED), None, "r", str(R_SCRIPT), *ep],
        "Python": [C.PYTHON, str(TIMED), None, "py", str(PY_SCRIPT), *ep],
    }
    names = list(cmds)
    runs = {n: [] for n in names}
    truns = {n: [] for n in timed}
    with C.section("R script vs Python script (whole processes)"):
        for n in names:  # warm-up (page cache, .pyc)
            run(cmds[n], work)
        for rep in range(args.repeats):
            for n in (names if rep % 2 == 0 else names[::-1]):
                r = run(cmds[n], work)
                runs[n].append(r)
                print(f"  [{rep + 1}/{args.repeats}] {n:<32} {C.fmt_s(r['wall'])}  peak RSS {r['peak_rss_mb']:.0f} MB"
                      f"  acc {r['accuracy']}  (other load {r['other_cores']:.2f} cores)", flush=True)
            for n in (list(timed) if rep % 2 == 0 else list(timed)[::-1]):
                out = os.path.join(work, f"timed-{n}-{rep}.json")
                cmd = [out if c is None else c for c in timed[n]]
                r = run(cmd, work)
                with open(out) as f:
                    r["inside"] = json.load(f)
                truns[n].append(r)
                print(f"  [{rep + 1}/{args.repeats}] timed {n:<26} {C.fmt_s(r['wall'])}  "
                      f"fit {C.fmt_s(r['inside']['timings'].get('keras fit', 0))}", flush=True)
    res["runs"], res["timed_runs"] = runs, truns

    # ------------------------------------------------------------------ tables
    R, P = names
    wall = {n: C.summary([r["wall"] for r in runs[n]]) for n in names}
    rss = {n: C.summary([r["peak_rss_mb"] for r in runs[n]]) for n in names}
    ratio = C.paired_ratio([r["wall"] for r in runs[R]], [r["wall"] for r in runs[P]])
    mem_ratio = rss[R]["median"] / rss[P]["median"]
    res["wall"], res["rss"], res["ratio"], res["mem_ratio"] = wall, rss, ratio, mem_ratio
    other = [r["other_cores"] for n in names for r in runs[n]]

    def med(n, key):
        vals = [t["inside"]["timings"].get(key, 0.0) for t in truns[n]]
        return statistics.median(vals)

    def med_sum(n, keys):
        vals = [sum(t["inside"]["timings"].get(k, 0.0) for k in keys) for t in truns[n]]
        return statistics.median(vals)

    def keys_like(n, prefix):
        return sorted({k for t in truns[n] for k in t["inside"]["timings"] if k.startswith(prefix)})

    def interp(n):  # interpreter start-up and exit: outside wall minus inside total
        return statistics.median([t["wall"] - t["inside"]["timings"]["total in process"] for t in truns[n]])

    verbs_r, verbs_p = keys_like("R", "verb "), keys_like("Python", "verb ")
    conv_r = keys_like("R", "convert ")
    conv_outside = [k for k in conv_r if "outside" in k]

    def rest(n, verbs, conv):
        vals = []
        for t in truns[n]:
            tm = t["inside"]["timings"]
            vals.append(tm["script"] - sum(tm.get(k, 0.0) for k in verbs) - sum(tm.get(k, 0.0) for k in conv))
        return statistics.median(vals)

    def row(label, r_val, p_val):
        diff = r_val - p_val
        return [label, C.fmt_s(r_val) if r_val else "–", C.fmt_s(p_val) if p_val else "–",
                (f"{diff:+.3f} s")]

    phases = [
        row("interpreter start + exit", interp("R"), interp("Python")),
        row("`import rkeras` (+ keras, TF)", med("R", "import rkeras"), med("Python", "import rkeras")),
        row("R start + front end install (R only)", med("R", "R start + front end install"), 0.0),
        row("data loading: `dataset_mnist()`", med("R", "verb dataset_mnist"), med("Python", "verb dataset_mnist")),
        row("conversion R → Python (all calls)", med_sum("R", [k for k in conv_r if "R -> Python" in k]), 0.0),
        row("conversion Python → R (all calls)", med_sum("R", [k for k in conv_r if "Python -> R" in k]), 0.0),
        row("`array_reshape` + `to_categorical`", med_sum("R", ["verb array_reshape", "verb to_categorical"]),
            med_sum("Python", ["verb array_reshape", "verb to_categorical"])),
        row("model: `keras_model_sequential`, `layer_dense` ×2, `compile`",
            med_sum("R", ["verb keras_model_sequential", "verb layer_dense", "verb compile"]),
            med_sum("Python", ["verb keras_model_sequential", "verb layer_dense", "verb compile"])),
        row(f"**`fit`** ({args.epochs} epoch, 60000 samples) — rkeras verb", med("R", "verb fit"), med("Python", "verb fit")),
        row("  of which Keras's `model.fit`", med("R", "keras fit"), med("Python", "keras fit")),
        row("`evaluate` (10000)", med("R", "verb evaluate"), med("Python", "verb evaluate")),
        row("`predict` (10 images)", med("R", "verb predict"), med("Python", "verb predict")),
        row("rest of the script (R: R code, `/ 255`, printing, plot; Python: the same in numpy/matplotlib)",
            rest("R", verbs_r, conv_outside), rest("Python", verbs_p, [])),
        row("**whole process** (timed runs)", statistics.median(t["wall"] for t in truns["R"]),
            statistics.median(t["wall"] for t in truns["Python"])),
    ]
    res["phases"] = phases

    # memory profile: RSS after each verb (median run by peak), R vs Python
    def trace(n):
        t = sorted(truns[n], key=lambda t: t["inside"]["ru_maxrss_mb"])[len(truns[n]) // 2]
        return t["inside"]["rss_trace"], t["inside"]["ru_maxrss_mb"]

    def trace_rows():
        out = []
        for n in ("R", "Python"):
            tr, peak = trace(n)
            seen = []
            for name, at, mb in tr:
                label = name.replace("verb ", "")
                if seen and seen[-1][0] == label:
                    seen[-1] = (label, at, mb)
                else:
                    seen.append((label, at, mb))
            out.append(f"* {n} (peak {peak:.0f} MB): " + " → ".join(f"{lab} {mb:.0f}" for lab, _, mb in seen))
        return "\n".join(out)

    def conv_rows():
        t = sorted(truns["R"], key=lambda t: t["wall"])[len(truns["R"]) // 2]
        rows = [[d.replace("convert ", "").replace(" (outside verbs)", ""), f"`{what}`", C.fmt_s(sec)]
                for d, what, sec in t["inside"].get("big_conversions", [])]
        return C.table(["direction", "object", "time"], rows) if rows else "(none recorded)"

    acc = {n: sorted({r["accuracy"] for r in runs[n]}) for n in names}
    md = f"""## 2. The R path: the lab as an R script through the bridge vs the same lab in Python

Command: `python benchmarks/bench_r_path.py` — fresh processes, alternating, {args.repeats} runs each after a warm-up run.
R: `rkeras run r_scripts/mnist_dense.R --epochs {args.epochs}` (the course's script, unchanged);
Python: `python benchmarks/lab_mnist_dense.py --epochs {args.epochs}` (the same steps with rkeras's Python verbs).
Both: full MNIST (60000 training images), batch 128, then evaluate on 10000, predict 10, print, plot to `Rplots.pdf`.
Test accuracy printed: R {acc[R]}, Python {acc[P]}. Other processes kept {min(other):.2f}–{max(other):.2f} cores
busy (mean over each run).

{C.table(["whole script", "wall time", "peak RSS"], [[n, C.cell(wall[n]), f"{rss[n]['median']:.0f} MB ({rss[n]['min']:.0f}–{rss[n]['max']:.0f})"] for n in names])}

End to end, R / Python = **{ratio['ratio_of_medians']:.3f}** (paired per round {ratio['paired_min']:.3f}–{ratio['paired_max']:.3f}).
Goal ≤ 1.10: {C.verdict(ratio['ratio_of_medians'], 1.10)}.

Where the time goes (runs under `benchmarks/_timed_run.py`, which wraps rkeras's verb call path, its converters
and Keras's fit/evaluate/predict with timers; medians of {args.repeats} runs each, alternating with the above):

{C.table(["phase", "R script", "Python", "R − Python"], phases)}

(Conversions in the R path happen in the front end around each verb: R arguments to Python before the verb,
results back to R after it; they are not inside the verb times above.) The conversions over 5 ms in the timed R run
with the median wall time:

{conv_rows()}
"""
    md_mem = f"""## 4. Memory: peak resident memory of the R MNIST script vs the Python one

Command: `python benchmarks/bench_r_path.py` (same runs as table 2; `/usr/bin/time -v`, "Maximum resident set size"
of the whole process, {args.repeats} runs each, median (min–max)).

{C.table(["script", "peak RSS"], [[n, f"{rss[n]['median']:.0f} MB ({rss[n]['min']:.0f}–{rss[n]['max']:.0f})"] for n in names])}

R / Python = **{mem_ratio:.3f}**. Goal ≤ 1.3: {C.verdict(mem_ratio, 1.3)}.

Memory profile (RSS in MB after each verb, from the timed runs, the run with the median peak):

{trace_rows()}
"""
    C.write_results("r_path", md, res)
    C.write_results("memory", md_mem, {"machine": machine, "rss": rss, "mem_ratio": mem_ratio,
                                       "traces": {n: trace(n) for n in ("R", "Python")}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
