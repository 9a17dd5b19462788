"""One function per dataset, each returning a typed, validated DataFrame.

Dates stay strings at their stated precision, with date_min/date_max as
timestamps; coded columns are categoricals in vocabulary order; actor lists
are Python lists. The whole package is validated before any table is returned
(once per state of the files), so a chapter never sees bad data.

Where the data come from (`data_location()` says which, and why):
1. a folder given explicitly: the `data_dir` argument, or $AFGHAN_RELATIONS_DATA;
2. the repository's `data/`, when the package runs from a clone (so edits show);
3. the copy inside the installed package (the wheel carries `data/`), so a
   downloaded notebook runs with no repository around.
"""

import hashlib
import os
from pathlib import Path

from . import geography
from .errors import SetupError, read_datapackage

PACKAGE_DIR = Path(__file__).resolve().parent
REPO = PACKAGE_DIR.parent
ENV_DATA = "AFGHAN_RELATIONS_DATA"
# Today's boundaries for the maps: tools/vendor_boundaries.py puts them here at build setup.
BOUNDARIES = REPO / "_build" / "vendor" / "world-atlas" / "countries-50m.json"
# The loader functions below, in the order of datapackage.json.
DATASETS = [
    "sources",
    "actors",
    "places",
    "aliases",
    "events",
    "treaties",
    "aid_flows",
    "recognition_steps",
    "claims",
    "periods",
    "vocabularies",
]
_validated = {}  # data folder -> (name, mtime, size) of its files when they last passed
# Set by the book's build (book_extensions/parallel_execution.py) to the data_digest of a folder it has
# validated: its kernels skip the check while the folder's contents still have that digest.
VALIDATED_ENV = "AFGHAN_RELATIONS_VALIDATED"
# In an installed package: the data_digest of its data/ when the build that made the wheel had
# validated it (`python -m afghan_relations validate --stamp`, run by `make wheel`).
VALIDATED_STAMP = PACKAGE_DIR / "VALIDATED_DATA"


def _is_data_folder(folder):
    return (Path(folder) / "datapackage.json").is_file()


def data_location(path=None):
    """(folder, how it was chosen) for the data, by the rule in this module's docstring."""
    if path is not None:
        return Path(path), "given as data_dir"
    if os.environ.get(ENV_DATA):
        return Path(os.environ[ENV_DATA]), f"${ENV_DATA}"
    clone = REPO / "data"
    if (REPO / "pyproject.toml").is_file() and _is_data_folder(clone):
        return clone, "the repository's data/ (running from a clone)"
    packaged = PACKAGE_DIR / "data"
    if _is_data_folder(packaged):
        return packaged, "the copy installed with the package"
    raise SetupError(
        f"no data found: not in a clone of the book's repository, and the installed package "
        f"({PACKAGE_DIR}) carries no data/. Install the book's package from the notebook kit "
        f"(pip install -r requirements.txt in the kit's folder) or set ${ENV_DATA} to a data folder."
    )


def data_dir(path=None):
    """The data folder (see data_location); an explicit folder must hold datapackage.json."""
    folder, how = data_location(path)
    if not _is_data_folder(folder):
        raise SetupError(f"no datapackage.json in {folder} ({how}): that is not the book's data folder")
    return folder


_data_folder = data_dir  # for the loaders below, whose argument shadows the name


def seeds_dir():
    """The source documents (../shared/seeds beside the repository, or $AFGHAN_RELATIONS_SEEDS), or None."""
    path = Path(os.environ.get("AFGHAN_RELATIONS_SEEDS") or REPO.parent / "shared" / "seeds")
    return path if path.is_dir() else None


def datapackage(path=None):
    """The Frictionless descriptor, datapackage.json, as a dict."""
    return read_datapackage(data_dir(path))


