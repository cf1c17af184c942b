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
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

HERE = Path(__file__).resolve().parent
# Ours first, in the order of BENCHMARKS.md; any other bench_*.py (e.g. bench_distribute.py) after.
ORDER = ["training", "r_path", "slides", "conversion", "startup", "r_start", "scaling", "profile"]
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
    stop = threading.Event()

    def beat() -> None:     # a benchmark's set-up can be silent for minutes: say it is alive
        while not stop.wait(60):
            print(f"######## {name}: still running, {time.perf_counter() - t0:.0f} s "
                  f"(load average {C.loadavg()})", flush=True)

    heartbeat = threading.Thread(target=beat, daemon=True)
    heartbeat.start()
    try:
        proc = subprocess.run([C.PYTHON, str(script)], cwd=str(tree), timeout=TIMEOUT, env=env)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    finally:
        stop.set()
        heartbeat.join()
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
            own = t.get("own", {}).get(label)
            ab = f"A/B ratio of medians {r:.3f} (per round {t[key]['paired_min']:.3f}–{t[key]['paired_max']:.3f})"
            if own:
                add(f"1. rkeras / Keras, {label} time ≤ 1.02",
                    f"**{own['ratio']:.4f}** within the call (rkeras's own {C.fmt_s(own['rkeras_own']['median'])} "
                    f"around Keras's {C.fmt_s(own['inner']['median'])}); {ab}",
                    C.verdict(own["ratio"], 1.02) + " (within-call measure; A/B: " + C.verdict(r, 1.02) + ")", "§1")
            else:
                add(f"1. rkeras / Keras, {label} time ≤ 1.02", ab, C.verdict(r, 1.02), "§1")
    r = _load("r_path")
    if r and "ratio" in r:
        v = r["ratio"]["ratio_of_medians"]
        add("2. R script / Python script, end to end ≤ 1.10", f"{v:.3f} ({r['wall']['R (rkeras run mnist_dense.R)']['median']:.1f} s vs "
            f"{r['wall']['Python (lab_mnist_dense.py)']['median']:.1f} s)", C.verdict(v, 1.10), "§2")
    c = _load("conversion")
    if c and "goals" in c:
        g = c["goals"]
        ci = c.get("int_r2py", {}).get("np.copy, same bytes (F-order)", {}).get("median")
        add("3. R → numpy without a copy (≈ 0 s), double matrix 60000×784", f"{C.fmt_s(g['r2py_view_dbl_s'])} (a view)",
            ok(g["r2py_view_dbl_s"] < 0.005), "§3")
        add("3. R → numpy without a copy (≈ 0 s), integer array 60000×28×28",
            f"{C.fmt_s(g['r2py_view_int_s'])}: a view, but R's integer NA needs one scan (`min()`)"
            + (f"; a copy takes {C.fmt_s(ci)}" if ci else ""),
            ok(g["r2py_view_int_s"] < 0.005) + " (no copy; not ≈ 0 s)", "§3")
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
        added = s.get("added_paired", {}).get("median", s["added_import"])
        own = s.get("own_import", {}).get("median")
        add("5. `import rkeras` − `import keras` ≤ 0.2 s", f"{added:+.3f} s (median per-round difference)"
            + (f"; rkeras's own import with keras already loaded {own:.3f} s" if own is not None else ""),
            C.verdict(max(added, 0.0), 0.2), "§5")
    sc = _load("scaling")
    if sc and "fits" in sc:
        for key in ("fit rkeras", "to_r"):
            f = sc["fits"].get(key)
            fm = sc.get("fits_min", {}).get(key)
            if f:
                worst = max(abs(d) for d in f["dev_pct"])
                text = f"medians: R² {f['r2']:.4f}, worst point {worst:.1f} % off the line"
                judge = worst
                if fm:
                    worst_m = max(abs(d) for d in fm["dev_pct"])
                    text += f"; minima: R² {fm['r2']:.4f}, worst {worst_m:.1f} %"
                    judge = worst_m
                add(f"6. linear in n (within 10 %): {key}", text,
                    ok(judge <= 10) + (" (on the minima)" if fm else ""), "§6")
    return C.table(["goal", "measured", "verdict", "table"], rows)


