"""Shared fixtures: the book's data folder, and a fresh copy of it to corrupt."""
import shutil

import pytest

from afghan_relations import load


@pytest.fixture
def real_data():
    """The book's data folder; the test is skipped while the data files are not written yet."""
    folder = load.data_dir()
    if not (folder / "events.csv").exists():
        pytest.skip(f"{folder / 'events.csv'} does not exist yet: this test needs the real data files")
    return folder


@pytest.fixture
def data(real_data, tmp_path):
    """A copy of the book's data folder that a test may corrupt."""
    return shutil.copytree(real_data, tmp_path / "data")
