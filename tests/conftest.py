"""Shared fixtures: the book's data, a copy of it to corrupt, small hand-made tables, tiny Sphinx books.

Test modules import nothing from each other; what several need is here (fixtures) or in
tests/repository.py (plain functions, also used by tools/bench.py).
"""

import shutil
import textwrap

import pandas as pd
import pytest

from afghan_relations import load

# sphinx.testing's `make_app` fixture builds a Sphinx project in-process (as sphinx-book-theme's
# and MyST-NB's own tests do): the extensions are tested on tiny fixture books in a second or so.
pytest_plugins = ("sphinx.testing.fixtures",)


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


@pytest.fixture
def table():
    """Build a small table as the loader types it: date_min/date_max as timestamps, other columns as given."""

    def make(rows):
        frame = pd.DataFrame(rows)
        for column in ("date_min", "date_max", "start", "end"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column])
        return frame

    return make


@pytest.fixture
def periods(table):
    """Two periods split at the Taliban's return, as in periods.csv (labels shortened)."""
    return table(
        [
            {"period": "russian_federation", "label": "Federation", "start": "1992-01-01", "end": "2021-07-31"},
            {"period": "islamic_emirate", "label": "Emirate", "start": "2021-08-01", "end": "2026-12-31"},
        ]
    )


@pytest.fixture
def fixture_book(make_app, tmp_path):
    """Write a tiny Sphinx project (conf.py and documents) and build it in-process; return the app.

    `conf` is the text of conf.py; `files` maps a path in the project to its text. Warnings are
    collected in app._warning (the tests read them) rather than failing the build.
    """

    def build(conf, files, buildername="html", **kwargs):
        source = tmp_path / "book"
        source.mkdir(exist_ok=True)
        (source / "conf.py").write_text(textwrap.dedent(conf), encoding="utf-8")
        for name, text in files.items():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        app = make_app(buildername, srcdir=source, **kwargs)
        app.build()
        return app

    return build
