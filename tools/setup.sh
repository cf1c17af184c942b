#!/usr/bin/env bash
# Set up everything rkeras needs, idempotently: R from Debian (when missing),
# then a virtual environment in .venv with rkeras and its test extras.
# Called by `make demo` / `make test`; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
# R packages the bridge uses: %>% (magrittr), %<-% (zeallot), plot(history) (ggplot2),
# the R vignettes (knitr), and R's headers so rpy2 builds its fast API mode.
R_DEBS="r-base-core r-base-dev r-cran-magrittr r-cran-zeallot r-cran-ggplot2 r-cran-knitr r-cran-jsonlite r-cran-reticulate"
APT_CMD="apt-get install -y --no-install-recommends $R_DEBS"

r_ready() {
  command -v Rscript >/dev/null 2>&1 && [ -f /usr/share/R/include/R.h ] &&
    Rscript -e 'for (p in c("magrittr","zeallot","ggplot2","knitr","jsonlite")) if (!requireNamespace(p, quietly=TRUE)) quit(status=1)' >/dev/null 2>&1
}

if ! r_ready; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo ">> Installing R from Debian: $R_DEBS"
    export DEBIAN_FRONTEND=noninteractive
    $APT_CMD >/dev/null || { apt-get update -q >/dev/null && $APT_CMD >/dev/null; }
  else
    echo ">> R (with magrittr, zeallot, ggplot2, knitr) is missing. Install it with:"
    echo "     sudo $APT_CMD"
    echo "   The Python verbs work without R; the R bridge and its tests need it."
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo ">> Creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
echo ">> Installing rkeras and its test extras into $VENV (CPU-only TensorFlow)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]" 2>&1 \
  | grep -v -E "^WARNING: Location .* is ignored" || true
# rpy2 compiles against R when R is present; if it was built before R existed
# (ABI mode), rebuild it now so the bridge uses the faster API mode.
if command -v R >/dev/null 2>&1 && ! "$VENV/bin/python" -c "import _rinterface_cffi_api" 2>/dev/null; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    --no-cache-dir "rpy2-rinterface==3.6.5" 2>&1 | grep -v -E "^WARNING: Location" || true
fi
"$VENV/bin/python" -c "import rkeras" >/dev/null
echo ">> Ready: $VENV"
