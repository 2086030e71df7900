# The documented entry points of the course. `make` (or `make help`) lists them.
#
# Every target creates or reuses the virtual environment .venv/ at the repository root, built
# from the pinned requirements.txt with nothing but python3, so a fresh machine needs only
# python3 and make. The environment is rebuilt when requirements.txt or pyproject.toml change.

PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.installed
NOTEBOOKS  ?= $(sort $(wildcard chapters/*.ipynb))
JOBS       ?= 2
SUBMISSIONS ?=

PY         := $(BIN)/python
PYTEST     := $(PY) -m pytest
JB         := $(BIN)/jupyter-book

# Deterministic kernels, the venv's Jupyter paths first, and quiet kernel start-up.
export PYTHONHASHSEED := 0
export JUPYTER_PREFER_ENV_PATH := 1
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One BLAS thread: notebooks and tests run two at a time on two cores, where threaded OpenBLAS
# oversubscribes (a 500 x 500 eigendecomposition went from 0.03 s to 1.8 s), and the committed
# outputs are computed with one thread, which Binder (one core) matches.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
# The tests run the explorers without a widget front end (KTLIB_STATIC=1: each explorer calls
# its plain function once; nbval ignores those cells' outputs). Executing ipywidgets through a
# headless kernel client can block a cell for minutes (nbclient#312, seen here).

# Top-level packages that `make freeze` resolves (everything else is a dependency of these).
# ipykernel stays below 7 (6.29.5, the long-tested line): 7.x has open reports of notebook
# execution hanging with the kernel idle (vscode-jupyter#17410).
FREEZE_SPECS := "jupyter-book>=1.0.4,<2" sphinx-exercise nbval nbclient "ipykernel<7" ipywidgets \
                pytest pytest-xdist

.DEFAULT_GOAL := help
.NOTPARALLEL:
.PHONY: help venv book test test-unit test-notebooks test-book execute bench time-notebooks \
        student grade \
        clean distclean freeze

help: ## List the targets
	@echo "Usage: make <target>"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "The book lands in _build/html/index.html. Every target sets up .venv/ on first use."

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; v == (3, 11) or print(f"warning: python3 is {v[0]}.{v[1]}; the pins are tested with 3.11 (runtime.txt)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --quiet "pip==26.3"
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" > /dev/null
	touch $@

venv: $(STAMP) ## Create or update .venv/ from requirements.txt

book: $(STAMP) ## Build the HTML book, warnings as errors (-> _build/html/index.html)
	$(JB) build . --all -W --keep-going

test: $(STAMP) ## All tests: unit + doctests, nbval (strict) on chapters/, book build, HTML checks
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-notebooks
	@$(MAKE) --no-print-directory book
	@$(MAKE) --no-print-directory test-book

test-unit: $(STAMP) ## ktlib unit tests, doctests and the notebook structure checks
	KTLIB_STATIC=1 $(PYTEST) tests ktlib --doctest-modules --ignore=tests/test_book.py -n $(JOBS)

test-notebooks: $(STAMP) ## Re-run every chapter and compare its outputs (nbval, strict)
	@test -n "$(strip $(NOTEBOOKS))" || { echo "no notebooks in chapters/"; exit 2; }
	KTLIB_STATIC=1 $(PYTEST) --nbval --nbval-current-env --nbval-cell-timeout=600 -n $(JOBS) --dist loadfile \
	    $(NOTEBOOKS)

test-book: $(STAMP) ## Checks on the built HTML (run `make book` first)
	$(PYTEST) tests/test_book.py

execute: $(STAMP) ## Re-run chapters in place on a fresh kernel (NOTEBOOKS=... for a subset)
	@test -n "$(strip $(NOTEBOOKS))" || { echo "no notebooks to execute"; exit 2; }
	printf '%s\n' $(NOTEBOOKS) | xargs -P $(JOBS) -n 1 $(PY) -c "$$EXECUTE_PY"

bench: $(STAMP) ## Performance ratios of ktlib (benchmarks/bench.py)
	$(PY) benchmarks/bench.py

time-notebooks: $(STAMP) ## Execution time and peak memory of each chapter (fresh kernels)
	$(PY) benchmarks/notebooks.py $(NOTEBOOKS)

student: $(STAMP) ## Student copies of every chapter, solutions stripped (-> _build/student/)
	$(PY) tools/make_student.py _build/student $(NOTEBOOKS)

grade: $(STAMP) ## Grade a folder of submissions: make grade SUBMISSIONS=dir (-> grades.csv)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder of .ipynb files>"; exit 2; }
	$(PY) tools/grade.py --out grades.csv $(SUBMISSIONS)

clean: ## Remove build outputs and caches (keeps .venv/ and grades.csv)
	rm -rf _build .pytest_cache .jupyter_cache
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print \
	    | xargs rm -rf

distclean: clean ## Also remove .venv/
	rm -rf $(VENV) ktlib.egg-info

freeze: ## Re-resolve the pins in a fresh environment and rewrite requirements.txt
	rm -rf .venv-freeze
	$(PYTHON) -m venv .venv-freeze
	.venv-freeze/bin/python -m pip install --disable-pip-version-check --quiet --upgrade pip
	.venv-freeze/bin/python -m pip install --disable-pip-version-check --quiet $(FREEZE_SPECS) -e .
	{ echo "# Pinned environment for the book, its tests and Binder (Python 3.11)."; \
	  echo "# Regenerate with: make freeze"; \
	  .venv-freeze/bin/python -m pip freeze --exclude-editable | grep -v -i '^ktlib'; \
	  echo "-e ."; } > requirements.txt.new
	mv requirements.txt.new requirements.txt
	rm -rf .venv-freeze
	@echo "requirements.txt rewritten; review with git diff"

# `make execute`: run one notebook top to bottom on a fresh kernel of this venv, in the
# notebook's folder, and write it back with execution counts 1..n. Timing metadata is not
# recorded and the Python patch version is dropped, so re-running only changes real outputs.
define EXECUTE_PY
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
for cell in nb.cells:
    cell.metadata.pop("execution", None)
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                             "language": "python"}
start = time.perf_counter()
client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                        resources={"metadata": {"path": str(path.parent)}})
try:
    client.execute()
except Exception as err:
    print(f"FAILED {path}: {type(err).__name__}", file=sys.stderr)
    print(str(err)[-3000:], file=sys.stderr)
    sys.exit(1)
nb.metadata.get("language_info", {}).pop("version", None)
nbformat.validate(nb)
nbformat.write(nb, path)
print(f"executed {path} in {time.perf_counter() - start:.1f} s")
endef
export EXECUTE_PY
