"""The code passes `ruff check` (rules in pyproject.toml [tool.ruff]) and keeps `ruff format`'s layout."""

import subprocess
import sys

import pytest
from repository import ROOT

pytestmark = pytest.mark.fast

# `ruff format --check` holds the whole tree to one layout.
FORMATTED = ["."]


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    result = ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_formatted_files_keep_ruffs_layout():
    result = ruff("format", "--check", *FORMATTED)
    assert result.returncode == 0, result.stdout + result.stderr
