"""Give the cells of each chapter's notebook ids that are the same in every build.

nbformat gives every cell of a notebook built from Markdown a random id, which would
make the downloadable .ipynb differ between two builds of the same commit. Instead:
a hash of the page's name and the cell's position, reset for every page read.
"""

import hashlib

_cell_ids = {"doc": "", "n": 0}


def _deterministic_cell_id():
    _cell_ids["n"] += 1
    return hashlib.sha256(f"{_cell_ids['doc']}:{_cell_ids['n']}".encode()).hexdigest()[:8]


def _reset(app, docname, source):
    _cell_ids.update(doc=docname, n=0)


def setup(app):
    import nbformat.v4.nbbase

    nbformat.v4.nbbase.random_cell_id = _deterministic_cell_id
    # before execution_inputs and myst-nb read the page
    app.connect("source-read", _reset, priority=100)
