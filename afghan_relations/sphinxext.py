"""Sphinx extension: key each chapter's execution cache on its inputs, not only its code.

Jupyter Book's cache (jupyter-cache) hashes a notebook's code cells, so editing
a CSV or this package would leave figures stale. Before myst-nb reads a
chapter, this hook appends to its first code cell a comment naming the hashes
of the data files the chapter loads (found from its `load.<dataset>()` calls),
the schema, and the package's source. Change any of them and exactly the
chapters that depend on it get a new cache key and are executed again.
"""
import hashlib
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n", re.M)
LOAD_CALL = re.compile(r"\bload\.(\w+)\(")
SCHEMA_FILES = ("datapackage.json", "vocabularies.csv")


def _digest(paths):
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def chapter_inputs(text, data_dir):
    """{label: short hash} of every input the chapter's output depends on."""
    from . import load
    datasets = set()
    for name in LOAD_CALL.findall(text):
        if name == "datapackage" or name not in load.DATASETS:
            continue
        datasets.add(name)
    if "load.DATASETS" in text:  # a chapter that loads every dataset
        datasets |= set(load.DATASETS)
    inputs = {f"{name}.csv": _digest([data_dir / f"{name}.csv"]) for name in sorted(datasets)}
    inputs["schema"] = _digest([data_dir / f for f in SCHEMA_FILES])
    inputs["package"] = _digest(PACKAGE_DIR.glob("*.py"))
    return inputs


def key_cell_on_inputs(text, data_dir):
    """The chapter text with an inputs comment added to its first code cell (unchanged if it has none)."""
    match = CODE_CELL.search(text)
    if not match:
        return text
    # Skip the cell's option lines (":tags: ..." or a "---" YAML block) so the comment is code.
    rest = text[match.end():]
    options = re.match(r"(---\n.*?\n---\n|(?::[^\n]*\n)*)", rest, re.S).group(0)
    stamp = ", ".join(f"{k} {v}" for k, v in chapter_inputs(text, data_dir).items())
    at = match.end() + len(options)
    return text[:at] + f"# Inputs, for the execution cache: {stamp}\n" + text[at:]


def _on_source_read(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".md") and "{code-cell}" in source[0]:
        from . import load
        source[0] = key_cell_on_inputs(source[0], load.data_dir())


def setup(app):
    app.connect("source-read", _on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
