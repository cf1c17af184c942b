"""R start-up of `rkeras run` (issue 15): a script that never trains, before/after, against R's own start.

Contenders, each a fresh process, interleaved (order rotating every round):

* `Rscript hi.R` (R alone, `cat("hi\\n")`) and stock rpy2 starting R
  (`import rpy2.rinterface; initr()`): the floor under any embedded R;
* `rkeras run hi.R` and `rkeras run keras.R` (`library(keras)`, `args(layer_dense)`)
  with the tree under test and, with `--before REV`, a `git archive` of REV.

    python benchmarks/bench_r_start.py [--repeats 7] [--before 88430be]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

HI = 'cat("hi\\n")\n'
KERAS = 'library(keras)\nprint(names(formals(layer_dense))[1:2])\n'


def snapshot(rev: str) -> Path:
    dest = Path(tempfile.mkdtemp(prefix=f"rkeras-{rev}-"))
    # run_all's snapshots are not repositories: $RKERAS_GIT_DIR names the checkout then
    repo = os.environ.get("RKERAS_GIT_DIR", str(C.ROOT))
    archive = subprocess.run(["git", "-C", repo, "archive", "--format=tar", rev],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def run_from(tree: Path | None) -> str:
    """`python -c` code running `rkeras run ARGV[1]` with rkeras imported from `tree` (None: as installed).

    The venv's editable install of the checkout is a meta-path finder that wins over
    PYTHONPATH, so it is taken out first for an older tree.
    """
    head = ""
    if tree is not None:
        head = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
                "if '__editable__' not in getattr(f, '__module__', '')]; "
                f"sys.path.insert(0, {str(tree)!r}); ")
    return head + ("import sys; "
                   "from rkeras.cli import main; sys.exit(main(['run', sys.argv[1]]))")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 7)))
    ap.add_argument("--before", default=None, help="git revision to compare with (e.g. 88430be)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="rkeras-rstart-"))
    (work / "hi.R").write_text(HI)
    (work / "keras.R").write_text(KERAS)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RKERAS_PROGRESS="0")
    # rkeras from the tree this script is in (a snapshot when run_all benchmarks the committed code)
    run_code = run_from(C.ROOT)
    cmds = {
        "Rscript hi.R": (["Rscript", "hi.R"], env),
        "stock rpy2 starts R": ([C.PYTHON, "-c", "import rpy2.rinterface as ri; ri.initr()"], env),
        "rkeras run hi.R": ([C.PYTHON, "-c", run_code, "hi.R"], env),
        "rkeras run keras.R": ([C.PYTHON, "-c", run_code, "keras.R"], env),
    }
    if args.before:
        old_code = run_from(snapshot(args.before))
        cmds[f"rkeras run hi.R ({args.before})"] = ([C.PYTHON, "-c", old_code, "hi.R"], env)
        cmds[f"rkeras run keras.R ({args.before})"] = ([C.PYTHON, "-c", old_code, "keras.R"], env)
    names = list(cmds)
    times: dict = {n: [] for n in names}
    load_start = C.loadavg()
    for cmd, e in cmds.values():     # warm-up (file cache)
        subprocess.run(cmd, cwd=work, env=e, capture_output=True)
    for rnd in range(args.repeats):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        for name in order:
            cmd, e = cmds[name]
            t0 = time.perf_counter()
            done = subprocess.run(cmd, cwd=work, env=e, capture_output=True, text=True)
            times[name].append(time.perf_counter() - t0)
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed: {done.stderr[-2000:]}")
    rows = [[n, f"{statistics.median(v):.3f} s ({min(v):.3f}–{max(v):.3f})"] for n, v in times.items()]
    md = ["## R start-up of `rkeras run` (issue 15)", "",
          f"Command: `python benchmarks/bench_r_start.py --repeats {args.repeats}"
          f"{' --before ' + args.before if args.before else ''}` — fresh processes, interleaved, "
          "median (min–max) of the whole process's wall time.", "",
          C.table(["command", "wall time"], rows), "",
          f"Load average {load_start} at the start, {C.loadavg()} at the end (2 cores, shared).", "",
          f"_Machine: {C.machine_line(C.machine())}._"]
    C.write_results("r_start", "\n".join(md), {"times": times, "load": [load_start, C.loadavg()]})
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
