"""Benchmark 6, scaling with work: fit and conversion time as the sample count doubles.

n = 7,500, 15,000, 30,000, 60,000 MNIST images (the first n), 784 features.

* fit: 1 epoch, batch 128, the lab's dense model, through rkeras (`model >> fit`)
  and through plain Keras, alternating, fresh identically seeded model each time;
* conversion: the n x 784 double matrix R -> numpy (`to_python`, view and
  `copy=True`) and numpy -> R (`to_r` of the C-ordered array).

Sizes are visited in ascending order in even rounds and descending in odd ones,
so a drift in machine load does not masquerade as non-linearity. For each
series a least-squares line t = a + b n is fitted to the medians: b is the
cost per sample, a the fixed cost per call; the table gives each point's
deviation from the line and the ratio of per-sample cost between successive
doublings (2.0 = linear).

    python benchmarks/bench_scaling.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402
import numpy as np  # noqa: E402

SIZES = [7500, 15000, 30000, 60000]


def line_fit(ns, ts) -> dict:
    n, t = np.asarray(ns, float), np.asarray(ts, float)
    b, a = np.polyfit(n, t, 1)
    pred = a + b * n
    ss_res = float(((t - pred) ** 2).sum())
    ss_tot = float(((t - t.mean()) ** 2).sum())
    return {"a": float(a), "b": float(b), "r2": 1 - ss_res / ss_tot if ss_tot else 1.0,
            "dev_pct": [float(100 * (ti - pi) / pi) if pi else float("nan") for ti, pi in zip(t, pred)],
            "doubling": [float(t[i + 1] / t[i]) for i in range(len(t) - 1)]}


def signed(seconds: float) -> str:
    return C.fmt_s(seconds) if seconds >= 0 else "−" + C.fmt_s(-seconds)


def series_rows(label, meds, fit, unit="µs/sample", scale=1e6):
    dev = ", ".join(f"{d:+.1f} %" for d in fit["dev_pct"])
    dbl = ", ".join(f"{d:.2f}" for d in fit["doubling"])
    return [label, " / ".join(C.fmt_s(m) for m in meds), f"{fit['b'] * scale:.3g} {unit}",
            signed(fit["a"]),
            f"{fit['r2']:.4f}", dev, dbl]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    args = ap.parse_args(argv)
    machine = C.machine()
    res: dict = {"machine": machine, "repeats": args.repeats, "sizes": SIZES}

    import bench_training as T
    import keras

    x, y, _ = T.load_rkeras()

    # ------------------------------------------------------------------ fit
    with C.section("fit scaling"):
        for name, (b, f) in {"rkeras": (T.build_rkeras, T.fit_rkeras),
                             "plain Keras": (T.build_plain, T.fit_plain)}.items():
            f(b(), x[:SIZES[0]], y[:SIZES[0]])  # warm-up
        fit_t = {n: {s: [] for s in SIZES} for n in ("rkeras", "plain Keras")}
        for rep in range(args.repeats):
            sizes = SIZES if rep % 2 == 0 else SIZES[::-1]
            for s in sizes:
                xs, ys = x[:s], y[:s]
                order = ["rkeras", "plain Keras"] if (rep + SIZES.index(s)) % 2 == 0 else ["plain Keras", "rkeras"]
                for name in order:
                    build, fit = ((T.build_rkeras, T.fit_rkeras) if name == "rkeras"
                                  else (T.build_plain, T.fit_plain))
                    keras.backend.clear_session()
                    model = build()
                    dt, _, other = C.clock(lambda: fit(model, xs, ys))
                    fit_t[name][s].append(dt)
                    print(f"  [{rep + 1}/{args.repeats}] fit {name:<12} n={s:<6} {C.fmt_s(dt)}"
                          f"  (other load {other:.2f} cores)", flush=True)
        res["fit"] = {n: {str(s): C.summary(v) for s, v in d.items()} for n, d in fit_t.items()}

    # ------------------------------------------------------------------ conversion
    conv_ok = True
    conv_repeats = 2 * args.repeats - 1  # cheap, and noisier than fit (memory bandwidth shared with others)
    try:
        from rkeras.r import to_python, to_r
        r_mats = {s: to_r(x[:s]) for s in SIZES}  # set-up, untimed
        np_mats = {s: np.ascontiguousarray(x[:s]) for s in SIZES}
        conv = {k: {s: [] for s in SIZES} for k in ("to_python (view)", "to_python(copy=True)", "to_r", "np.copy")}
        funcs = {"to_python (view)": lambda s: to_python(r_mats[s]),
                 "to_python(copy=True)": lambda s: to_python(r_mats[s], copy=True),
                 "to_r": lambda s: to_r(np_mats[s]),
                 "np.copy": lambda s: np.copy(np_mats[s])}
        with C.section("conversion scaling"):
            for k, fn in funcs.items():
                fn(SIZES[0])
            for rep in range(conv_repeats):
                for s in (SIZES if rep % 2 == 0 else SIZES[::-1]):
                    for k in (list(funcs) if rep % 2 == 0 else list(funcs)[::-1]):
                        dt, _, _ = C.clock(lambda: funcs[k](s), C.r_gc)
                        conv[k][s].append(dt)
                print(f"  [{rep + 1}/{conv_repeats}] " + "  ".join(
                    f"{k} {C.fmt_s(conv[k][SIZES[-1]][-1])}" for k in funcs) + " (n=60000)", flush=True)
        res["conversion"] = {k: {str(s): C.summary(v) for s, v in d.items()} for k, d in conv.items()}
    except Exception as error:  # noqa: BLE001  (R side missing or broken: report, keep the fit table)
        conv_ok = False
        res["conversion_error"] = repr(error)
        print(f"conversion scaling skipped: {error!r}")

    # ------------------------------------------------------------------ markdown
    header = ["series", "median time at n = " + " / ".join(f"{s // 1000 if s % 1000 == 0 else s / 1000}k" for s in SIZES),
              "per-sample cost b", "fixed cost a", "R²", "deviation from line", "time ratio per doubling"]
    rows, fits = [], {}
    for n in ("rkeras", "plain Keras"):
        meds = [statistics.median(fit_t[n][s]) for s in SIZES]
        fits[f"fit {n}"] = line_fit(SIZES, meds)
        rows.append(series_rows(f"fit, {n}", meds, fits[f"fit {n}"]))
    gap = [statistics.median(fit_t["rkeras"][s]) - statistics.median(fit_t["plain Keras"][s]) for s in SIZES]
    fits["fit rkeras − Keras"] = line_fit(SIZES, gap)
    if conv_ok:
        for k in ("to_python (view)", "to_python(copy=True)", "to_r", "np.copy"):
            meds = [statistics.median(conv[k][s]) for s in SIZES]
            fits[k] = line_fit(SIZES, meds)
            scale, unit = (1e9, "ns/sample")
            rows.append(series_rows(f"R → numpy {k}" if k.startswith("to_python") else
                                    ("numpy → R to_r (C-order)" if k == "to_r" else "np.copy (reference)"),
                                    meds, fits[k], unit, scale))
    res["fits"] = fits
    # The same fits on the minima: sporadic 2-5x slow calls from other processes sharing the 2 cores hit
    # every contender (np.copy too) and can move a median of a few runs; the minima show the intrinsic cost.
    series = {f"fit {n}": fit_t[n] for n in ("rkeras", "plain Keras")}
    if conv_ok:
        series.update({k: conv[k] for k in ("to_python(copy=True)", "to_r", "np.copy")})
    fits_min, rows_min = {}, []
    for k, d in series.items():
        mins = [min(d[s]) for s in SIZES]
        fits_min[k] = line_fit(SIZES, mins)
        scale, unit = (1e6, "µs/sample") if k.startswith("fit") else (1e9, "ns/sample")
        rows_min.append(series_rows(k, mins, fits_min[k], unit, scale))
    res["fits_min"] = fits_min

    def nonlinear_notes():
        notes = []
        for k, f in fits.items():
            if k == "fit rkeras − Keras":
                continue
            worst = max(abs(d) for d in f["dev_pct"])
            if k == "to_python (view)":
                notes.append(f"* `to_python` (view) does not grow with n (the view costs the same for every size: "
                             f"{', '.join(C.fmt_s(statistics.median(conv[k][s])) for s in SIZES)}), as intended.")
            elif worst > 10:
                share = abs(f["a"]) / (f["a"] + f["b"] * SIZES[-1]) if f["a"] + f["b"] * SIZES[-1] else 0
                notes.append(f"* {k}: up to {worst:.0f} % off the line; fixed cost a = {signed(f['a'])} "
                             f"({100 * share:.0f} % of the 60k time), per-doubling ratios "
                             f"{', '.join(f'{d:.2f}' for d in f['doubling'])}.")
            else:
                notes.append(f"* {k}: linear within {worst:.1f} % (R² {f['r2']:.4f}); "
                             f"{f['b'] * 1e6:.3g} µs per sample, a = {signed(f['a'])} per call.")
        return "\n".join(notes)

    g = fits["fit rkeras − Keras"]
    md = f"""## 6. Scaling with work: n = 7.5k, 15k, 30k, 60k samples

Command: `python benchmarks/bench_scaling.py` — one process, {args.repeats} rounds, sizes ascending then descending,
rkeras and Keras alternating; medians. Fit: 1 epoch, batch 128, fresh seeded model each time (so every point
includes Keras's per-call set-up: tracing the train step, building the dataset). Conversion: n × 784 double matrix,
{2 * args.repeats - 1} rounds, R's and Python's garbage collection before each timed call (untimed).
A line t = a + b·n is fitted to the medians.

{C.table(header, rows)}

The same lines fitted to the minimum of each size (the least-disturbed calls; other processes on the 2 cores
occasionally make a single call 2–5× slower, for every contender alike, np.copy included):

{C.table([h.replace("median time", "minimum time") for h in header], rows_min)}

{nonlinear_notes()}
* rkeras's extra time over Keras in fit: {', '.join(signed(v) for v in gap)} at the four sizes
  (line: {g['b'] * 1e9:.0f} ns/sample, a = {signed(g['a'])}). rkeras's per-sample work before fit is the NaN check
  (one pass over x, see table 1); the rest of its work is per call.
"""
    C.write_results("scaling", md, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