def data_digest(folder):
    """A hash of the names and contents of the data folder's files, its subfolders' included."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _known_valid(folder):
    """Whether the build validated these very files: told by the build's kernels' environment, or
    by the stamp the wheel carries for its own copy."""
    digest = data_digest(folder)
    if os.environ.get(VALIDATED_ENV) == digest:
        return True
    return (
        folder == (PACKAGE_DIR / "data").resolve()
        and VALIDATED_STAMP.is_file()
        and VALIDATED_STAMP.read_text(encoding="utf-8").strip() == digest
    )


def _validate(folder):
    try:
        from .validate import validate_package  # frictionless: only where data need checking
    except ImportError as error:
        raise SetupError(
            f"checking the data in {folder} needs frictionless ({error}): "
            "pip install frictionless, or use the data the package carries"
        ) from None
    validate_package(folder)


def _ensure_valid(folder):
    """Validate the folder unless its files are as they were when they last passed; their state."""
    # Subfolders too: the reference data (reference/) are checked against the data.
    state = tuple(
        (str(p.relative_to(folder)), p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )
    if _validated.get(folder) != state:
        if not _known_valid(folder):
            _validate(folder)
        _validated[folder] = state
    return state


# pandas is imported by the functions that build tables, not with this module: the book's build imports
# it for data_dir() and the validation stamp, and would otherwise pay pandas' import on every build.


def _vocabulary_codes(folder):
    import pandas as pd

    table = pd.read_csv(folder / "vocabularies.csv", dtype=str, keep_default_na=False)
    return table.groupby("vocabulary", sort=False)["code"].apply(list).to_dict()


_described = {}  # data folder -> (state of its files, datapackage.json, the vocabularies' codes)


def _description(folder, state):
    """(datapackage.json, {vocabulary: codes}) of the folder, read again only when its files change."""
    if folder not in _described or _described[folder][0] != state:
        _described[folder] = (state, read_datapackage(folder), _vocabulary_codes(folder))
    return _described[folder][1:]


def _typed(column, field, codes):
    """A column as the schema types it; its empty cells arrive as missing (NaN), as _load reads them."""
    import pandas as pd

    if field["type"] == "date":
        return pd.to_datetime(column, format="%Y-%m-%d")
    if field["type"] == "integer":
        return pd.to_numeric(column).astype("Int64")
    if field["type"] == "number":
        return pd.to_numeric(column).astype(float)
    if field.get("listOf"):
        return pd.Series(
            [cell.split("|") if isinstance(cell, str) else [] for cell in column], index=column.index, dtype=object
        )
    if "vocabulary" in field:
        return pd.Series(pd.Categorical(column, categories=codes[field["vocabulary"]]), index=column.index)
    return column.astype("string")


def _load(name, path):
    import pandas as pd

    folder = data_dir(path).resolve()
    descriptor, codes = _description(folder, _ensure_valid(folder))
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    # every cell a string, an empty one missing (and nothing else: keep_default_na=False)
    table = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    return pd.DataFrame({f["name"]: _typed(table[f["name"]], f, codes) for f in resource["schema"]["fields"]})


def sources(data_dir=None):
    """The five source documents."""
    return _load("sources", data_dir)


def actors(data_dir=None):
    """States, governments, organizations and persons, by code."""
    return _load("actors", data_dir)


def places(data_dir=None):
    """Places named as event locations."""
    return _load("places", data_dir)


def aliases(data_dir=None):
    """Every spelling the sources use for an actor or place."""
    return _load("aliases", data_dir)


def events(data_dir=None):
    """Every dated development, with date_min/date_max as timestamps and actors as lists."""
    return _load("events", data_dir)


def treaties(data_dir=None):
    """Treaties, conventions, protocols, pacts and agreements."""
    return _load("treaties", data_dir)


def aid_flows(data_dir=None):
    """Aid, arms, trade and project flows; amounts in current US dollars, empty where not stated."""
    return _load("aid_flows", data_dir)


def recognition_steps(data_dir=None):
    """Steps towards or away from recognition, with stated orders."""
    return _load("recognition_steps", data_dir)


def claims(data_dir=None):
    """Conflicting claims of the sources, with the one the book follows."""
    return _load("claims", data_dir)


def periods(data_dir=None):
    """The book's four periods with their first and last days."""
    return _load("periods", data_dir)


def vocabularies(data_dir=None):
    """Every controlled vocabulary code with its definition."""
    return _load("vocabularies", data_dir)


# The outputs of tools/reconcile.py (data/reconciliation/, described in data/README.md). They are a
# record of how the data were checked, not data the schema types, so they load as committed.
RECONCILIATION = {
    "summary": {"first_rows": int, "second_rows": int, "matched": int, "first_only": int, "second_only": int},
    "agreement": {"compared": int, "agreed": int, "agreement": float},
    "changes": {},
    "matches": {},
}


def _data_folder(path):
    return data_dir(path)  # the loaders' argument is also called data_dir


def reconciliation(name, data_dir=None):
    """One table of the reconciliation with the second coding: summary, agreement, changes or matches."""
    if name not in RECONCILIATION:
        raise ValueError(f"expected one of {', '.join(RECONCILIATION)}, got '{name}'")
    import pandas as pd

    table = pd.read_csv(
        _data_folder(data_dir) / "reconciliation" / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )
    return table.astype(RECONCILIATION[name])


def place_coordinates(data_dir=None):
    """Where the maps draw each place (reference data, not from the sources), indexed by place_id.

    Columns latitude and longitude (decimal degrees), geonames_id, reference, notes.
    Validated with the data: every place of places.csv has a row.
    """
    import pandas as pd

    folder = _data_folder(data_dir).resolve()
    _ensure_valid(folder)
    table = pd.read_csv(folder / geography.COORDINATES_FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    table[["latitude", "longitude"]] = table[["latitude", "longitude"]].astype(float)
    return table.set_index("place_id")


def boundaries(path=None):
    """Today's country boundaries (Natural Earth 1:50m via world-atlas), as {ISO numeric: Country}.

    From `path`, else $AFGHAN_RELATIONS_BOUNDARIES, else the copy `make book` vendors into _build/,
    else the copy the installed package carries (the notebook kit's wheel).
    """
    installed = PACKAGE_DIR / "boundaries" / BOUNDARIES.name  # the wheel's copy (tools/hatch_boundaries.py)
    path = Path(
        path or os.environ.get("AFGHAN_RELATIONS_BOUNDARIES") or (BOUNDARIES if BOUNDARIES.is_file() else installed)
    )
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: expected Natural Earth's boundaries (world-atlas countries-50m.json), "
            "got no file; run `make vendor` (python tools/vendor_boundaries.py) once, with npm"
        )
    return geography.countries(geography.read_topology(path))
