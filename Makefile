# rkeras: `make demo` trains the MNIST lab; `make test` runs the test suite.
# Both set everything up first (R from Debian, .venv, rkeras[dev]).

VENV       ?= .venv
PY         := $(VENV)/bin/python
STAMP      := $(VENV)/.rkeras-installed
SHARED_DATA := $(abspath $(CURDIR)/../shared/data)

# Offline data beside the checkout (this project's machines and CI): use it.
ifneq ($(wildcard $(SHARED_DATA)/mnist.npz),)
export RKERAS_DATASETS ?= $(SHARED_DATA)
endif
export TF_CPP_MIN_LOG_LEVEL ?= 2
export MPLBACKEND ?= Agg

# --dist loadfile: a test file shares one embedded R (module fixtures), so it runs on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile

# Modules whose `>>>` examples are real: run as doctests by `make test` (illustrations
# elsewhere are fenced ```python blocks, never `>>>`).
DOCTEST_MODULES := rkeras/conventions.py rkeras/rformat.py rkeras/history.py \
	rkeras/history_plot.py rkeras/distribute.py rkeras/name_checks.py rkeras/verb_names.py
# What ruff checks (configured in pyproject.toml: rules E, F, I; line length 110).
LINT_PATHS := rkeras tests tools benchmarks vignettes/*.py vignettes/python

.PHONY: setup demo test lint doctest vignettes bench doctor clean keras3-compat stub r-verbs

$(STAMP): pyproject.toml setup.py tools/setup.sh rkeras/r/convert/_column_major.c
	VENV=$(VENV) bash tools/setup.sh
	@touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/rkeras demo

test: lint doctest
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)

doctest: $(STAMP)
	$(PY) -m pytest -q -p no:randomly --doctest-modules $(DOCTEST_MODULES)

doctor: $(STAMP)
	$(VENV)/bin/rkeras doctor

# rkeras/__init__.pyi (one typed def per verb) from the registry; tests/test_stub.py checks it.
stub: $(STAMP)
	$(PY) tools/gen_stub.py

# rkeras/r/generated/verbs.R (every verb's R function, so R starts without Keras) from the
# registry; tests/test_r_verbs_source.py checks it.
r-verbs: $(STAMP)
	$(PY) tools/gen_r_verbs.py

vignettes: $(STAMP)
	$(PY) vignettes/render.py

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

# keras3 1.5.1's own tests and vignettes under real keras3 and rkeras (not part of `make test`):
# make keras3-compat KERAS3_SRC=/path/to/keras3 [KERAS3_COMPAT_ARGS="--side rkeras"]
keras3-compat: $(STAMP)
	@test -n "$(KERAS3_SRC)" || { echo "usage: make keras3-compat KERAS3_SRC=/path/to/keras3 (rstudio/keras3 v1.5.1)"; exit 2; }
	$(PY) tools/keras3_compat/run.py $(KERAS3_SRC) $(KERAS3_COMPAT_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
