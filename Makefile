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

PYTEST_ARGS ?= -n 2

.PHONY: setup demo test vignettes bench doctor clean keras3-compat

$(STAMP): pyproject.toml tools/setup.sh
	VENV=$(VENV) bash tools/setup.sh
	@touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/rkeras demo

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

doctor: $(STAMP)
	$(VENV)/bin/rkeras doctor

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
