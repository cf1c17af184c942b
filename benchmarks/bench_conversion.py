"""Benchmark 3, conversion: rkeras's R <-> Python converters vs rpy2's stock ones vs a memory copy.

Data:
* MNIST's training images as an R integer array, dim c(60000, 28, 28) (188.2 MB),
  and the same as a numpy int32 array (60000, 28, 28);
* a 60000 x 784 double matrix (376.3 MB): the scaled images, and the numpy float64 array;
* a data frame of 100,000 rows x 20 columns: 4 double, 4 integer, 3 logical,
  3 factor, 3 character, 3 Date (no NA: rpy2's pandas2ri mangles NA, see
  environment.md 3e, and the comparison would not be like for like).

Contenders, alternating in one process, each `--repeats` times after a warm-up:
* R -> numpy: `rkeras.r.to_python(x)` (zero-copy view where the layout allows),
  `to_python(x, copy=True)`, rpy2 `numpy2ri` (`cv.rpy2py`), and `np.copy` of a
  numpy array of the same bytes and layout (the memory-bandwidth limit).
* numpy -> R: `rkeras.r.to_r(a)` of the C-ordered numpy array (what numpy code
  normally has), the same with the compiled copy switched off (numpy's blocked
  copy, what runs where `_column_major.c` could not be built), of the F-ordered
  one, rpy2 `numpy2ri` (`cv.py2rpy`), against `np.copy(a)` (one plain copy of the
  same bytes) and `np.asfortranarray(a)` (one transposing copy: R is column-major,
  so C-ordered data must be reordered); MNIST's uint8 images too (as
  `dataset_mnist()` hands them to R), against one widening copy `a.astype(int32)`.
* data frame both ways: `to_python`/`to_r` vs `pandas2ri`, against a deep
  `DataFrame.copy()`.

    python benchmarks/bench_conversion.py [--repeats N] [--only py2r]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402
import numpy as np  # noqa: E402

DF_R = """
local({
  set.seed(1)
  n <- 100000L
  lv <- c("low", "mid", "high")
  words <- c("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
  data.frame(
    d1 = rnorm(n), d2 = runif(n), d3 = rnorm(n, 10), d4 = rexp(n),
    i1 = sample.int(1000L, n, TRUE), i2 = seq_len(n), i3 = sample(-5:5, n, TRUE), i4 = rpois(n, 3),
    l1 = runif(n) < 0.5, l2 = rep(c(TRUE, FALSE), length.out = n), l3 = runif(n) < 0.1,
    f1 = factor(sample(lv, n, TRUE), levels = lv), f2 = factor(sample(letters, n, TRUE)),
    f3 = factor(sample(words, n, TRUE)),
    c1 = sample(words, n, TRUE), c2 = paste0("id", seq_len(n)), c3 = sample(month.name, n, TRUE),
    t1 = as.Date("2020-01-01") + sample.int(3650L, n, TRUE), t2 = as.Date("1969-12-31") - seq_len(n) %% 500L,
    t3 = as.Date("2000-02-29") + seq_len(n) %% 7L,
    stringsAsFactors = FALSE)
})
"""


def load_images() -> tuple[np.ndarray, np.ndarray]:
    with np.load(os.path.join(os.environ["RKERAS_DATASETS"], "mnist.npz")) as f:
        images = f["x_train"]
    return images.astype(np.int32), images.reshape(60000, 784) / 255


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    ap.add_argument("--only", choices=["all", "py2r"], default="all",
                    help="py2r: only numpy -> R (prints its tables; writes no results file)")
    args = ap.parse_args(argv)
    machine = C.machine()
    res: dict = {"machine": machine, "repeats": args.repeats}

    from rpy2.robjects import default_converter, numpy2ri, pandas2ri
    from rpy2.robjects.conversion import localconverter

    import rkeras  # noqa: F401
    from rkeras.r import r_eval, to_python, to_r
    from rkeras.r.convert import column_major

    def to_r_numpy_copy(a):
        with column_major.numpy_only():
            return to_r(a)

    np_cv = default_converter + numpy2ri.converter
    pd_cv = default_converter + pandas2ri.converter

    def numpy2ri_rpy2py(r):
        with localconverter(np_cv) as cv:
            return cv.rpy2py(r)

    def numpy2ri_py2rpy(a):
        with localconverter(np_cv) as cv:
            return cv.py2rpy(a)

    def pandas2ri_rpy2py(r):
        with localconverter(pd_cv) as cv:
            return cv.rpy2py(r)

    def pandas2ri_py2rpy(df):
        with localconverter(pd_cv) as cv:
            return cv.py2rpy(df)

    int_c, dbl_c = load_images()
    int_f, dbl_f = np.asfortranarray(int_c), np.asfortranarray(dbl_c)
    u8_c = int_c.astype(np.uint8)
    res["compiled_copy"] = {"available": column_major.compiled_available(),
                            "avx2": column_major.compiled_simd()}
    same = r_eval("function(a, b) identical(a, b)")
    for a in (int_c, dbl_c, u8_c):      # what is timed gives R's own result, both paths
        with column_major.numpy_only():
            ref = to_r(a)
        assert same(to_r(a), ref)[0] and same(to_r(np.asfortranarray(a)), ref)[0]

    def block(title, contenders):
        with C.section(title):
            return C.alternate(contenders, repeats=args.repeats, before=C.r_gc)

    def py2r_blocks():
        res["int_py2r"] = block("numpy int32 (60000,28,28) -> R", {
            "rkeras to_r (C-order array)": lambda: to_r(int_c),
            "rkeras to_r (C-order, numpy copy)": lambda: to_r_numpy_copy(int_c),
            "rkeras to_r (F-order array)": lambda: to_r(int_f),
            "rpy2 numpy2ri (C-order array)": lambda: numpy2ri_py2rpy(int_c),
            "np.copy, same bytes (C→C)": lambda: np.copy(int_c),
            "np.asfortranarray (C→F, transposing)": lambda: np.asfortranarray(int_c),
        })
        res["dbl_py2r"] = block("numpy float64 (60000,784) -> R", {
            "rkeras to_r (C-order array)": lambda: to_r(dbl_c),
            "rkeras to_r (C-order, numpy copy)": lambda: to_r_numpy_copy(dbl_c),
            "rkeras to_r (F-order array)": lambda: to_r(dbl_f),
            "rpy2 numpy2ri (C-order array)": lambda: numpy2ri_py2rpy(dbl_c),
            "np.copy, same bytes (C→C)": lambda: np.copy(dbl_c),
            "np.asfortranarray (C→F, transposing)": lambda: np.asfortranarray(dbl_c),
        })
        res["u8_py2r"] = block("numpy uint8 (60000,28,28) -> R integer", {
            "rkeras to_r (C-order array)": lambda: to_r(u8_c),
            "rkeras to_r (C-order, numpy copy)": lambda: to_r_numpy_copy(u8_c),
            "a.astype(int32) (C→C, widening)": lambda: u8_c.astype(np.int32),
        })

    # Set-up (untimed): the R objects. They stay alive in every mode: R's own heap (and so
    # whether a large allocation makes R collect first, ~20 ms) is then the same in all runs.
    r_int = to_r(int_c)
    r_dbl = to_r(dbl_c)
    if args.only == "py2r":
        py2r_blocks()
        for key, base in (("int_py2r", "np.copy, same bytes (C→C)"), ("dbl_py2r", "np.copy, same bytes (C→C)"),
                          ("u8_py2r", "a.astype(int32) (C→C, widening)")):
            b = res[key][base]["median"]
            print(key, f"(load average {C.loadavg()})")
            for name, st in res[key].items():
                pr = C.paired_ratio(st["times"], res[key][base]["times"])
                print(f"  | {name} | {C.cell(st)} | {st['median'] / b:.2f}× | "
                      f"{pr['paired_median']:.2f}× ({pr['paired_min']:.2f}–{pr['paired_max']:.2f}) |")
        return 0
    # Correctness of what is timed.
    v = to_python(r_int)
    assert v.shape == (60000, 28, 28) and np.array_equal(v, int_c)
    zero_copy_int = {"owndata": bool(v.flags.owndata), "writeable": bool(v.flags.writeable),
                     "f_contiguous": bool(v.flags.f_contiguous)}
    v = to_python(r_dbl)
    assert v.shape == (60000, 784) and np.array_equal(v, dbl_c)
    zero_copy_dbl = {"owndata": bool(v.flags.owndata), "writeable": bool(v.flags.writeable),
                     "f_contiguous": bool(v.flags.f_contiguous)}
    assert same(to_r(int_c), r_int)[0]
    assert np.array_equal(numpy2ri_rpy2py(r_int), int_c)
    del v
    res["zero_copy"] = {"int": zero_copy_int, "double": zero_copy_dbl}

    res["int_r2py"] = block("R integer array 60000x28x28 -> numpy", {
        "rkeras to_python (view)": lambda: to_python(r_int),
        "rkeras to_python(copy=True)": lambda: to_python(r_int, copy=True),
        "rpy2 numpy2ri": lambda: numpy2ri_rpy2py(r_int),
        "np.copy, same bytes (F-order)": lambda: np.copy(int_f, order="K"),
    })
    res["dbl_r2py"] = block("R double matrix 60000x784 -> numpy", {
        "rkeras to_python (view)": lambda: to_python(r_dbl),
        "rkeras to_python(copy=True)": lambda: to_python(r_dbl, copy=True),
        "rpy2 numpy2ri": lambda: numpy2ri_rpy2py(r_dbl),
        "np.copy, same bytes (F-order)": lambda: np.copy(dbl_f, order="K"),
    })
    py2r_blocks()
    int_f = dbl_f = u8_c = r_int = r_dbl = None   # free them (the timed lambdas above hold the names)

    # ------------------------------------------------------------ data frame
    r_df = r_eval(DF_R)
    pdf = to_python(r_df)
    pdf_pandas2ri = pandas2ri_rpy2py(r_df)
    res["df_dtypes"] = {"rkeras": {k: str(v) for k, v in pdf.dtypes.items()},
                        "pandas2ri": {k: str(v) for k, v in pdf_pandas2ri.dtypes.items()}}
    df_round_trip = bool(same(to_r(pdf), r_df)[0])
    try:
        p2_round_trip = bool(same(pandas2ri_py2rpy(pdf_pandas2ri), r_df)[0])
    except Exception as error:  # noqa: BLE001
        p2_round_trip = f"failed: {error}"
    res["df_identical_round_trip"] = {"rkeras": df_round_trip, "pandas2ri": p2_round_trip}
    res["df_r2py"] = block("data.frame 100000x20 -> pandas", {
        "rkeras to_python": lambda: to_python(r_df),
        "rpy2 pandas2ri": lambda: pandas2ri_rpy2py(r_df),
        "DataFrame.copy(deep=True)": lambda: pdf.copy(deep=True),
    })
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res["df_py2r"] = block("pandas 100000x20 -> data.frame", {
            "rkeras to_r": lambda: to_r(pdf),
            "rpy2 pandas2ri (its own frame)": lambda: pandas2ri_py2rpy(pdf_pandas2ri),
            "DataFrame.copy(deep=True)": lambda: pdf.copy(deep=True),
        })

    # ------------------------------------------------------------ markdown
    def rows(block_res, base_name, extra_base=None):
        base = block_res[base_name]["median"]
        out = []
        for name, st in block_res.items():
            r = st["median"] / base
            cols = [name, C.cell(st), f"{r:.2f}×"]
            if extra_base:
                cols.append(f"{st['median'] / block_res[extra_base]['median']:.2f}×")
            out.append(cols)
        return out

    ir, dr = res["int_r2py"], res["dbl_r2py"]
    ip, dp = res["int_py2r"], res["dbl_py2r"]
    view_int, view_dbl = ir["rkeras to_python (view)"]["median"], dr["rkeras to_python (view)"]["median"]
    ratio_int = ip["rkeras to_r (C-order array)"]["median"] / ip["np.copy, same bytes (C→C)"]["median"]
    ratio_dbl = dp["rkeras to_r (C-order array)"]["median"] / dp["np.copy, same bytes (C→C)"]["median"]
    ratio_int_f = ip["rkeras to_r (F-order array)"]["median"] / ip["np.copy, same bytes (C→C)"]["median"]
    ratio_dbl_f = dp["rkeras to_r (F-order array)"]["median"] / dp["np.copy, same bytes (C→C)"]["median"]
    res["goals"] = {"r2py_view_int_s": view_int, "r2py_view_dbl_s": view_dbl,
                    "py2r_int_vs_copy": ratio_int, "py2r_dbl_vs_copy": ratio_dbl,
                    "py2r_int_F_vs_copy": ratio_int_f, "py2r_dbl_F_vs_copy": ratio_dbl_f}
    dfr, dfp = res["df_r2py"], res["df_py2r"]
    md = f"""## 3. Conversion: rkeras converters vs rpy2's numpy2ri/pandas2ri vs a plain copy

Command: `python benchmarks/bench_conversion.py` — one process, contenders alternating, {args.repeats} runs each after a
warm-up; median (min–max); ratio = median / median of the baseline row marked "np.copy". Objects are created
once, untimed (the R objects with `to_r`); each timed call converts the whole object. Before each timed call
(untimed): Python's and R's garbage collection.
Load average at start: {machine['loadavg_at_start']}.

**R → numpy.** `to_python` returns a read-only, Fortran-ordered view on R's memory: int array
{zero_copy_int}, double matrix {zero_copy_dbl}.

R integer array `dim = c(60000, 28, 28)` (MNIST training images, 188.2 MB):

{C.table(["R → numpy", "time", "vs np.copy"], rows(ir, "np.copy, same bytes (F-order)"))}

R double matrix 60000 × 784 (376.3 MB):

{C.table(["R → numpy", "time", "vs np.copy"], rows(dr, "np.copy, same bytes (F-order)"))}

Goal "R → numpy without a copy where the layout allows (≈ 0 s)": {C.fmt_s(view_int)} (int array),
{C.fmt_s(view_dbl)} (double matrix): {'**met**' if max(view_int, view_dbl) < 0.005 else '**not met**'}.

**numpy → R.** numpy int32 (60000, 28, 28):

{C.table(["numpy → R", "time", "vs np.copy", "vs transposing copy"],
         rows(ip, "np.copy, same bytes (C→C)", "np.asfortranarray (C→F, transposing)"))}

numpy float64 (60000, 784):

{C.table(["numpy → R", "time", "vs np.copy", "vs transposing copy"],
         rows(dp, "np.copy, same bytes (C→C)", "np.asfortranarray (C→F, transposing)"))}

numpy uint8 (60000, 28, 28) → R integer (as `dataset_mnist()` gives MNIST's images to R):

{C.table(["numpy → R", "time", "vs astype(int32)"], rows(res["u8_py2r"], "a.astype(int32) (C→C, widening)"))}

Compiled copy (`rkeras/r/convert/_column_major.c`): {res["compiled_copy"]}; "numpy copy" rows: the same
`to_r` with it switched off (what runs where it could not be built).

Goal "numpy → R within 1.5× of one copy" (C-ordered input vs `np.copy`): int {ratio_int:.2f}×
{C.verdict(ratio_int, 1.5)}, double {ratio_dbl:.2f}× {C.verdict(ratio_dbl, 1.5)}. F-ordered input (no reordering
needed): int {ratio_int_f:.2f}×, double {ratio_dbl_f:.2f}×.

**Data frame** 100,000 rows × 20 columns (4 double, 4 integer, 3 logical, 3 factor, 3 character, 3 Date; no NA).
Column types in pandas — rkeras: {sorted(set(res['df_dtypes']['rkeras'].values()))};
pandas2ri: {sorted(set(res['df_dtypes']['pandas2ri'].values()))} (Date as float64 days).
R → pandas → R gives an `identical()` data frame: rkeras **{df_round_trip}**, pandas2ri **{p2_round_trip}**.

{C.table(["R → pandas", "time", "vs rkeras"], rows(dfr, "rkeras to_python"))}

{C.table(["pandas → R", "time", "vs rkeras"], rows(dfp, "rkeras to_r"))}
"""
    C.write_results("conversion", md, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
