# Build and test the book. `make book` and `make test` are all a new machine needs
# (with python3, npm, and the Debian packages .ci/run installs for the tests);
# `make pdf` adds the PDF edition (TeX from Debian, see tools/install_tex.sh).

SHELL   := /bin/bash
PYTHON3 ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
INSTALLED ?= $(VENV)/.installed
# The strict build, the one place it is written: warnings and broken references are errors.
# `make -s print-build-command` prints it for tools/bench.py and the tests (tests/repository.py).
BUILD_COMMAND := jupyter-book build . -W -n --keep-going
# uv, the installer: the version pinned in requirements.txt, bootstrapped from PyPI with pip,
# hash-checked against requirements.lock, into a folder of its own inside the environment.
UV_DIR  := $(VENV)/bootstrap
UV      := $(UV_DIR)/bin/uv
# uv never downloads a Python: the environment uses $(PYTHON3), found on the PATH.
export UV_PYTHON_DOWNLOADS := never
# uv installs no bytecode (pip compiles all 7,000 modules at install: most of its 30 s); Python
# writes it on first import instead, for the modules the build uses. Unless told not to: with
# PYTHONDONTWRITEBYTECODE set, Sphinx and every kernel would compile pandas, matplotlib, Sphinx...
# from source on every run (about 1.5 s each), so the book's commands write bytecode (into .venv
# and __pycache__ folders, which git ignores).
export PYTHONDONTWRITEBYTECODE :=
BUILD_LOG := _build/build.log
BUILD_OK  := _build/build-ok
# The PDF edition: _config.yml's latex_documents targetname, with .pdf (the one place the name is written).
PDF       := _build/latex/$(shell sed -n 's/^ *targetname: *\(.*\)\.tex *$$/\1/p' _config.yml).pdf
PDF_LOG   := _build/pdf.log
# Sphinx rewrites only changed pages: after a change to the table of contents or the
# configuration every page must be written again (sidebars, numbering). Executions stay cached.
FULL_BUILD = $(shell [ -f $(BUILD_OK) ] && [ $(BUILD_OK) -nt _toc.yml ] && [ $(BUILD_OK) -nt _config.yml ] || echo --all)
# The state of everything the HTML build reads, as one hash: every file of the tree that git tracks
# or would track (not _build/ or .venv/, which .gitignore lists) by path, size and modification time,
# and the stamps of the environment, the wheel and the vendored files (each rewritten when its inputs
# change). A deleted or added file changes it too. Empty outside a git checkout: there every `make
# book` runs the build. Computed before the build, so an edit made while it runs counts as a change.
BUILD_STATE := _build/build-inputs.sha256
BOOK_STATE   = git rev-parse --is-inside-work-tree >/dev/null 2>&1 && \
  { git ls-files -z --cached --others --exclude-standard; printf '%s\0' $(INSTALLED) $(WHEEL_STAMP) _build/vendor/*/*.json _build/vendor/static/*/*.json; } \
  | xargs -0 -r stat --format='%n %s %.9Y' 2>&1 | sha256sum | cut -c1-64
# The direct requirements' hash, recorded in requirements.lock by `make lock`.
REQUIREMENTS_HASH = $(shell sha256sum requirements.txt | cut -c1-64)
# `make lab`'s packages (the notebook kit's pins and JupyterLab's extras), locked with hashes like the
# book's, every package the two locks share at the book's version (requirements.lock as a constraint);
# the hash of what it was made from is recorded in it.
# The notebook kit's lock, which readers install with pip (book_extensions/notebook_kit.py ships it as
# the kit's requirements.txt, with the wheel's hash): kit/requirements.txt resolved like the lab's, but
# whole (pip installs what a package requires, and in hash-checking mode every one needs its hashes).
KIT_LOCK   := kit/requirements.lock
LAB_INPUTS := kit/requirements.txt lab-requirements.txt
LAB_LOCK   := lab-requirements.lock
LAB_INPUTS_HASH = $(shell cat $(LAB_INPUTS) requirements.lock | sha256sum | cut -c1-64)

.PHONY: all book env html vendor validate wheel lab test test-fast lint pdf tex bench lock clean distclean print-build-command

all: book

book: html

# The environment alone: .venv with exactly the packages of requirements.lock.
env: $(INSTALLED)

