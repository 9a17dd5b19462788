# Build and test the book. `make book` and `make test` are all a new machine needs
# (with python3, npm, and the Debian packages .ci/run installs for the tests);
# `make pdf` adds the PDF edition (TeX from Debian, see tools/install_tex.sh).

SHELL   := /bin/bash
PYTHON3 ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
INSTALLED ?= $(VENV)/.installed
BUILD_LOG := _build/build.log
BUILD_OK  := _build/build-ok
# The PDF edition: _config.yml's latex_documents targetname, with .pdf (the one place the name is written).
PDF       := _build/latex/$(shell sed -n 's/^ *targetname: *\(.*\)\.tex *$$/\1/p' _config.yml).pdf
PDF_LOG   := _build/pdf.log
# Sphinx rewrites only changed pages: after a change to the table of contents or the
# configuration every page must be written again (sidebars, numbering). Executions stay cached.
FULL_BUILD = $(shell [ -f $(BUILD_OK) ] && [ $(BUILD_OK) -nt _toc.yml ] && [ $(BUILD_OK) -nt _config.yml ] || echo --all)

.PHONY: all book html vendor validate test pdf tex bench clean distclean

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

# Widget JavaScript from the npm registry, for offline pages, and the in-browser Jupyter's
# Pyodide, wheels and extensions (pinned, hash-checked); quick when done.
vendor: | $(PY)
	$(PY) tools/vendor_js.py
	$(PY) tools/vendor_pyodide.py

validate: $(INSTALLED)
	$(PY) -m afghan_relations validate

# The HTML book, every chapter executed (or taken from the execution cache when its
# code, data and package are unchanged), with warnings and broken references as errors.
# The log is kept; the stamp is written only when that strict build succeeds.
html: $(INSTALLED) vendor validate
	@mkdir -p _build
	@rm -f $(BUILD_OK)
	set -o pipefail; $(VENV)/bin/jupyter-book build . $(FULL_BUILD) -W -n --keep-going 2>&1 | tee $(BUILD_LOG)
	@echo "jupyter-book build . -W -n --keep-going" > $(BUILD_OK)
	@echo "Book: _build/html/index.html"

test: book
	$(PY) -m pytest

# The PDF edition, after the HTML book (whose execution cache it reuses, so no chapter runs
# twice): Sphinx's LaTeX writer, then latexmk with xelatex, as strict as the HTML build.
# The PDF is copied into the HTML book, whose pages link to it from their download menu.
# `tex`: tools/install_tex.sh installs the Debian TeX packages when they are missing.
tex:
	bash tools/install_tex.sh

pdf: tex html
	@rm -f $(PDF)
	set -o pipefail; $(VENV)/bin/jupyter-book build . --builder pdflatex -W -n --keep-going 2>&1 | tee $(PDF_LOG)
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
