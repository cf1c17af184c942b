"""Run every benchmark, then assemble BENCHMARKS.md (`make bench`).

    python benchmarks/run_all.py                 # everything (about 20-30 min on 2 cores)
    python benchmarks/run_all.py --only training startup
    python benchmarks/run_all.py --assemble      # only rebuild BENCHMARKS.md from benchmarks/results/

Each benchmark is a separate process (`benchmarks/bench_<name>.py`), run one
after the other, never in parallel. Each writes `benchmarks/results/<name>.md`
and `.json`; BENCHMARKS.md is the headline table (goals, from the JSON files),
then those tables in order, then any other results/*.md (e.g. distribute.md).
`BENCH_REPEATS=N` overrides every benchmark's repetition count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

HERE = Path(__file__).resolve().parent
# Ours first, in the order of BENCHMARKS.md; any other bench_*.py (e.g. bench_distribute.py) after.
ORDER = ["training", "r_path", "conversion", "startup", "scaling", "profile"]
SECTIONS = ["training", "r_path", "conversion", "memory", "startup", "scaling", "profile"]
TIMEOUT = 25 * 60


def discover() -> list[str]:
    found = sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


def snapshot() -> tuple[Path, str]:
    """The committed code (HEAD) exported to a scratch directory: the benchmarks run against it.

    Other engineers edit this working tree while the benchmarks run (a half-written module
    broke a run once); a snapshot of HEAD is stable and is exactly "the committed code".
    """
    rev = subprocess.run(["git", "-C", str(C.ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=True).stdout.strip()
    dest = Path(tempfile.mkdtemp(prefix=f"rkeras-bench-{rev}-"))
    archive = subprocess.run(["git", "-C", str(C.ROOT), "archive", "--format=tar", "HEAD"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest, rev


def run_one(name: str, tree: Path, env: dict) -> dict:
    script = tree / "benchmarks" / f"bench_{name}.py"
    print(f"\n######## {name}: python benchmarks/bench_{name}.py in {tree}   (load average {C.loadavg()})",
          flush=True)
    t0 = time.perf_counter()
    started = time.time()
    try:
        proc = subprocess.run([C.PYTHON, str(script)], cwd=str(tree), timeout=TIMEOUT, env=env)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    dt = time.perf_counter() - t0
    if tree != C.ROOT:  # bring the results back from the snapshot
        C.RESULTS.mkdir(parents=True, exist_ok=True)
        for f in (tree / "benchmarks" / "results").glob("*"):
            if f.is_file() and f.stat().st_mtime >= started - 1:
                shutil.copy2(f, C.RESULTS / f.name)
    print(f"######## {name}: exit {rc} after {dt:.0f} s", flush=True)
    return {"name": name, "rc": rc, "seconds": dt, "loadavg_after": C.loadavg()}


def _load(name: str) -> dict | None:
    path = C.RESULTS / f"{name}.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def headline() -> str:
    rows = []

    def add(goal, measured, met, where):
        rows.append([goal, measured, met, where])

    def ok(flag):
        return "**met**" if flag else "**not met**"

    t = _load("training")
    if t:
        for key, label in (("fit_ratio", "fit"), ("predict_ratio", "predict")):
            r = t[key]["ratio_of_medians"]
            add(f"1. rkeras / Keras, {label} time ≤ 1.02", f"{r:.3f} (paired {t[key]['paired_min']:.3f}–"
                f"{t[key]['paired_max']:.3f})", C.verdict(r, 1.02), "§1")
    r = _load("r_path")
    if r and "ratio" in r:
        v = r["ratio"]["ratio_of_medians"]
        add("2. R script / Python script, end to end ≤ 1.10", f"{v:.3f} ({r['wall']['R (rkeras run mnist_dense.R)']['median']:.1f} s vs "
            f"{r['wall']['Python (lab_mnist_dense.py)']['median']:.1f} s)", C.verdict(v, 1.10), "§2")
    c = _load("conversion")
    if c and "goals" in c:
        g = c["goals"]
        worst = max(g["r2py_view_int_s"], g["r2py_view_dbl_s"])
        add("3. R → numpy without a copy (≈ 0 s)", f"{C.fmt_s(g['r2py_view_int_s'])} (int array), "
            f"{C.fmt_s(g['r2py_view_dbl_s'])} (double matrix)", ok(worst < 0.005), "§3")
        for k, label in (("py2r_int_vs_copy", "int array"), ("py2r_dbl_vs_copy", "double matrix")):
            fk = k.replace("_vs_", "_F_vs_")
            add(f"3. numpy → R ≤ 1.5 × one copy ({label})",
                f"{g[k]:.2f}× from a C-ordered array; {g[fk]:.2f}× from an F-ordered one", C.verdict(g[k], 1.5), "§3")
    m = _load("memory")
    if m:
        add("4. peak RSS, R script / Python script ≤ 1.3", f"{m['mem_ratio']:.3f}", C.verdict(m["mem_ratio"], 1.3), "§4")
    s = _load("startup")
    if s:
        add("5. `import rkeras` starts no R", f"rpy2 modules after import: {s['rpy2_after_import'] or 'none'}; "
            f"libR mapped: {s['libR_after_import']}", ok(not s["rpy2_after_import"] and not s["libR_after_import"]), "§5")
        add("5. `import rkeras` − `import keras` ≤ 0.2 s", f"{s['added_import']:+.3f} s",
            C.verdict(max(s["added_import"], 0.0), 0.2), "§5")
    sc = _load("scaling")
    if sc and "fits" in sc:
        for key in ("fit rkeras", "to_r"):
            f = sc["fits"].get(key)
            if f:
                worst = max(abs(d) for d in f["dev_pct"])
                add(f"6. linear in n: {key}", f"R² {f['r2']:.4f}, worst point {worst:.1f} % off the line",
                    ok(worst <= 10), "§6")
    return C.table(["goal", "measured", "verdict", "table"], rows)


def assemble(runs: list[dict] | None = None) -> None:
    machine = None
    for name in SECTIONS:
        d = _load(name)
        if d and "machine" in d:
            machine = d["machine"]
            break
    machine = machine or C.machine()
    parts = [
        "# rkeras benchmarks: what the bridge costs\n",
        "Generated by `make bench` (`python benchmarks/run_all.py`) from `benchmarks/results/*.md`; every table says the "
        "command that reproduces it. All times are wall-clock; each comparison alternates its contenders in one run "
        "and gives the median (min–max) of its runs.\n",
        f"**Machine:** {C.machine_line(machine)}.\n",
        "The machine is shared with other engineers' test runs: each benchmark records how many cores *other* "
        "processes kept busy while it ran (from /proc/stat minus the benchmark's own CPU time), see the tables.\n",
    ]
    if runs:
        parts.append(C.table(["benchmark", "exit", "run time", "load average after"],
                             [[r["name"], r["rc"], f"{r['seconds']:.0f} s", r["loadavg_after"]] for r in runs]) + "\n")
        total = sum(r["seconds"] for r in runs)
        parts.append(f"Total: {total / 60:.1f} min.\n")
    parts.append("## Goals\n\n" + headline() + "\n")
    done = set()
    for name in SECTIONS:
        path = C.RESULTS / f"{name}.md"
        if path.exists():
            parts.append(path.read_text())
            done.add(name)
    for path in sorted(C.RESULTS.glob("*.md")):
        if path.stem not in done:
            parts.append(path.read_text())
    text = "\n".join(p.rstrip() + "\n" for p in parts)
    (C.ROOT / "BENCHMARKS.md").write_text(text)
    print(f"wrote {C.ROOT / 'BENCHMARKS.md'}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", help="benchmark names (training r_path conversion startup scaling profile ...)")
    ap.add_argument("--assemble", action="store_true", help="only rebuild BENCHMARKS.md")
    ap.add_argument("--worktree", action="store_true",
                    help="benchmark the working tree as it is (default: a snapshot of the committed code, HEAD)")
    args = ap.parse_args(argv)
    runs = None
    if not args.assemble:
        env = dict(os.environ)
        if args.worktree:
            tree = C.ROOT
        else:
            tree, rev = snapshot()
            env["PYTHONPATH"] = str(tree) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
            env["BENCH_SOURCE"] = f"git {rev} (committed code, snapshot of HEAD)"
            print(f"benchmarking the committed code: git {rev}, exported to {tree}")
        names = [n for n in discover() if (tree / "benchmarks" / f"bench_{n}.py").exists()]
        if args.only:
            names = [n for n in names if n in args.only]
        t0 = time.perf_counter()
        try:
            runs = [run_one(n, tree, env) for n in names]
        finally:
            if tree != C.ROOT:
                shutil.rmtree(tree, ignore_errors=True)
        print(f"\nall benchmarks: {(time.perf_counter() - t0) / 60:.1f} min")
        (C.RESULTS / "run_all.json").write_text(json.dumps(runs, indent=1) + "\n")
    elif (C.RESULTS / "run_all.json").exists():
        runs = json.loads((C.RESULTS / "run_all.json").read_text())
    assemble(runs)
    failed = [r for r in (runs or []) if r["rc"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
