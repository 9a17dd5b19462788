"""`python -m afghan_relations validate [--data DIR]`: check every data file; one line out either way."""
import argparse
import sys
from pathlib import Path

from . import load
from .validate import DataError, count_rows, validate_package


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m afghan_relations")
    parser.add_argument("command", choices=["validate"])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the book's data/)")
    args = parser.parse_args(argv)
    folder = load.data_dir(args.data)
    try:
        validate_package(folder)
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    rows, files = count_rows(folder)
    print(f"data OK: {rows} rows in {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
