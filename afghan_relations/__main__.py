"""`python -m afghan_relations validate [--data DIR] [--stamp FILE]`: check every data file; one line out either way.

With --stamp, a successful check writes the data's digest to FILE: `make wheel` puts it in the
wheel (afghan_relations/VALIDATED_DATA), so the copy of the data a wheel carries is not checked again.
"""

import argparse
import sys
from pathlib import Path

from . import load
from .validate import DataError, count_rows, validate_package


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m afghan_relations")
    parser.add_argument("command", choices=["validate"])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the book's data/)")
    parser.add_argument("--stamp", type=Path, default=None, help="on success, write the data's digest here")
    args = parser.parse_args(argv)
    folder = load.data_dir(args.data)
    try:
        validate_package(folder)
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    if args.stamp:
        args.stamp.parent.mkdir(parents=True, exist_ok=True)
        args.stamp.write_text(load.data_digest(folder) + "\n", encoding="utf-8")
    rows, files = count_rows(folder)
    print(f"data OK: {rows} rows in {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
