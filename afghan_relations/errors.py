"""Errors a reader rerunning a chapter can meet, shown in Jupyter as one line; reading the descriptor.

Here rather than in validate.py, which needs frictionless: reading the data a wheel carries
(validated when it was built) needs neither.
"""

import json
from pathlib import Path


class SetupError(Exception):
    """Something the notebook needs is missing: the message says what and how to get it."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


class DataError(Exception):
    """A malformed data file. str() is one line: file, row (as an editor numbers lines), column, expectation."""

    def __init__(self, file, message, row=None, column=None):
        self.file, self.row, self.column = file, row, column
        where = f"data/{file}" + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
        # A cell may hold a line break; the message stays on one line.
        super().__init__(f"{where}: {message}".replace("\r", "\\r").replace("\n", "\\n"))

    def _render_traceback_(self):
        # In Jupyter the one line is the whole message, without a traceback.
        return [f"DataError: {self}"]


def read_datapackage(data_dir):
    """datapackage.json as a dict."""
    try:
        return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError("datapackage.json", f"expected a readable JSON data package, got {error}") from None


def id_columns(descriptor):
    """{table: its id column}: each table of the data package whose primary key is one column."""
    keys = {r["name"]: r["schema"].get("primaryKey") for r in descriptor["resources"]}
    keys = {name: [key] if isinstance(key, str) else key for name, key in keys.items() if key}
    return {name: key[0] for name, key in keys.items() if len(key) == 1}
