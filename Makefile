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

.PHONY: setup demo test vignettes bench doctor clean

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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
