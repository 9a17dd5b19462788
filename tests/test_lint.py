"""The code passes `ruff check` (rules in pyproject.toml [tool.ruff]) and keeps `ruff format`'s layout."""

import subprocess
import sys

import pytest
from repository import ROOT

pytestmark = pytest.mark.fast

# The files `ruff format --check` holds to its layout. The rest of the tree is to be formatted
# in one go (one commit, after the open branches are merged); then this becomes ["."].
FORMATTED = [
    "tests/conftest.py",
    "tests/repository.py",
    "tests/test_analysis.py",
    "tests/test_book_extensions.py",
    "tests/test_cell_ids.py",
    "tests/test_downloads.py",
    "tests/test_edition.py",
    "tests/test_execution_inputs.py",
    "tests/test_figures.py",
    "tests/test_lint.py",
    "tests/test_page_scripts.py",
    "tests/test_pdf_book.py",
    "tests/test_style.py",
    "tests/test_widget_js.py",
    "tests/test_widgets.py",
]


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    result = ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_formatted_files_keep_ruffs_layout():
    result = ruff("format", "--check", *FORMATTED)
    assert result.returncode == 0, result.stdout + result.stderr
