"""Benchmark 1, training overhead: the MNIST dense lab through rkeras vs plain Keras.

Same process, same data arrays, same seed, same batch size, same model
(Dense(512, relu) -> Dense(10, softmax), rmsprop, categorical cross-entropy,
accuracy). Each round builds a fresh model in each contender (seeded, so both
start from identical weights), then times `fit` (1 epoch on the full 60,000
images, batch 128) and `predict` (the 10,000 test images) separately. The
contenders alternate (A B, then B A, ...). A warm-up round runs first (the
first fit in a process pays TensorFlow's one-off start-up, ~6 s here).

Data loading (file -> scaled float matrix and one-hot labels) and model
building are timed separately, also alternating.

The overhead is then taken apart: rkeras's checks before fit/predict
(`rkeras.model_data.as_model_data` etc.) are timed alone, along with a cheaper
NaN check that gives the same answer (proposed fix, see BENCHMARKS.md).

    python benchmarks/bench_training.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402
import numpy as np  # noqa: E402

EPOCHS, BATCH, SEED = 1, 128, 42
PREDICT_INNER = 3  # steady-state predict calls per contender per round


def load_rkeras():
    from rkeras import array_reshape, dataset_mnist, to_categorical

    mnist = dataset_mnist()
    x = array_reshape(mnist.train.x, (60000, 784)) / 255
    y = to_categorical(mnist.train.y, 10)
    xt = array_reshape(mnist.test.x, (10000, 784)) / 255
    return x, y, xt


def load_plain():
    import keras

    with np.load(os.path.join(os.environ["RKERAS_DATASETS"], "mnist.npz")) as f:
        xtr, ytr, xte = f["x_train"], f["y_train"], f["x_test"]
    x = xtr.reshape(60000, 784) / 255
    y = keras.utils.to_categorical(ytr, 10)
    xt = xte.reshape(10000, 784) / 255
    return x, y, xt


def build_rkeras():
    from rkeras import compile, keras_model_sequential, layer_dense, set_random_seed

    set_random_seed(SEED)
    model = (keras_model_sequential()
             >> layer_dense(units=512, activation="relu", input_shape=784)
             >> layer_dense(units=10, activation="softmax"))
    model >> compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics="accuracy")
    return model


def build_plain():
    import keras

    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([keras.Input(shape=(784,)),
                              keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def fit_rkeras(model, x, y):
    from rkeras import fit
    return model >> fit(x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)


def fit_plain(model, x, y):
    return model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)


def predict_rkeras(model, x):
    from rkeras import predict
    return model >> predict(x, verbose=0)


def predict_plain(model, x):
    return model.predict(x, verbose=0)


INNER: dict = {}


def blocked_c_copy(x: np.ndarray, dtype=np.float32, rows: int = 512) -> np.ndarray:
    """A C-ordered copy of an F-ordered 2-D array, in blocks of rows (cache-friendly transposition)."""
    out = np.empty(x.shape, dtype=dtype, order="C")
    for i in range(0, x.shape[0], rows):
        np.copyto(out[i:i + rows], x[i:i + rows], casting="unsafe")
    return out


def keras_input_work(x: np.ndarray):
    """What Keras's array adapter does with x once per fit call: cast the whole array, make it a tensor."""
    import tensorflow as tf
    return tf.convert_to_tensor(x.astype(np.float32))


def spy_on(model):
    """Time Keras's own fit/predict inside whichever call makes them (instance attributes; rkeras calls
    `model.fit(...)` on this very object). rkeras's own time per call = outer time - INNER[...]."""
    import time

    for method in ("fit", "predict"):
        original = getattr(model, method)

        def timed(*a, _original=original, _method=method, **k):
            t0 = time.perf_counter()
            try:
                return _original(*a, **k)
            finally:
                INNER[_method] = time.perf_counter() - t0

        object.__setattr__(model, method, timed)
    return model


