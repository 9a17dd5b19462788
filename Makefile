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
BUILD_LOG := _build/build.log
BUILD_OK  := _build/build-ok
# The PDF edition: _config.yml's latex_documents targetname, with .pdf (the one place the name is written).
PDF       := _build/latex/$(shell sed -n 's/^ *targetname: *\(.*\)\.tex *$$/\1/p' _config.yml).pdf
PDF_LOG   := _build/pdf.log
# Sphinx rewrites only changed pages: after a change to the table of contents or the
# configuration every page must be written again (sidebars, numbering). Executions stay cached.
FULL_BUILD = $(shell [ -f $(BUILD_OK) ] && [ $(BUILD_OK) -nt _toc.yml ] && [ $(BUILD_OK) -nt _config.yml ] || echo --all)

.PHONY: all book html vendor validate wheel lab test test-fast lint pdf tex bench clean distclean print-build-command

all: book

book: html

# The virtual environment, created once.
$(PY):
	$(PYTHON3) -m venv $(VENV)

# Install the pinned requirements (and the book's package, `-e .`) again only
# when requirements.txt or pyproject.toml changed since the last install.
$(INSTALLED): requirements.txt $(wildcard pyproject.toml) | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Widget JavaScript and the maps' boundaries (Natural Earth) from the npm registry, pinned by
# version and hash, so that building and reading need no network (quick when done).
vendor: | $(PY)
	$(PY) tools/vendor_js.py
	$(PY) tools/vendor_boundaries.py

validate: $(INSTALLED)
	$(PY) -m afghan_relations validate

# The book's package as a wheel carrying the data (hatchling; version from CITATION.cff), for the
# notebook kit that the HTML build zips (book_extensions/notebook_kit.py). Rebuilt when its inputs change.
WHEEL_DIR   := _build/wheel
WHEEL_STAMP := $(WHEEL_DIR)/.built
$(WHEEL_STAMP): $(INSTALLED) pyproject.toml CITATION.cff $(wildcard afghan_relations/*.py data/* data/reference/*) \
		tools/hatch_boundaries.py | vendor
	rm -rf $(WHEEL_DIR)
	SOURCE_DATE_EPOCH=315532800 $(PY) -m pip wheel --quiet --no-deps --no-build-isolation -w $(WHEEL_DIR) .
	touch $@
wheel: $(WHEEL_STAMP)

# JupyterLab on the chapters (MyST Markdown opened as notebooks through jupytext), with the
# pinned versions of kit/requirements.txt and lab-requirements.txt installed into .venv once.
# A double-click opens a chapter as a notebook (jupytext's documented defaultViewers setting).
LAB_INSTALLED := $(VENV)/.lab-installed
LAB_SETTINGS  := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_INSTALLED): kit/requirements.txt lab-requirements.txt | $(INSTALLED)
	$(PY) -m pip install --quiet -r kit/requirements.txt -r lab-requirements.txt
	mkdir -p $(dir $(LAB_SETTINGS))
	echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $(LAB_SETTINGS)
	touch $@
lab: $(LAB_INSTALLED)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) chapters

# The HTML book, every chapter executed (or taken from the execution cache when its
# code, data and package are unchanged), with warnings and broken references as errors.
# The log is kept; the stamp is written only when that strict build succeeds.
html: $(INSTALLED) vendor validate wheel
	@mkdir -p _build
	@rm -f $(BUILD_OK)
	set -o pipefail; $(VENV)/bin/$(BUILD_COMMAND) $(FULL_BUILD) 2>&1 | tee $(BUILD_LOG)
	@echo "$(BUILD_COMMAND)" > $(BUILD_OK)
	@echo "Book: _build/html/index.html"

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

# Time cold, no-op and incremental builds, the PDF and the tests in throw-away copies of
# the tree (never in _build/), with Jupyter Book's template book as a yardstick, and
# write BENCHMARKS.md. About 10 minutes on 2 cores; not part of `make test`.
bench: $(INSTALLED) vendor
	$(PY) tools/bench.py

# Build outputs and the execution cache; `distclean` also removes the virtual environment.
clean:
	rm -rf _build .pytest_cache

distclean: clean
	rm -rf $(VENV)
