"""`rkeras doctor`: what is installed, whether each part works, and what to do if not."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from typing import Callable

from .progress import shows_progress

R_DEBS = ("r-base-core r-base-dev r-cran-magrittr r-cran-zeallot r-cran-ggplot2 "
          "r-cran-knitr r-cran-jsonlite")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _check(label: str, probe: Callable[[], str], advice: str) -> bool:
    # On a terminal, say which check is running (loading Keras or starting R
    # takes seconds), then overwrite that line with the result.
    live = sys.stdout.isatty() and shows_progress(sys.stdout)
    if live:
        print(f"  [..]   {label} ...", end="", flush=True)
    clear = "\r\033[K" if live else ""
    try:
        detail = probe()
        print(f"{clear}  [ok]   {label}: {detail}", flush=True)
        return True
    except Exception as error:
        print(f"{clear}  [FAIL] {label}: {type(error).__name__}: {error}\n         -> {advice}",
              flush=True)
        return False


def _keras_works() -> str:
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    return f"trained a tiny model with the {keras.backend.backend()} backend"


def _r_version() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise FileNotFoundError("Rscript is not on PATH")
    out = subprocess.run([rscript, "--version"], capture_output=True, text=True, check=True)
    return (out.stdout or out.stderr).strip().splitlines()[0]


def _r_packages() -> str:
    code = ('p <- c("magrittr","zeallot","ggplot2","knitr","jsonlite"); '
            'm <- p[!vapply(p, requireNamespace, TRUE, quietly=TRUE)]; '
            'if (length(m)) stop("missing R packages: ", paste(m, collapse=", ")); cat("all present")')
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1])
    return out.stdout.strip() + " (magrittr, zeallot, ggplot2, knitr, jsonlite)"


def _bridge() -> str:
    from .r import r_eval

    value = r_eval("R.version.string")
    return f"embedded R answers: {list(value)[0]}"


def _front_end() -> str:
    from .r import r_eval
    from .r.frontend import install

    seconds = install()
    count = int(list(r_eval('length(ls(as.environment("rkeras")))'))[0])
    formals = list(r_eval('names(formals(layer_dense))[1:3]'))
    return f"{count} R functions attached in {seconds:.2f} s; layer_dense({', '.join(formals)}, ...)"


def _datasets() -> str:
    from .datasets import dataset_boston_housing

    data = dataset_boston_housing()
    return f"dataset_boston_housing() found: {data.train.x.shape[0]} training rows"


def report() -> int:
    # Nothing here imports TensorFlow, Keras or R: the first lines show at once.
    print("rkeras doctor", flush=True)
    print(f"  Python      {sys.version.split()[0]} ({platform.platform()})")
    for name in ("rkeras", "keras", "tensorflow-cpu", "tensorflow", "numpy", "pandas",
                 "matplotlib", "rpy2", "rpy2-rinterface"):
        print(f"  {name:<11} {_version(name)}")
    print(f"  RKERAS_DATASETS = {os.environ.get('RKERAS_DATASETS', '(unset: Keras cache / download)')}")
    print("checks:", flush=True)
    results = [
        _check("Keras + TensorFlow", _keras_works,
               "pip install 'tensorflow-cpu>=2.16' (or tensorflow for GPUs) in this environment"),
        _check("R", _r_version, f"apt-get install -y {R_DEBS}"),
        _check("R packages", _r_packages, f"apt-get install -y {R_DEBS}"),
        _check("rpy2 bridge", _bridge,
               "pip install 'rpy2==3.6.6' 'rpy2-rinterface==3.6.5' (R 4.2) or the latest rpy2 (R >= 4.5)"),
        _check("R front end", _front_end, "reinstall rkeras (pip install -e .) so rkeras/r/R/*.R ship"),
        _check("datasets", _datasets,
               "set RKERAS_DATASETS to a folder with Keras's dataset files, or allow downloads"),
    ]
    print("all good" if all(results) else "some parts need attention (see -> lines)")
    return 0 if all(results) else 1
