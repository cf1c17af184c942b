"""A soak of the bridge: thousands of alternating Python <-> R calls with large arrays.

Resident memory is sampled after a warm-up and at the end; it must stay within
a stated bound (no leak of converted arrays, handles or R objects). Run in a
subprocess so the measurement sees only the soak.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

ROUNDS = 2000
BOUND_MB = 60   # stated bound on RSS growth after warm-up (one round moves ~1.6 MB each way)

SOAK = textwrap.dedent(f"""
    import gc, json, numpy as np, psutil
    from rkeras.r import r_eval, to_python, to_r
    from rkeras.r.evaluate import r_assign
    import keras
    process = psutil.Process()
    r_eval("f <- function(a) a * 2")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    def one_round(i):
        a = np.random.default_rng(i).normal(size=(200, 1000))   # 1.6 MB
        back = to_python(r_eval("function(a) f(a)")(to_r(a)))   # Python -> R -> Python
        assert back.shape == (200, 1000) and abs(back[0, 0] - 2 * a[0, 0]) < 1e-12
        r_assign("m", to_r(model))                             # a handle each round
        assert to_python(r_eval("m")) is model
        ints = to_python(r_eval("sample.int(1000L, 50000L, replace = TRUE)"))
        assert ints.shape == (50000,)
    for i in range(200):
        one_round(i)
    gc.collect(); r_eval("invisible(gc())")
    start = process.memory_info().rss
    samples = []
    for i in range(200, 200 + {ROUNDS}):
        one_round(i)
        if i % 250 == 0:
            samples.append(process.memory_info().rss)
    gc.collect(); r_eval("invisible(gc())")
    end = process.memory_info().rss
    print(json.dumps({{"start_mb": start / 2**20, "end_mb": end / 2**20,
                      "max_mb": max(samples + [end]) / 2**20, "rounds": {ROUNDS}}}))
""")


def test_alternating_calls_do_not_grow_memory():
    result = subprocess.run([sys.executable, "-c", SOAK], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    growth = figures["end_mb"] - figures["start_mb"]
    print(f"soak: {figures['rounds']} rounds, RSS {figures['start_mb']:.0f} MB -> "
          f"{figures['end_mb']:.0f} MB (max {figures['max_mb']:.0f} MB)")
    assert growth < BOUND_MB, figures
