"""Fetch today's country boundaries (Natural Earth) for the book's maps, so the build needs no network.

The maps (`afghan_relations.maps`) draw Natural Earth's Admin-0 countries at 1:50m,
as the npm package `world-atlas` ships them (TopoJSON, Natural Earth 4.1.0). This
script gets that package from the npm registry at a pinned version, checks it
against a pinned sha512 integrity hash (like `tools/vendor_js.py`, whose helpers it
uses), and copies `countries-50m.json` and the licences into
`_build/vendor/world-atlas/`, where `afghan_relations.load.boundaries()` finds it.

Why npm and not PyPI: no maintained PyPI package ships Natural Earth's shapes for
offline use (cartopy and geodatasets download them at run time; geopandas dropped
its copy in 1.0), while `world-atlas` is the usual packaging of Natural Earth for
the web, small (2.3 MB) and pinned like the widget JavaScript.

Run by `make book`; quick when the stamp file shows the pinned file is in place.
Usage: python tools/vendor_boundaries.py [OUTPUT_DIR]
"""

import json
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vendor_js import ROOT, npm_pack  # noqa: E402

DEFAULT_OUT = ROOT / "_build" / "vendor" / "world-atlas"
PACKAGE = {
    "name": "world-atlas",
    "version": "2.0.2",
    "integrity": "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
    # world-atlas is ISC (Mike Bostock); the shapes are Natural Earth's, in the public domain.
    "files": {"countries-50m.json": "countries-50m.json", "LICENSE": "world-atlas.LICENSE.txt"},
}
NATURAL_EARTH_TERMS = (
    "Natural Earth (naturalearthdata.com), version 4.1.0, Admin 0 countries 1:50m.\n"
    "All versions of Natural Earth raster and vector map data are in the public domain.\n"
)
STAMP = "VENDORED.json"


def main(out=DEFAULT_OUT):
    out = Path(out)
    wanted = {PACKAGE["name"]: [PACKAGE["version"], PACKAGE["integrity"]]}
    stamp = out / STAMP
    if (out / "countries-50m.json").is_file() and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        print(f"vendor_boundaries: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} up to date")
        return
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = npm_pack(PACKAGE, Path(tmp))
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        for source, target in PACKAGE["files"].items():
            shutil.copyfile(Path(tmp) / "package" / source, out / target)
    (out / "NATURAL-EARTH.txt").write_text(NATURAL_EARTH_TERMS, encoding="utf-8")
    stamp.write_text(json.dumps(wanted, indent=2) + "\n")
    print(f"vendor_boundaries: {PACKAGE['name']}@{PACKAGE['version']} -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
