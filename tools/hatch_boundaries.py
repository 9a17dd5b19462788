"""hatchling build hook: the wheel carries the maps' boundaries, as it carries the data, and the
digest of the data as they were validated (so a reader's kernel need not check them again).

A chapter run from the notebook kit has no repository and no _build/ around it, so the
book's package takes Natural Earth's boundaries with it (afghan_relations/boundaries/,
where `afghan_relations.load.boundaries()` looks after the clone's _build/vendor/).
They are vendored by tools/vendor_boundaries.py; `make wheel` runs it first. An editable
install (`pip install -e .`, from a clone) reads them from _build/vendor/ instead.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

VENDORED = Path("_build") / "vendor" / "world-atlas"
VALIDATED_STAMP = Path("_build") / "wheel-data-validated.txt"


class BoundariesHook(BuildHookInterface):
    PLUGIN_NAME = "boundaries"

    def initialize(self, version, build_data):
        if version == "editable":
            return
        folder = Path(self.root) / VENDORED
        if not (folder / "countries-50m.json").is_file():
            raise FileNotFoundError(
                f"{folder}/countries-50m.json: run `python tools/vendor_boundaries.py` "
                "(or `make vendor`) before building the wheel"
            )
        for name in ("countries-50m.json", "world-atlas.LICENSE.txt", "NATURAL-EARTH.txt"):
            build_data["force_include"][str(folder / name)] = f"afghan_relations/boundaries/{name}"
        # The digest of the data as `make wheel` validated them (afghan_relations/load.py reads it).
        stamp = Path(self.root) / VALIDATED_STAMP
        if not stamp.is_file():
            raise FileNotFoundError(
                f"{stamp}: run `python -m afghan_relations validate --stamp {VALIDATED_STAMP}` "
                "(`make wheel` does) before building the wheel"
            )
        build_data["force_include"][str(stamp)] = "afghan_relations/VALIDATED_DATA"
