"""`python -m afghan_relations validate [--data DIR]`: check every data file, one line out."""
import argparse
import sys
from pathlib import Path

from . import load
from .validate import DataError, validate_package


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m afghan_relations")
    parser.add_argument("command", choices=["validate"])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the book's data/)")
    args = parser.parse_args(argv)
    data_dir = args.data or load.data_dir()
    try:
        rows, files = validate_package(data_dir)
    except DataError as error:
        print(f"data error: {error}", file=sys.stderr)
        return 1
    print(f"data OK: {rows} rows in {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
