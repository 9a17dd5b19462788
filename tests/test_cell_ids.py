"""book_extensions.cell_ids: the cells of a chapter's notebook get the same ids in every build."""

import hashlib
import json
import shutil

import nbformat.v4.nbbase
import pytest

pytestmark = pytest.mark.fast

CONF = """
project = "Tiny book"
extensions = ["myst_nb", "book_extensions.cell_ids"]
exclude_patterns = ["_build"]
nb_execution_mode = "off"
"""
NOTEBOOK = """
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# {title}

```{{toctree}}
other
```

```{{code-cell}} ipython3
x = 1
```
"""


@pytest.fixture
def ids_of(fixture_book, monkeypatch):
    """Build a two-page book and return {page: [cell ids of its notebook]}."""
    monkeypatch.setattr(nbformat.v4.nbbase, "random_cell_id", nbformat.v4.nbbase.random_cell_id)  # put back after

    def build():
        app = fixture_book(
            CONF,
            {
                "index.md": NOTEBOOK.format(title="Index"),
                "other.md": NOTEBOOK.format(title="Other").replace("other\n", ""),
            },
        )
        executed = app.outdir.parent / "jupyter_execute"
        return {
            page: [cell["id"] for cell in json.loads((executed / f"{page}.ipynb").read_text())["cells"]]
            for page in ("index", "other")
        }

    return build


def test_cell_ids_are_a_hash_of_the_page_and_the_position(ids_of):
    ids = ids_of()
    for page, cells in ids.items():
        assert cells == [hashlib.sha256(f"{page}:{n}".encode()).hexdigest()[:8] for n in range(1, len(cells) + 1)]


def test_two_builds_give_the_same_ids(ids_of, tmp_path):
    first = ids_of()
    shutil.rmtree(tmp_path / "book" / "_build")  # a clean second build
    assert ids_of() == first
