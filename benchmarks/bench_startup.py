"""Benchmark 5, start-up: `import rkeras` vs `import keras`, and the time to a ready R session.

Every measurement is a fresh Python process (the same interpreter as this
script), contenders alternating. Reported per contender: the import measured
inside the process (`time.perf_counter` around the import statement) and the
whole process's wall time (interpreter start to exit, measured by the parent).

After `import rkeras` the child also reports whether `rpy2` (or anything under
it) is in `sys.modules` and whether libR is mapped into the process: importing
rkeras must start no R.

R session: after `import rkeras` (untimed), the time until R answers
(`rkeras.r.r_eval("1L + 1L")`), against stock rpy2 (`import rpy2.robjects` +
`robjects.r("1L + 1L")`), and, when the R front end exists, until it is ready
to run an R keras script (`rkeras.r.frontend`'s session set-up).

    python benchmarks/bench_startup.py [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

_REPORT = """
import json, sys
def _libr():
    try:
        return any('libR.so' in l for l in open('/proc/self/maps'))
    except OSError:
        return None
print('@@' + json.dumps({'dt': dt, 'rpy2': sorted(m for m in sys.modules if m == 'rpy2' or m.startswith('rpy2.')),
                         'libR': _libr(), 'tensorflow': 'tensorflow' in sys.modules, 'extra': extra}))
"""

IMPORT_RKERAS = "import time; t0 = time.perf_counter(); import rkeras; dt = time.perf_counter() - t0; extra = None"
IMPORT_KERAS = "import time; t0 = time.perf_counter(); import keras; dt = time.perf_counter() - t0; extra = None"
IMPORT_AFTER_KERAS = ("import time, keras; t0 = time.perf_counter(); import rkeras; dt = time.perf_counter() - t0; "
                      "extra = None")
IMPORT_TF = "import time; t0 = time.perf_counter(); import tensorflow; dt = time.perf_counter() - t0; extra = None"

R_RKERAS = """
import time, rkeras
t0 = time.perf_counter()
import rkeras.r
v = rkeras.r.r_eval("1L + 1L", convert=True)
dt = time.perf_counter() - t0
assert int(v) == 2, v
extra = None
"""

R_STOCK = """
import time, rkeras
t0 = time.perf_counter()
import rpy2.robjects as ro
v = ro.r("1L + 1L")[0]
dt = time.perf_counter() - t0
assert v == 2
extra = None
"""

# The R front end (rkeras run FILE.R): ready when an R keras script could start.
R_FRONTEND = """
import time, os, tempfile, rkeras
script = os.path.join(tempfile.mkdtemp(), 'empty.R')
open(script, 'w').write('invisible(NULL)\\n')
t0 = time.perf_counter()
from rkeras.r.script import run_script
rc = run_script(script, [])
dt = time.perf_counter() - t0
extra = rc
"""


def child(code: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    proc = C.run_python(code + _REPORT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")][-1]
    return wall, json.loads(line[2:])


def has_frontend() -> bool:
    return os.path.exists(os.path.join(C.ROOT, "rkeras", "r", "frontend.py"))


def alternate_children(codes: dict[str, str], repeats: int) -> dict:
    out = {n: {"import": [], "wall": [], "info": []} for n in codes}
    names = list(codes)
    for n in names:  # warm the page cache once
        child(codes[n])
    for rep in range(repeats):
        for n in (names if rep % 2 == 0 else names[::-1]):
            with C.LoadMonitor() as m:
                wall, info = child(codes[n])
            out[n]["import"].append(info["dt"])
            out[n]["wall"].append(wall)
            out[n]["info"].append({**info, "other_cores": m.other_cores})
            print(f"  [{rep + 1}/{repeats}] {n:<40} in-process {C.fmt_s(info['dt'])}  process {C.fmt_s(wall)}"
                  f"  (other load {m.other_cores:.2f} cores)", flush=True)
    for n in names:
        out[n]["import_stats"] = C.summary(out[n]["import"])
        out[n]["wall_stats"] = C.summary(out[n]["wall"])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    args = ap.parse_args(argv)
    machine = C.machine()
    res: dict = {"machine": machine, "repeats": args.repeats}

    with C.section("imports"):
        imp = alternate_children({"import rkeras": IMPORT_RKERAS, "import keras": IMPORT_KERAS,
                                  "import rkeras, keras already imported": IMPORT_AFTER_KERAS}, args.repeats)
        res["imports"] = imp
    with C.section("R session"):
        codes = {"rkeras.r: R ready (r_eval)": R_RKERAS, "stock rpy2: import rpy2.robjects + r()": R_STOCK}
        if has_frontend():
            codes["rkeras.r.frontend: run an empty R script"] = R_FRONTEND
        try:
            rs = alternate_children(codes, max(5, args.repeats - 2))
        except RuntimeError as error:
            print(f"R session benchmark failed: {error}")
            rs = {"error": str(error)}
        res["r_session"] = rs

    rk, ke = imp["import rkeras"], imp["import keras"]
    added = rk["import_stats"]["median"] - ke["import_stats"]["median"]
    added_wall = rk["wall_stats"]["median"] - ke["wall_stats"]["median"]
    diffs = [a - b for a, b in zip(rk["import"], ke["import"])]
    own = imp["import rkeras, keras already imported"]["import_stats"]
    res["added_paired"] = C.summary(diffs)
    res["own_import"] = own
    rpy2_loaded = sorted({m for i in rk["info"] for m in i["rpy2"]})
    libr = any(i["libR"] for i in rk["info"])
    res["added_import"] = added
    res["added_wall"] = added_wall
    res["rpy2_after_import"] = rpy2_loaded
    res["libR_after_import"] = libr
    rows = [[n, C.cell(v["import_stats"]), C.cell(v["wall_stats"])] for n, v in imp.items()]
    r_rows = ([[n, C.cell(v["import_stats"]), C.cell(v["wall_stats"])] for n, v in res["r_session"].items()]
              if "error" not in res["r_session"] else [["(failed)", res["r_session"]["error"][:200], ""]])
    no_r = not rpy2_loaded and not libr
    md = f"""## 5. Start-up: `import rkeras` vs `import keras`, time to a ready R session

Command: `python benchmarks/bench_startup.py` — each measurement a fresh process, contenders alternating,
{args.repeats} runs each (R start-up: {max(5, args.repeats - 2)}) after one untimed warm-up run; median (min–max). "in-process" is the import statement
alone, "process" the whole `python -c` run seen from outside (interpreter start + import + exit).

{C.table(["import", "in-process", "process wall"], rows)}

* `import rkeras` adds **{res['added_paired']['median']:+.3f} s** to `import keras` (median of the per-round
  differences of the in-process times; range {res['added_paired']['min']:+.3f} to {res['added_paired']['max']:+.3f} s;
  difference of the medians {added:+.3f} s; process wall {added_wall:+.3f} s).
  Goal ≤ 0.2 s: {C.verdict(max(res['added_paired']['median'], 0.0), 0.2)}. Measured directly, in a process where
  keras is already imported, rkeras's own import takes {C.cell(own)}.
* After `import rkeras`: rpy2 modules loaded: **{rpy2_loaded or 'none'}**; libR mapped into the process: **{libr}**.
  Goal "importing rkeras starts no R": {'**met**' if no_r else '**not met**'}.

Time from a fresh `import rkeras` (not counted) to R answering, each in a fresh process:

{C.table(["R start-up", "in-process", "process wall"], r_rows)}
"""
    C.write_results("startup", md, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
