"""The slides' MNIST script: `rkeras run` vs the same lab in plain Python Keras vs R keras3 (issue 15).

Contenders, each a fresh process from a scratch directory, interleaved (the
order rotates every round), `/usr/bin/time -v` for the peak resident memory:

* **rkeras**: `rkeras run slides_mnist.R` (r_scripts/slides_mnist.R unchanged
  but for `epochs = 5` -> `--epochs`);
* **Keras**: `python benchmarks/lab_slides_keras.py` (plain Keras, float32);
* **keras3** (when built at /work/peer/lib, `--keras3`): the same R file under
  `Rscript` with R keras3 1.5.1 and reticulate on the same Python.

    python benchmarks/bench_slides.py [--repeats 5] [--epochs 5] [--keras3] [--before REV]

The slides train for 5 epochs (the default here); a shorter run weighs the
fixed costs (R's start, the conversions) more. The machine is shared: each
run records the 1-minute load average at its end and the cores other
processes kept busy, and the table gives them per contender.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

SLIDES = C.ROOT / "r_scripts" / "slides_mnist.R"
LAB = C.ROOT / "benchmarks" / "lab_slides_keras.py"
PEER = Path("/work/peer")


def run(cmd: list[str], cwd: str, env: dict) -> dict:
    full = ["/usr/bin/time", "-v", *cmd]
    with C.LoadMonitor() as m:
        t0 = time.perf_counter()
        proc = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=1800, env=env)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n"
                           f"{proc.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    acc = re.search(r"test_accuracy: ([0-9.]+)", proc.stdout)
    # CPU time (user + system) of the process: less disturbed than wall time by other
    # processes on a shared machine, though TensorFlow's waiting threads still vary with them.
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([0-9.]+)", proc.stderr).group(1))
              for kind in ("User", "System"))
    return {"wall": wall, "rss": int(rss.group(1)) / 1024, "acc": float(acc.group(1)) if acc else None,
            "cpu": cpu, "other": m.other_cores, "load": os.getloadavg()[0]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    ap.add_argument("--epochs", type=int, default=5, help="the slides' 5 by default")
    ap.add_argument("--keras3", action="store_true", help="also run R keras3 from /work/peer/lib")
    ap.add_argument("--before", default=None, help="also run `rkeras run` from a git archive of this revision")
    args = ap.parse_args(argv)
    machine = C.machine()
    work = tempfile.mkdtemp(prefix="rkeras-slides-")
    script = Path(work) / "slides_mnist.R"
    text = SLIDES.read_text(encoding="utf-8")
    assert "epochs = 5" in text
    script.write_text(text.replace("epochs = 5", f"epochs = {args.epochs}"), encoding="utf-8")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg",
               RKERAS_DATASETS=os.environ.get("RKERAS_DATASETS", "/work/shared/data"))
    from bench_r_start import run_from, snapshot

    # rkeras from the tree this script is in (a snapshot when run_all benchmarks the committed code)
    cmds = {"rkeras run": ([C.PYTHON, "-c", run_from(C.ROOT), str(script)], env),
            "plain Keras": ([C.PYTHON, str(LAB), "--epochs", str(args.epochs)], env)}
    if args.keras3 and (PEER / "lib" / "keras3").is_dir():
        k3env = dict(env, R_LIBS=str(PEER / "lib"), RETICULATE_PYTHON=C.PYTHON,
                     R_PROFILE_USER=str(PEER / "keras3-peer.Rprofile"))
        cmds["keras3 1.5.1"] = (["Rscript", str(script)], k3env)
    if args.before:
        cmds[f"rkeras run ({args.before})"] = ([C.PYTHON, "-c", run_from(snapshot(args.before)), str(script)],
                                              env)
    names = list(cmds)
    # One untimed start of each rkeras tree first: a tree whose generated R verbs do not
    # match its sources writes the per-user cache of them once (README, issue 15 §1).
    (Path(work) / "warm.R").write_text("library(keras)\n", encoding="utf-8")
    for name in names:
        cmd, e = cmds[name]
        if name.startswith("rkeras"):
            subprocess.run([*cmd[:-1], str(Path(work) / "warm.R")], cwd=work, env=e,
                           capture_output=True, timeout=600)
    load_start = C.loadavg()
    runs: dict = {n: [] for n in names}
    for rnd in range(args.repeats):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        for name in order:
            cmd, e = cmds[name]
            r = run(cmd, work, e)
            runs[name].append(r)
            print(f"round {rnd + 1} {name}: {r['wall']:.2f} s (CPU {r['cpu']:.2f} s), {r['rss']:.0f} MB, "
                  f"acc {r['acc']}, "
                  f"other cores {r['other']:.2f}, load {r['load']:.2f}", flush=True)
    load_end = C.loadavg()

    def stat(name, key):
        v = [r[key] for r in runs[name]]
        return statistics.median(v), min(v), max(v)

    base = "plain Keras"
    rows = []
    for name in names:
        w, r, c = stat(name, "wall"), stat(name, "rss"), stat(name, "cpu")
        pw = [a["wall"] / b["wall"] for a, b in zip(runs[name], runs[base])]
        pr = [a["rss"] / b["rss"] for a, b in zip(runs[name], runs[base])]
        pc = [a["cpu"] / b["cpu"] for a, b in zip(runs[name], runs[base])]
        rows.append([name, f"{w[0]:.2f} s ({w[1]:.2f}–{w[2]:.2f})", f"{r[0]:.0f} MB ({r[1]:.0f}–{r[2]:.0f})",
                     f"**{statistics.median(pw):.3f}** ({min(pw):.3f}–{max(pw):.3f})",
                     f"**{statistics.median(pr):.3f}** ({min(pr):.3f}–{max(pr):.3f})",
                     f"{c[0]:.2f} s", f"{statistics.median(pc):.3f} ({min(pc):.3f}–{max(pc):.3f})"])
    other = [r["other"] for n in names for r in runs[n]]
    loads = [r["load"] for n in names for r in runs[n]]
    md = ["## The slides' MNIST script: rkeras vs plain Keras vs keras3 (issue 15)", "",
          f"Command: `python benchmarks/bench_slides.py --repeats {args.repeats} --epochs {args.epochs}"
          f"{' --keras3' if args.keras3 else ''}{' --before ' + args.before if args.before else ''}` — r_scripts/slides_mnist.R with `epochs = {args.epochs}`; "
          f"each run a fresh process, interleaved ({args.repeats} rounds, order rotating); "
          "whole-process wall time and peak RSS (`/usr/bin/time -v`); median (min–max); ratios are "
          "per round against plain Keras in the same round, median (min–max).", "",
          C.table(["contender", "wall time", "peak RSS", "time / plain Keras", "peak RSS / plain Keras",
                   "CPU time", "CPU / plain Keras"], rows),
          "", "Test accuracy: " + "; ".join(f"{n} {[r['acc'] for r in runs[n]]}" for n in names) + ".",
          f"The machine is shared (2 cores) and noisy: load average {load_start} at the start, "
          f"{load_end} at the end, {min(loads):.2f}–{max(loads):.2f} at the end of each run; other "
          f"processes kept {min(other):.2f}–{max(other):.2f} cores busy during the runs.", "",
          f"_Machine: {C.machine_line(machine)}._"]
    C.write_results("slides", "\n".join(md), {"machine": machine, "runs": runs, "epochs": args.epochs,
                                               "load": [load_start, load_end]})
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