def _source_at_benchmarked_rev(path: str) -> str:
    """A file of rkeras as it was in the benchmarked commit (from the results' machine record)."""
    import re
    for name in ("training", "r_path", "profile"):
        d = _load(name)
        m = re.search(r"git ([0-9a-f]{7,})", (d or {}).get("machine", {}).get("rkeras", ""))
        if m:
            proc = subprocess.run(["git", "-C", str(C.ROOT), "show", f"{m.group(1)}:{path}"],
                                  capture_output=True, text=True)
            if proc.returncode == 0:
                return proc.stdout
    try:
        return (C.ROOT / path).read_text()
    except OSError:
        return ""


def _fs(x) -> str:
    return C.fmt_s(x) if x >= 0 else "−" + C.fmt_s(-x)


def findings() -> str:
    """What limits each goal, from the JSON results (numbers of this run) and the profiles."""
    out = ["## What the profiles show, and proposed fixes\n",
           "Numbers below come from the tables above (this run). Files named are rkeras's; none was changed "
           "by the benchmarks: the fixes are proposals, some measured here on the side.\n"]
    t, r, c, s, p, m = (_load(n) for n in ("training", "r_path", "conversion", "startup", "profile", "memory"))
    try:
        ft = p.get("first_touch") if p else None
        if isinstance(ft, dict) and "error" not in ft:
            out.append(
                f"**0. The machine.** A Firecracker microVM (KVM) with free-page reporting: memory the guest has "
                f"handed back to the host is faulted in again on first touch. Writing 188 MB of memory the process has "
                f"never used took {_fs(ft['fresh']['median'])} in this run (range {_fs(ft['fresh']['min'])}–"
                f"{_fs(ft['fresh']['max'])}), against {_fs(ft['reused']['median'])} for memory it had just freed; when "
                f"the host has reclaimed the pages, a first touch costs the upper end of that range. Steps that allocate "
                f"hundreds of MB (copies, conversions, Keras's cast of x) vary accordingly from call to call, and a "
                f"conversion done once in a fresh script (table 2) can cost more than the warm, repeated one of table 3.\n")
        if t and "own" in t:
            of, op = t["own"]["fit"], t["own"]["predict"]
            parts = t.get("parts", {})

            def part(*names):
                for n in names:
                    if n in parts:
                        return parts[n]["median"]
                return None
            chk = part("rkeras checks before fit (x 60000x784, y)")
            ele = part("  elementwise np.isfinite(x).all() (for comparison)", "  of which np.isfinite(x).all()")
            one = part("  one summing pass over x and y (for comparison)", "  proposed: sum-based check of x and y")
            txt = (f"**1. fit/predict overhead.** rkeras's own time per `fit` call is {_fs(of['rkeras_own']['median'])} "
                   f"({100 * (of['ratio'] - 1):.1f} % of Keras's {_fs(of['inner']['median'])}); per `predict` call "
                   f"{_fs(op['rkeras_own']['median'])} ({100 * (op['ratio'] - 1):.1f} %). The part that grows with the "
                   f"data is the check in `rkeras.model_data.as_model_data` (cProfile: the profile tables list every callee "
                   f"of rkeras's `fit`).")
            if chk is not None and ele is not None and one is not None:
                if chk <= 1.2 * one:
                    txt += (f" In the benchmarked code the NaN/Inf test (`_check_finite`) is already one summing pass "
                            f"with the elementwise scan only when the sum is not finite: the checks before fit take "
                            f"{_fs(chk)}, as much as one read of x ({_fs(one)}), where the elementwise "
                            f"`np.isfinite(x).all()` takes {_fs(ele)}. What remains is per call (argument binding, the "
                            f"pipe, the history object).")
                else:
                    txt += (f" The checks before fit take {_fs(chk)}; `np.isfinite(x).all()` alone {_fs(ele)}. "
                            f"**Proposed fix** (`rkeras/model_data.py::_check_finite`): one summing pass first "
                            f"(`np.isfinite(np.add.reduce(array, axis=None))`) and the elementwise scan only when it is "
                            f"not finite: {_fs(one)} for x and y.")
            pk = t["predict"]["plain Keras"]
            fr, pr = t["fit_ratio"], t["predict_ratio"]
            txt += (f" The A/B ratios (fit {fr['ratio_of_medians']:.3f}, per round {fr['paired_min']:.2f}–"
                    f"{fr['paired_max']:.2f}; predict {pr['ratio_of_medians']:.3f}, per round {pr['paired_min']:.2f}–"
                    f"{pr['paired_max']:.2f}) cannot resolve 2 % here: on 2 cores, TensorFlow's two threads run at half "
                    f"speed whenever another process holds a core, so plain Keras's own predict alone ranges "
                    f"{_fs(pk['min'])}–{_fs(pk['max'])} between calls; hence the verdict on the within-call measure.")
            out.append(txt + "\n")
        if t and "layout" in t:
            lay = t["layout"]
            cst, fst = lay["x C-ordered (numpy's layout)"], lay["x F-ordered (R's layout, as to_python gives it)"]
            base, fo = cst["median"], fst["median"]
            lp = t.get("layout_parts", {})
            kc = lp.get("Keras's per-call input work (astype float32 + tensor), x C-ordered", {}).get("median")
            kf = lp.get("Keras's per-call input work, x F-ordered (R's layout)", {}).get("median")
            nb = lp.get("np.ascontiguousarray(x F-ordered, float32)", {}).get("median")
            bl = lp.get("blocked F→C float32 copy (512 rows at a time)", {}).get("median")
            clear = fst["min"] > cst["max"]
            txt = ("**2. Data from R: Fortran order.** An R matrix reaches `fit` as a zero-copy, column-major view. "
                   "Keras's array adapter casts the whole x to float32 (`astype` keeps the F order) and builds one tensor "
                   "from it (`tf.data.Dataset.from_tensors`), and that conversion needs C order: one unblocked "
                   "transposing copy of the whole array per `fit` call (py-spy: TF's `convert_to_eager_tensor`).")
            if kc is not None and kf is not None:
                txt += (f" Those steps alone: {_fs(kf)} from the F-ordered x vs {_fs(kc)} from a C-ordered one "
                        f"({_fs(kf - kc)} more per fit call).")
            txt += (f" Whole epoch: {_fs(fo)} (F) vs {_fs(base)} (C), {100 * (fo / base - 1):+.1f} %"
                    + (" (every F run slower than every C run)." if clear else
                       " — within the run-to-run noise of this machine (see the min–max in table 1); the step "
                       "timings above are the reliable measure."))
            layout_done = "_keras_layout" in _source_at_benchmarked_rev("rkeras/inputs.py")
            if layout_done:
                txt += (f" **Done in the benchmarked code** (`rkeras/model_data.py::_keras_layout`: F-ordered float arrays "
                        f"go to Keras as C-ordered float32, made in one step): the table's F-ordered row goes through "
                        f"it, {_fs(fo)} against {_fs(base)} for a C-ordered x ({100 * (fo / base - 1):+.1f} %).")
            elif bl is not None and kf is not None and kc is not None:
                gain = kf - kc - bl
                if gain > 0.02 * base:
                    txt += (f" **Proposed fix** (`rkeras/model_data.py::as_model_data`, for `fit`/`evaluate`/`predict`): "
                            f"when x is an F-ordered float array of ≥ 2 dimensions, hand Keras a C-ordered float32 copy "
                            f"made in blocks of rows ({_fs(bl)} here, the mirror of `rkeras/r/convert.py::_copy_c_to_f`; "
                            f"`np.ascontiguousarray` takes {_fs(nb)}); Keras's own cast and tensor conversion are then "
                            f"the C-ordered ones, saving at least {_fs(gain)} per call ({100 * gain / base:.1f} % of a "
                            f"one-epoch fit; once per call, whatever the number of epochs).")
                else:
                    txt += (f" A blocked C-ordered float32 copy before Keras ({_fs(bl)}; `np.ascontiguousarray`: "
                            f"{_fs(nb)}) would save "
                            + (f"only {_fs(gain)} per `fit` call" if gain > 0 else "nothing")
                            + ": no change proposed; the zero-copy view is the right default.")
            out.append(txt + "\n")
        if r and "phases" in r:
            diffs = []
            for row in r["phases"]:
                label, rv, pv, d = row
                if label.startswith("**whole") or label.startswith(" "):
                    continue
                try:
                    dv = float(d.replace(" s", ""))
                except ValueError:
                    continue
                diffs.append((dv, label))
            top = sorted(diffs, reverse=True)[:6]
            spy_exit = "see the py-spy table"
            alt = []
            if p and "pyspy" in p and "phase" in p["pyspy"].get("R script", {}):
                ph = p["pyspy"]["R script"]["phase"]
                gcx = ph.get("exit: rkeras atexit gc.collect (handles._at_exit)", 0) / 100
                endr = ph.get("exit: rpy2 ends R (embedded.endr)", 0) / 100
                spy_exit = f"py-spy samples {gcx:.2f} s and {endr:.2f} s"
            if p and isinstance(p.get("reshape"), dict) and "error" not in p["reshape"]:
                rs = p["reshape"]
                now = next(v["median"] for k, v in rs.items() if k.startswith("now"))
                prop = next(v["median"] for k, v in rs.items() if k.startswith("proposed"))
                if prop < 0.9 * now:
                    alt.append(f"`array_reshape` round trip {_fs(now)} now, {_fs(prop)} with a column copy into F order "
                               f"(`reshape_keep_f` in `benchmarks/bench_profile.py`; **proposed** for "
                               f"`rkeras/preprocessing.py::array_reshape` when x is F-ordered)")
                else:
                    alt.append(f"`array_reshape` round trip {_fs(now)} now; a column copy into F order "
                               f"(`reshape_keep_f`) measured {_fs(prop)}: no clear gain in this run (it varies with "
                               f"first-touch costs, point 0), not proposed")
            if p and isinstance(p.get("uint8_to_r"), dict) and "error" not in p["uint8_to_r"]:
                u8 = p["uint8_to_r"]
                now = next(v["median"] for k, v in u8.items() if k.startswith("now"))
                prop = next(v["median"] for k, v in u8.items() if k.startswith("proposed"))
                if prop < 0.9 * now:
                    alt.append(f"uint8 images to R {_fs(now)} now, {_fs(prop)} when transposed at 1-byte width first "
                               f"(**proposed** for `rkeras/r/convert.py::_fill` when the source itemsize is smaller)")
                else:
                    alt.append(f"uint8 images to R {_fs(now)}; tried transposing at 1-byte width first: {_fs(prop)}, "
                               + ("slower" if prop >= now else "less than 10 % faster")
                               + ", not proposed (the blocked cast-and-transpose is already as good)")
            alt_text = "; ".join(alt) + "." if alt else "see the profile tables."
            big_conv_text = ""
            truns = r.get("timed_runs", {}).get("R")
            if truns:
                mid = sorted(truns, key=lambda x: x["wall"])[len(truns) // 2]
                bc = sorted(mid["inside"].get("big_conversions", []), key=lambda x: -x[2])[:2]
                if bc:
                    big_conv_text = ("in the script the largest are " + ", ".join(
                        f"`{w}` {_fs(sec)}" for _, w, sec in bc)
                        + " (once each, into new memory: see point 0). ")
            r_steps_text = "`train_images / 255` on 47 M values, `str()`, printing, and `plot(history)` loading ggplot2"
            if p and isinstance(p.get("r_steps"), dict) and "error" not in p["r_steps"]:
                rs_ = p["r_steps"]
                r_steps_text = (f"`train_images / 255` on 47 M values {_fs(rs_['div255']['median'])}, loading ggplot2 for "
                                f"`plot(history)` {_fs(rs_['ggplot2_load']['median'])}, drawing the plot "
                                f"{_fs(rs_['plot']['median'])}, `str()` {_fs(rs_['str']['median'])} (profile table "
                                f"\"R's own steps\")")
            out.append(
                f"**3. The R path ({r['ratio']['ratio_of_medians']:.2f}× the Python script end to end).** The largest "
                f"differences R − Python in table 2: " + "; ".join(f"{lab.replace('**', '')} {d:+.2f} s" for d, lab in top)
                + ". What is behind them:\n"
                + (f"   * *Interpreter start + exit*: Python's normal teardown after an R script runs "
                   f"`rkeras/r/handles.py::_at_exit` (a full `gc.collect()` over TF's objects), then rpy2 ends R. "
                   f"**Done in the benchmarked code**: `rkeras run` now ends R and leaves with `os._exit` "
                   f"(`rkeras/cli.py`); py-spy on `rkeras run` (gc.collect at exit / `embedded.endr`): {spy_exit}. "
                   f"The end-to-end runs above measure this exit; the timed runs of this benchmark version still "
                   f"exited the normal way, so their 'interpreter start + exit' row includes the teardown.\n"
                   if "os._exit" in _source_at_benchmarked_rev("rkeras/cli.py") else
                   f"   * *Interpreter start + exit*: at exit, `rkeras/r/handles.py::_at_exit` runs a full "
                   f"`gc.collect()` (with TF and the model in memory) and rpy2 then ends R (`embedded.endr`): "
                   f"{spy_exit}. **Proposed:** after `rkeras run` has flushed its output, end the process with "
                   f"`os._exit(status)` (an R script's process has nothing left to save), or at least drop the "
                   f"`gc.collect()`.\n")
                +
                "   * *R start + front end install*: mostly starting the embedded R itself (table 5: stock rpy2 needs as "
                "long), then generating, parsing and evaluating one R function per verb "
                "(`rkeras/r/frontend.py::install`; table 5's empty-script row minus the R-ready row).\n"
                f"   * *Conversions Python → R* and *`array_reshape`*: {big_conv_text}MNIST's uint8 images become an R integer array "
                f"(cast and transposition into R's column order) and `array_reshape(x, c(60000, 784))` costs two "
                f"transposing copies (R's F-ordered view → C-ordered reshape → `to_r` back to F order). Measured "
                f"alternatives (profile tables): {alt_text}\n"
                f"   * *Rest of the script*: R's own work — {r_steps_text} — where the Python script uses numpy and "
                "matplotlib; py-spy shows it as time inside rpy2's `SexpClosure.__call__`. Not the bridge's cost, "
                "but part of the R path end to end.\n"
                "   * *fit*: the layout cost of point 2 (once per fit call).\n")
        if c and "goals" in c:
            g = c["goals"]
            ip, dp = c["int_py2r"], c["dbl_py2r"]
            tr_i = ip["np.asfortranarray (C→F, transposing)"]["median"] / ip["np.copy, same bytes (C→C)"]["median"]
            tr_d = dp["np.asfortranarray (C→F, transposing)"]["median"] / dp["np.copy, same bytes (C→C)"]["median"]
            out.append(
                f"**4. numpy → R ({g['py2r_int_vs_copy']:.2f}× / {g['py2r_dbl_vs_copy']:.2f}× one copy).** A C-ordered "
                f"numpy array must be transposed into R's column-major order; numpy's own transposing copy "
                f"(`np.asfortranarray`) takes {tr_i:.1f}× (int) and {tr_d:.1f}× (double) a plain copy here; rkeras's "
                f"`to_r`, which transposes in blocks of rows (`_copy_c_to_f`), takes {g['py2r_int_vs_copy'] / tr_i:.2f}× "
                f"/ {g['py2r_dbl_vs_copy'] / tr_d:.2f}× the time of numpy's transposing copy and is "
                f"{ip['rpy2 numpy2ri (C-order array)']['median'] / ip['rkeras to_r (C-order array)']['median']:.1f}× / "
                f"{dp['rpy2 numpy2ri (C-order array)']['median'] / dp['rkeras to_r (C-order array)']['median']:.1f}× "
                f"faster than rpy2's numpy2ri. The profile table (`to_r`) shows where the rest goes: the "
                f"transposing copy itself, then one extra read for the NA scan (`ufunc.reduce`: the int32 range/NA "
                f"check, the NaN→NA_real_ sum) and R's allocation. The 1.5× goal is below what a transposition costs "
                f"on this machine; from an F-ordered array (no transposition) `to_r` is {g['py2r_int_F_vs_copy']:.2f}× "
                f"/ {g['py2r_dbl_F_vs_copy']:.2f}×. R → numpy: the double matrix is a view "
                f"({_fs(g['r2py_view_dbl_s'])}); the integer array is a view too but costs {_fs(g['r2py_view_int_s'])}: "
                f"the NA scan (`min()` over 47 M ints, one read) that keeps R's NA from becoming -2147483648.\n")
        if s and "own_import" in s and p and "import" in p and "top" in p["import"]:
            top = {n.split("(")[-1].rstrip(")"): ct for n, ct, _ in p["import"]["top"]}
            whole = p["import"]["seconds_after_keras"]
            kp = top.get("_keras_parameters")
            out.append(
                f"**5. Start-up.** Importing rkeras starts no R (rpy2 is not imported, libR is not mapped). It adds "
                f"{_fs(s['added_paired']['median'])} to `import keras`; rkeras's own import, with keras already "
                f"imported, takes {_fs(s['own_import']['median'])}. cProfile ({_fs(whole)} under the profiler): building "
                f"the verb registry (`rkeras/registry.py::registry`, {_fs(top.get('registry', 0))}) is almost all of it, "
                + (f"and {_fs(kp)} of that is `_keras_parameters` calling `inspect.signature` on the `__init__` of every "
                   f"Keras class of every family (344 verbs; `inspect.Signature.__init__` validating parameters is the "
                   f"top function by own time). " if kp else "")
                + "**Proposed fix:** keep the names eager (`dir()` of the Keras modules is cheap) but compute each "
                "verb's parameters on first use — e.g. `Verb.parameters` as a cached property filled by "
                "`_keras_parameters` when the verb is first called or its help/signature is asked for. That removes "
                "most of the import cost from `import rkeras`.\n")
        if m:
            out.append(f"**6. Memory ({m['mem_ratio']:.2f}×).** The R script holds the data on both sides: R's integer "
                       f"array and double matrix plus the Python arrays made from them by `array_reshape` and "
                       f"`to_categorical`; see the RSS trace in table 4 (the jump at `array_reshape`).\n")
    except Exception as error:  # noqa: BLE001 — never lose BENCHMARKS.md over a missing key
        out.append(f"(findings incomplete: {error!r})\n")
    return "\n".join(out)


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
            text = path.read_text()
            d = _load(name)
            if d and "machine" in d:
                text = text.rstrip() + f"\n\n_Machine for this table: {C.machine_line(d['machine'])}._\n"
            parts.append(text)
            done.add(name)
    parts.append(findings())
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