def fast_finite(array: np.ndarray) -> bool:
    """Proposed cheaper check: one reduction, no temporary boolean array.

    The sum of finite float64 values can only be non-finite by overflow
    (|values| near 1e308); only then is the full elementwise check needed.
    """
    total = np.add.reduce(array, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(array).all())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    args = ap.parse_args(argv)
    machine = C.machine()

    import keras  # noqa: F401  (imported before timing anything)

    import rkeras  # noqa: F401
    from rkeras.model_data import as_model_data, check_input_shape, check_lengths

    res: dict = {"machine": machine, "repeats": args.repeats}

    with C.section("data loading"):
        load = C.alternate({"rkeras": load_rkeras, "plain Keras": load_plain},
                           repeats=args.repeats)
        x, y, xt = load_rkeras()
        x2, y2, xt2 = load_plain()
        assert np.array_equal(x, x2) and np.array_equal(y, y2) and np.array_equal(xt, xt2)
        del x2, y2, xt2
        res["load"] = load

    with C.section("model building"):
        build = C.alternate({"rkeras": build_rkeras, "plain Keras": build_plain},
                            repeats=args.repeats)
        res["build"] = build

    with C.section("fit and predict"):
        contenders = {"rkeras": (build_rkeras, fit_rkeras, predict_rkeras),
                      "plain Keras": (build_plain, fit_plain, predict_plain)}
        # Warm-up: one full round each (TF's first fit in a process costs several seconds more).
        for name, (build_fn, fit_fn, pred_fn) in contenders.items():
            m = build_fn()
            fit_fn(m, x, y)
            pred_fn(m, xt)
        fit_t = {n: [] for n in contenders}
        own_fit = {n: [] for n in contenders}
        own_pred = {n: [] for n in contenders}
        first_t = {n: [] for n in contenders}
        pred_t = {n: [] for n in contenders}
        other = {n: [] for n in contenders}
        pother = {n: [] for n in contenders}
        losses = {n: [] for n in contenders}
        names = list(contenders)
        for rep in range(args.repeats):
            keras.backend.clear_session()
            models = {}
            for name in (names if rep % 2 == 0 else names[::-1]):
                build_fn, fit_fn, pred_fn = contenders[name]
                model = models[name] = spy_on(build_fn())
                dt, hist, o1 = C.clock(lambda: fit_fn(model, x, y))
                own_fit[name].append(dt - INNER["fit"])
                dp, _, _ = C.clock(lambda: pred_fn(model, xt))  # first call: traces predict
                h = hist.history if hasattr(hist, "history") else hist.metrics
                loss = float(np.asarray(h["loss"])[-1])
                fit_t[name].append(dt)
                first_t[name].append(dp)
                other[name].append(o1)
                losses[name].append(loss)
                print(f"  [{rep + 1}/{args.repeats}] {name:<12} fit {C.fmt_s(dt)}  first predict {C.fmt_s(dp)}"
                      f"  loss {loss:.6f}  (other load {o1:.2f} cores)", flush=True)
            # Steady-state predict: both trained models, alternating, PREDICT_INNER calls each.
            for k in range(PREDICT_INNER):
                for name in (names if (rep + k) % 2 == 0 else names[::-1]):
                    dp, _, o2 = C.clock(lambda: contenders[name][2](models[name], xt))
                    pred_t[name].append(dp)
                    own_pred[name].append(dp - INNER["predict"])
                    pother[name].append(o2)
            print(f"  [{rep + 1}/{args.repeats}] predict " + "  ".join(
                f"{n} {C.fmt_s(min(pred_t[n][-PREDICT_INNER:]))}–{C.fmt_s(max(pred_t[n][-PREDICT_INNER:]))}"
                for n in names), flush=True)
        res["fit"] = {n: {**C.summary(fit_t[n]), "other_cores": other[n], "loss": losses[n]} for n in names}
        res["first_predict"] = {n: C.summary(first_t[n]) for n in names}
        res["predict"] = {n: {**C.summary(pred_t[n]), "other_cores": pother[n]} for n in names}
        res["fit_ratio"] = C.paired_ratio(fit_t["rkeras"], fit_t["plain Keras"])
        res["first_predict_ratio"] = C.paired_ratio(first_t["rkeras"], first_t["plain Keras"])
        res["predict_ratio"] = C.paired_ratio(pred_t["rkeras"], pred_t["plain Keras"])
        res["same_loss"] = losses["rkeras"] == losses["plain Keras"]
        # Within-call measure: immune to the call-to-call noise of the shared machine.
        res["own"] = {}
        for what, own, outer in (("fit", own_fit, fit_t), ("predict", own_pred, pred_t)):
            inner = [o - w for o, w in zip(outer["rkeras"], own["rkeras"])]
            res["own"][what] = {"rkeras_own": C.summary(own["rkeras"]), "keras_own": C.summary(own["plain Keras"]),
                                "inner": C.summary(inner),
                                "ratio": statistics.median(o / i for o, i in zip(outer["rkeras"], inner))}

    with C.section("data layout: x as R hands it over (Fortran order)"):
        # An R matrix reaches Python as a zero-copy, Fortran-ordered view (rkeras.r.to_python).
        # Each batch is then a gather of rows whose elements lie 60000 x 8 bytes apart.
        x_f = np.asfortranarray(x)
        layouts = {
            "x C-ordered (numpy's layout)": lambda: x,
            "x F-ordered (R's layout, as to_python gives it)": lambda: x_f,
            "x F-ordered, made C-ordered first (timed)": lambda: np.ascontiguousarray(x_f),
        }
        lay = {n: [] for n in layouts}
        names_l = list(layouts)
        for rep in range(args.repeats):
            for name in (names_l if rep % 2 == 0 else names_l[::-1]):
                keras.backend.clear_session()
                model = build_rkeras()
                make = layouts[name]
                dt, _, o = C.clock(lambda: fit_rkeras(model, make(), y))
                lay[name].append(dt)
                print(f"  [{rep + 1}] {name:<52} fit {C.fmt_s(dt)}  (other load {o:.2f} cores)", flush=True)
        res["layout"] = {n: C.summary(v) for n, v in lay.items()}
        assert np.array_equal(blocked_c_copy(x_f), x.astype(np.float32))
        res["layout_parts"] = C.alternate({
            "Keras's per-call input work (astype float32 + tensor), x C-ordered": lambda: keras_input_work(x),
            "Keras's per-call input work, x F-ordered (R's layout)": lambda: keras_input_work(x_f),
            "np.ascontiguousarray(x F-ordered, float32)": lambda: np.ascontiguousarray(x_f, dtype=np.float32),
            "blocked F→C float32 copy (512 rows at a time)": lambda: blocked_c_copy(x_f),
        }, repeats=args.repeats)
        x_f = None   # free it (the timed lambdas above hold the name)

    with C.section("where the overhead is"):
        model = build_plain()

        def checks_fit():
            xx = as_model_data(x, "x")
            yy = as_model_data(y, "y")
            check_lengths(xx, yy)
            check_input_shape(model, xx)

        def checks_predict():
            check_input_shape(model, as_model_data(xt, "x"))

        parts = C.alternate({
            "rkeras checks before fit (x 60000x784, y)": checks_fit,
            "  elementwise np.isfinite(x).all() (for comparison)": lambda: np.isfinite(x).all(),
            "  one summing pass over x and y (for comparison)": lambda: (fast_finite(x), fast_finite(y)),
            "rkeras checks before predict (10000x784)": checks_predict,
            "  one summing pass over x_test (for comparison)": lambda: fast_finite(xt),
        }, repeats=args.repeats)
        res["parts"] = parts

    # ---------------------------------------------------------------- markdown
    fr, pr = res["fit_ratio"], res["predict_ratio"]
    f, p, lo, b = res["fit"], res["predict"], res["load"], res["build"]
    fp, fpr = res["first_predict"], res["first_predict_ratio"]
    rows = [
        ["data loading (npz → scaled float64 + one-hot)", C.cell(lo["rkeras"]), C.cell(lo["plain Keras"]),
         f"{lo['rkeras']['median'] / lo['plain Keras']['median']:.3f}", "–"],
        ["model building + compile", C.cell(b["rkeras"]), C.cell(b["plain Keras"]),
         f"{b['rkeras']['median'] / b['plain Keras']['median']:.3f}", "–"],
        [f"**fit** ({EPOCHS} epoch, 60000 samples, batch {BATCH})", C.cell(f["rkeras"]), C.cell(f["plain Keras"]),
         f"**{fr['ratio_of_medians']:.3f}** (paired {fr['paired_min']:.3f}–{fr['paired_max']:.3f})",
         f"≤ 1.02: {C.verdict(fr['ratio_of_medians'], 1.02)}"],
        ["first predict after fit (10000 samples, includes tracing)", C.cell(fp["rkeras"]),
         C.cell(fp["plain Keras"]), f"{fpr['ratio_of_medians']:.3f}", "–"],
        [f"**predict** (10000 samples, steady state, {args.repeats}×{PREDICT_INNER} calls)", C.cell(p["rkeras"]),
         C.cell(p["plain Keras"]),
         f"**{pr['ratio_of_medians']:.3f}** (paired {pr['paired_min']:.3f}–{pr['paired_max']:.3f})",
         f"≤ 1.02: {C.verdict(pr['ratio_of_medians'], 1.02)}"],
    ]
    other_all = f["rkeras"]["other_cores"] + f["plain Keras"]["other_cores"]
    prow = [[n, C.cell(v)] for n, v in parts.items()]
    fit_gap = f["rkeras"]["median"] - f["plain Keras"]["median"]
    pred_gap = p["rkeras"]["median"] - p["plain Keras"]["median"]
    md = f"""## 1. Training overhead: rkeras verbs vs plain Keras (MNIST dense lab)

Command: `python benchmarks/bench_training.py` — one process, contenders alternating, {args.repeats} rounds after a
warm-up round; median (min–max). Each round builds a fresh, identically seeded model in each contender.
Same arrays for both (float64 60000×784 scaled to [0, 1], one-hot float64 labels).
Final training loss identical in every round: **{res['same_loss']}**
(rkeras {f['rkeras']['loss'][0]:.6f}, Keras {f['plain Keras']['loss'][0]:.6f} in round 1).
Ratio of the minima (least disturbed runs): fit {f['rkeras']['min'] / f['plain Keras']['min']:.3f},
predict {p['rkeras']['min'] / p['plain Keras']['min']:.3f}.
Other processes kept {min(other_all):.2f}–{max(other_all):.2f} cores busy during the fit rounds
(load average at start {machine['loadavg_at_start']}).

{C.table(["step", "rkeras", "plain Keras", "ratio rkeras/Keras", "goal"], rows)}

**Within the same call** (the noise-free measure): rkeras's own time around Keras's `model.fit` / `model.predict`
(outer call minus Keras's method, timed on the model object in the same call; the plain-Keras contender's
wrapper cost is shown for reference):

{C.table(["call", "rkeras's own time per call (median, min–max)", "Keras's own method (median)", "rkeras total / Keras inside", "goal"],
         [[w, C.cell(o["rkeras_own"]), C.fmt_s(o["inner"]["median"]), f"**{o['ratio']:.4f}**", f"≤ 1.02: {C.verdict(o['ratio'], 1.02)}"]
          for w, o in res["own"].items()])}

Difference of medians: fit {C.fmt_s(fit_gap) if fit_gap > 0 else '-' + C.fmt_s(-fit_gap)}, predict
{C.fmt_s(pred_gap) if pred_gap > 0 else '-' + C.fmt_s(-pred_gap)}. What rkeras adds in front of Keras, timed alone
(same process, alternating, {args.repeats} runs):

{C.table(["rkeras step", "time"], prow)}
"""
    base = res["layout"]["x C-ordered (numpy's layout)"]["median"]
    lrows = [[n, C.cell(v), f"{v['median'] / base:.3f}"] for n, v in res["layout"].items()]
    md += f"""
**Data layout.** In the R path, `fit` receives R's matrix as a zero-copy, Fortran-ordered (column-major) view.
The same rkeras fit (1 epoch, 60000, batch 128), alternating, {len(next(iter(res['layout'].values()))['runs'])} runs each; the last row
includes the one-off conversion in the timed call:

{C.table(["x given to fit", "fit time", "vs C-ordered"], lrows)}

Keras turns x into one tensor per fit call (`ArrayDataAdapter`: `x.astype(float32)` keeps the F order, then
`tf.data.Dataset.from_tensors`, whose tensor conversion needs C order); those steps alone, alternating,
{args.repeats} runs each:

{C.table(["step", "time"], [[n, C.cell(v)] for n, v in res["layout_parts"].items()])}
"""
    C.write_results("training", md, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