# uv itself: its entry in requirements.lock (version and hashes) installed with pip (the system's,
# else a throw-away venv's: Debian's python3 may have no pip); again only when that entry changes.
$(UV): requirements.lock
	@mkdir -p $(VENV)
	@awk '/^uv==/ {p = 1; print; next} p && /^ +--hash/ {print; next} p {exit}' requirements.lock > $(VENV)/uv.txt
	@if [ -x $@ ] && cmp -s $(VENV)/uv.txt $(UV_DIR)/uv.txt; then rm $(VENV)/uv.txt; touch $@; exit 0; fi; \
	set -e; rm -rf $(UV_DIR); mkdir -p $(UV_DIR); mv $(VENV)/uv.txt $(UV_DIR)/uv.txt; \
	if $(PYTHON3) -m pip --version >/dev/null 2>&1; then pip="$(PYTHON3) -m pip"; \
	else $(PYTHON3) -m venv $(UV_DIR)/pip-venv && pip="$(UV_DIR)/pip-venv/bin/python -m pip"; fi; \
	echo "bootstrapping $$(head -1 $(UV_DIR)/uv.txt | cut -d' ' -f1) with pip into $(UV_DIR)"; \
	$$pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --require-hashes \
	  --target $(UV_DIR) -r $(UV_DIR)/uv.txt; \
	rm -rf $(UV_DIR)/pip-venv; touch $@

# The virtual environment (no pip in it: uv installs, and `.venv/bin/uv pip install` adds packages).
$(PY): | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON3) $(VENV)

# Install exactly requirements.lock (every package pinned, hash-checked), then the book's
# package from this clone (editable, built with the locked hatchling), again only when the
# lock or pyproject.toml changed. A requirements.txt edited since the last `make lock` stops here.
$(INSTALLED): requirements.lock $(wildcard pyproject.toml) | $(PY) $(UV)
	@grep -q "^# requirements.txt sha256: $(REQUIREMENTS_HASH)$$" requirements.lock || \
	  { echo "requirements.txt changed since requirements.lock was made: run 'make lock'"; exit 1; }
	$(UV) pip sync --quiet --python $(PY) --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	touch $@

# Resolve requirements.txt (the direct pins) into requirements.lock: every package, pinned, with
# the hashes of all its files (any platform, Python 3.11 and later). Versions already in the lock
# are kept unless UPGRADE=1. The book's own package is left out (installed from the clone), and so
# are rfc3987-syntax and lark: jsonschema's optional check of IRI formats (asked for by jupyter-events,
# which nothing here uses), which at import builds 38 grammars, 0.75 s at the start of every build and
# every lite build (jupyter_book.config and jupyter_server import jsonschema); jsonschema skips that check without it.
LOCK_LEFT_OUT := afghan-relations rfc3987-syntax lark
# $(call constrained_lock,inputs,lock,options): the inputs resolved like requirements.lock, with it as a
# constraint (every package they share at the book's version), and the hash of what the lock was
# made from recorded in it (`make lab` and the notebook kit refuse a lock older than its inputs).
define constrained_lock
	$(UV) pip compile $(1) --constraint requirements.lock --quiet --universal --python-version 3.11 \
	  --generate-hashes $(3) --custom-compile-command "make lock" -o $(2)
	hash=$$(cat $(1) requirements.lock | sha256sum | cut -c1-64); \
	  sed -i "/^# inputs sha256: /d; 2a # inputs sha256: $$hash" $(2)
endef
lock: | $(UV)
	$(UV) pip compile requirements.txt --quiet --universal --python-version 3.11 --generate-hashes \
	  $(foreach p,$(LOCK_LEFT_OUT),--no-emit-package $(p)) --custom-compile-command "make lock" \
	  $(if $(UPGRADE),--upgrade) -o requirements.lock
	sed -i '/^# requirements.txt sha256: /d; 2a # requirements.txt sha256: $(REQUIREMENTS_HASH)' requirements.lock
	$(call constrained_lock,$(LAB_INPUTS),$(LAB_LOCK),$(foreach p,$(LOCK_LEFT_OUT),--no-emit-package $(p)))
	$(call constrained_lock,kit/requirements.txt,$(KIT_LOCK),--no-annotate)

# Widget JavaScript and the maps' boundaries (Natural Earth) from the npm registry, and the
# in-browser Jupyter's Pyodide, wheels and extensions, pinned by version and hash, so that
# building and reading need no network (quick when done); JupyterLite's application, from the
# installed jupyterlite-core, repacked for a fast lite build.
vendor: $(INSTALLED)
	$(PY) tools/vendor_js.py
	$(PY) tools/vendor_boundaries.py
	$(PY) tools/vendor_pyodide.py

validate: $(INSTALLED)
	$(PY) -m afghan_relations validate

