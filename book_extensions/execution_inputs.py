"""Key each chapter's execution cache on its inputs, not only its code.

Jupyter Book's cache (jupyter-cache) hashes a notebook's code cells, so editing
a CSV or this package would leave figures stale. Before myst-nb reads a
chapter, this hook appends to its first code cell a comment naming the hashes
of the data files the chapter loads (found from its `load.<dataset>()` calls),
the schema, the package's source and the versions of the libraries that
compute the outputs. Change any of them and exactly the chapters that depend on
it get a new cache key and are executed again.

The hook only runs for chapters Sphinx reads again, and Sphinx rereads a page
only when its own file changed, so each input is also registered as a
dependency of the page (`env.note_dependency`): editing a CSV makes Sphinx
reread, and the cache re-execute, every chapter that loads it, and no other.
"""

import functools
import hashlib
import json
import platform
import re
from importlib import metadata
from pathlib import Path

import afghan_relations
from afghan_relations import geography, load

# The chapters' own package: its source is an input of every chapter. Not this package:
# editing the build machinery re-executes no chapter.
PACKAGE_DIR = Path(afghan_relations.__file__).resolve().parent
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n", re.M)
LOAD_CALL = re.compile(r"\bload\.(\w+)\(")
DYNAMIC_LOAD = re.compile(r"\bload\.DATASETS\b|getattr\(\s*load\b")  # loads datasets chosen at run time
SCHEMA_FILES = ("datapackage.json", "vocabularies.csv")
INPUTS_COMMENT = "# Inputs, for the execution cache:"
# Libraries whose version can change what a chapter outputs (figures, tables, numbers)
LIBRARIES = (
    "matplotlib",
    "matplotlib-inline",
    "numpy",
    "pandas",
    "ipywidgets",
    "cpi",
    "frictionless",
    "ipykernel",
    "myst-nb",
)


_digests = {}  # (path, mtime, size, inode) of each file -> digest, for this process


def _digest(paths):
    paths = sorted(paths)
    # Every chapter's stamp hashes the package and the schema again: hash each state of the files
    # once per build (a build is one process; the next one hashes the contents afresh).
    state = tuple((str(p), s.st_mtime_ns, s.st_size, s.st_ino) for p in paths for s in [p.stat()])
    if state not in _digests:
        h = hashlib.sha256()
        for path in paths:
            h.update(path.name.encode())
            h.update(path.read_bytes())
        _digests[state] = h.hexdigest()[:12]
    return _digests[state]


def _resources(data_dir):
    """{dataset name: file} from the schema (datapackage.json), plus what the maps load.

    The maps' inputs are not in the data package: the reference coordinates and the
    vendored boundaries (afghan_relations.load.place_coordinates and .boundaries).
    """
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: data_dir / r["path"] for r in package["resources"]}
    resources["place_coordinates"] = data_dir / geography.COORDINATES_FILE
    if load.BOUNDARIES.is_file():
        resources["boundaries"] = load.BOUNDARIES
    return resources


def _datasets(text, data_dir):
    """{name: path} of the datasets the chapter loads; every dataset if it loads them by name at run time."""
    resources = _resources(data_dir)
    if not DYNAMIC_LOAD.search(text):
        resources = {name: resources[name] for name in sorted(set(LOAD_CALL.findall(text))) if name in resources}
    if "reconciliation" in LOAD_CALL.findall(text):
        # load.reconciliation(name) reads the outputs of tools/reconcile.py, outside the schema.
        resources |= {f"reconciliation/{p.name}": p for p in sorted((data_dir / "reconciliation").glob("*.csv"))}
    return resources


@functools.cache
def _libraries():
    versions = [f"python {platform.python_version()}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return hashlib.sha256("\n".join(versions).encode()).hexdigest()[:12]


def input_files(text, data_dir):
    """Every file the chapter's output depends on: the CSVs it loads, the schema, the package."""
    return (
        list(_datasets(text, data_dir).values())
        + [data_dir / f for f in SCHEMA_FILES]
        + sorted(PACKAGE_DIR.glob("*.py"))
    )


def chapter_inputs(text, data_dir):
    """{label: short hash} of every input the chapter's output depends on."""
    inputs = {path.name: _digest([path]) for path in _datasets(text, data_dir).values()}
    inputs["schema"] = _digest([data_dir / f for f in SCHEMA_FILES])
    inputs["package"] = _digest(PACKAGE_DIR.glob("*.py"))
    inputs["libraries"] = _libraries()
    return inputs


def inputs_stamp(text, data_dir):
    """One line naming every input of the chapter with its hash."""
    return ", ".join(f"{k} {v}" for k, v in chapter_inputs(text, data_dir).items())


def key_cell_on_inputs(text, data_dir):
    """The chapter text with an inputs comment added to its first code cell (unchanged if it has none)."""
    match = CODE_CELL.search(text)
    if not match:
        return text
    # Skip the cell's option lines (":tags: ..." or a "---" YAML block) so the comment is code.
    rest = text[match.end() :]
    options = re.match(r"(---\n.*?\n---\n|(?::[^\n]*\n)*)", rest, re.S).group(0)
    stamp = inputs_stamp(text, data_dir)
    at = match.end() + len(options)
    return text[:at] + f"{INPUTS_COMMENT} {stamp}\n" + text[at:]


def _on_source_read(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".md") and "{code-cell}" in source[0]:
        data_dir = load.data_dir()
        source[0] = key_cell_on_inputs(source[0], data_dir)
        if CODE_CELL.search(source[0]):
            for path in input_files(source[0], data_dir):
                app.env.note_dependency(str(path.resolve()))
            if not hasattr(app.env, "afghan_inputs"):
                app.env.afghan_inputs = {}
            app.env.afghan_inputs[docname] = inputs_stamp(source[0], data_dir)


def _on_env_get_outdated(app, env, added, changed, removed):
    """Chapters whose inputs' contents changed, whatever the files' modification times say.

    note_dependency compares mtimes only: an input restored with its old mtime
    (`cp -p`, `tar x`, `rsync -a`) would go unnoticed and the page would keep
    outputs computed from other data. The stamps compare contents (a few ms).
    """
    data_dir = load.data_dir()
    stale = []
    for docname, stamp in getattr(env, "afghan_inputs", {}).items():
        if docname in added | changed | removed or docname not in env.all_docs:
            continue
        try:
            text = Path(env.doc2path(docname)).read_text(encoding="utf-8")
            if inputs_stamp(text, data_dir) != stamp:
                stale.append(docname)
        except (OSError, KeyError, ValueError):
            stale.append(docname)
    return stale


def _on_env_purge_doc(app, env, docname):
    getattr(env, "afghan_inputs", {}).pop(docname, None)


def _on_env_merge_info(app, env, docnames, other):
    if not hasattr(env, "afghan_inputs"):
        env.afghan_inputs = {}
    env.afghan_inputs.update({d: s for d, s in getattr(other, "afghan_inputs", {}).items() if d in docnames})


def setup(app):
    app.connect("source-read", _on_source_read)
    app.connect("env-get-outdated", _on_env_get_outdated)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-merge-info", _on_env_merge_info)
