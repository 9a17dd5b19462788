"""One function per dataset, each returning a typed, validated DataFrame.

Dates stay strings at their stated precision, with date_min/date_max as
timestamps; coded columns are categoricals in vocabulary order; actor lists
are Python lists. The whole package is validated before any table is returned
(once per state of the files), so a chapter never sees bad data.
"""
import os
from pathlib import Path

import pandas as pd

from . import geography
from .validate import read_datapackage, validate_package

REPO = Path(__file__).resolve().parents[1]
# Today's boundaries for the maps: tools/vendor_boundaries.py puts them here at build setup.
BOUNDARIES = REPO / "_build" / "vendor" / "world-atlas" / "countries-50m.json"
# The loader functions below, in the order of datapackage.json.
DATASETS = ["sources", "actors", "places", "aliases", "events", "treaties", "aid_flows",
            "recognition_steps", "claims", "periods", "vocabularies"]
_validated = {}  # data folder -> (name, mtime, size) of its files when they last passed


def data_dir(path=None):
    """The data folder: path if given, else $AFGHAN_RELATIONS_DATA, else the book's data/."""
    return Path(path or os.environ.get("AFGHAN_RELATIONS_DATA") or REPO / "data")


_data_folder = data_dir  # for the loaders below, whose argument shadows the name


def seeds_dir():
    """The source documents (../shared/seeds beside the repository, or $AFGHAN_RELATIONS_SEEDS), or None."""
    path = Path(os.environ.get("AFGHAN_RELATIONS_SEEDS") or REPO.parent / "shared" / "seeds")
    return path if path.is_dir() else None


def datapackage(path=None):
    """The Frictionless descriptor, datapackage.json, as a dict."""
    return read_datapackage(data_dir(path))


def _ensure_valid(folder):
    # Subfolders too: the reference data (reference/) are checked against the data.
    state = tuple((str(p.relative_to(folder)), p.stat().st_mtime_ns, p.stat().st_size)
                  for p in sorted(folder.rglob("*")) if p.is_file())
    if _validated.get(folder) != state:
        validate_package(folder)
        _validated[folder] = state


def _vocabulary_codes(folder):
    table = pd.read_csv(folder / "vocabularies.csv", dtype=str, keep_default_na=False)
    return table.groupby("vocabulary", sort=False)["code"].apply(list).to_dict()


def _typed(column, field, codes):
    empty = column == ""
    if field["type"] == "date":
        return pd.to_datetime(column.mask(empty), format="%Y-%m-%d")
    if field["type"] == "integer":
        return pd.to_numeric(column.mask(empty)).astype("Int64")
    if field["type"] == "number":
        return pd.to_numeric(column.mask(empty)).astype(float)
    if field.get("listOf"):
        return pd.Series([cell.split("|") if cell else [] for cell in column], index=column.index, dtype=object)
    if "vocabulary" in field:
        return pd.Series(pd.Categorical(column.mask(empty), categories=codes[field["vocabulary"]]), index=column.index)
    return column.mask(empty).astype("string")


def _load(name, path):
    folder = data_dir(path).resolve()
    _ensure_valid(folder)
    resource = next(r for r in read_datapackage(folder)["resources"] if r["name"] == name)
    table = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    codes = _vocabulary_codes(folder)
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


def place_coordinates(data_dir=None):
    """Where the maps draw each place (reference data, not from the sources), indexed by place_id.

    Columns latitude and longitude (decimal degrees), geonames_id, reference, notes.
    Validated with the data: every place of places.csv has a row.
    """
    folder = _data_folder(data_dir).resolve()
    _ensure_valid(folder)
    table = pd.read_csv(folder / geography.COORDINATES_FILE, dtype=str, keep_default_na=False,
                        encoding="utf-8")
    table[["latitude", "longitude"]] = table[["latitude", "longitude"]].astype(float)
    return table.set_index("place_id")


def boundaries(path=None):
    """Today's country boundaries (Natural Earth 1:50m via world-atlas), as {ISO numeric: Country}.

    From `path`, else $AFGHAN_RELATIONS_BOUNDARIES, else the copy `make book` vendors into _build/.
    """
    path = Path(path or os.environ.get("AFGHAN_RELATIONS_BOUNDARIES") or BOUNDARIES)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: expected Natural Earth's boundaries (world-atlas countries-50m.json), "
                                "got no file; run `make vendor` (python tools/vendor_boundaries.py) once, with npm")
    return geography.countries(geography.read_topology(path))