# The book's package as a wheel carrying the data (hatchling; version from CITATION.cff), for the
# notebook kit that the HTML build zips (book_extensions/notebook_kit.py). Rebuilt when its inputs change.
WHEEL_DIR   := _build/wheel
WHEEL_STAMP := $(WHEEL_DIR)/.built
$(WHEEL_STAMP): $(INSTALLED) pyproject.toml CITATION.cff $(wildcard afghan_relations/*.py data/* data/reference/*) \
		tools/hatch_boundaries.py | vendor
	rm -rf $(WHEEL_DIR)
	$(PY) -m afghan_relations validate --stamp _build/wheel-data-validated.txt
	SOURCE_DATE_EPOCH=315532800 $(UV) build --quiet --python $(PY) --wheel --no-build-isolation --out-dir $(WHEEL_DIR) .
	touch $@
wheel: $(WHEEL_STAMP)

# JupyterLab on the chapters (MyST Markdown opened as notebooks through jupytext), with exactly the
# packages of lab-requirements.lock (hash-checked, no others) added to .venv once. A double-click
# opens a chapter as a notebook (jupytext's documented defaultViewers setting).
LAB_INSTALLED := $(VENV)/.lab-installed
LAB_SETTINGS  := $(VENV)/share/jupyter/lab/settings/overrides.json
# (after the environment: installing the lock again removes them, so they follow it)
$(LAB_INSTALLED): $(LAB_LOCK) $(INSTALLED)
	@grep -q "^# inputs sha256: $(LAB_INPUTS_HASH)$$" $(LAB_LOCK) || \
	  { echo "$(LAB_INPUTS) or requirements.lock changed since $(LAB_LOCK) was made: run 'make lock'"; exit 1; }
	$(UV) pip install --quiet --python $(PY) --require-hashes --no-deps -r $(LAB_LOCK)
	mkdir -p $(dir $(LAB_SETTINGS))
	echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $(LAB_SETTINGS)
	touch $@
lab: $(LAB_INSTALLED)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) chapters

# The HTML book, every chapter executed (or taken from the execution cache when its
# code, data and package are unchanged), with warnings and broken references as errors.
# The build validates the data first (book_extensions/parallel_execution.py), as `make validate` does.
# The log is kept; the stamp is written only when that strict build succeeds.
#
# Nothing changed, nothing runs: the state of the build's inputs (BOOK_STATE) is recorded with each
# successful build, and a `make book` that finds the same state, the stamp and the pages skips Sphinx
# (which would take seconds to find nothing to do). `make book FORCE=1` builds anyway.
html: $(INSTALLED) vendor wheel
	@mkdir -p _build
	@state="$$($(BOOK_STATE))"; \
	if [ -z "$(FORCE)$(FULL_BUILD)" ] && [ -n "$$state" ] && [ -f $(BUILD_OK) ] && [ -f _build/html/index.html ] \
	  && [ "$$state" = "$$(cat $(BUILD_STATE) 2>/dev/null)" ]; then \
	  echo "Book: _build/html/index.html is up to date (no input changed since the last strict build)"; exit 0; fi; \
	rm -f $(BUILD_OK) $(BUILD_STATE); \
	set -eo pipefail; \
	echo "$(BUILD_COMMAND) $(FULL_BUILD)"; \
	$(VENV)/bin/$(BUILD_COMMAND) $(FULL_BUILD) 2>&1 | tee $(BUILD_LOG); \
	echo "$(BUILD_COMMAND)" > $(BUILD_OK); \
	echo "$$state" > $(BUILD_STATE); \
	echo "Book: _build/html/index.html"

test: book
	$(PY) -m pytest

# The unit tests only (marked `fast`: no built book, no browser, no TeX; a few seconds),
# and the linter: run both before every commit.
test-fast: $(INSTALLED)
	$(PY) -m pytest -m fast -q

# `ruff check` over the tree, `ruff format --check` over the files listed in tests/test_lint.py.
lint: $(INSTALLED)
	$(PY) -m pytest -q tests/test_lint.py

print-build-command:
	@echo "$(BUILD_COMMAND)"

# The PDF edition, after the HTML book (whose execution cache it reuses, so no chapter runs
# twice): Sphinx's LaTeX writer, then latexmk with xelatex, as strict as the HTML build.
# The PDF is copied into the HTML book, whose pages link to it from their download menu.
# `tex`: tools/install_tex.sh installs the Debian TeX packages when they are missing.
tex:
	bash tools/install_tex.sh

pdf: tex html
	@rm -f $(PDF)
	set -o pipefail; $(VENV)/bin/$(BUILD_COMMAND) --builder pdflatex 2>&1 | tee $(PDF_LOG)
	@test -f $(PDF) || { echo "make pdf: no $(PDF); see $(PDF_LOG) and _build/latex/*.log"; exit 1; }
	cp $(PDF) _build/html/_static/
	@echo "PDF: $(PDF) (and _build/html/_static/$(notdir $(PDF)))"

# Time the set-up from a fresh clone, cold, no-op and incremental builds, the tests and the PDF
# in throw-away copies of the tree (never in _build/), with Jupyter Book's template book as a
# yardstick, and write BENCHMARKS.md. Refuses a tree with uncommitted changes. About 10 minutes
# on 2 cores; not part of `make test`. `make bench RUNS=1` checks the script quickly.
bench: $(INSTALLED) vendor wheel
	$(PY) tools/bench.py $(if $(RUNS),--runs $(RUNS))

# Build outputs and the execution cache; `distclean` also removes the virtual environment.
clean:
	rm -rf _build .pytest_cache

distclean: clean
	rm -rf $(VENV)
