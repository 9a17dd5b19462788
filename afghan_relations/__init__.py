"""Shared code of the book: load and validate the data, derive tables, draw figures and explorers."""

from importlib import metadata

from .errors import SetupError

try:
    __version__ = metadata.version("afghan_relations")
except metadata.PackageNotFoundError:  # imported from a clone without installing it
    __version__ = "unknown"


def _release(version):
    return tuple(int(part) for part in version.split(".")[:3] if part.isdigit())


def require(version):
    """Stop with one line unless this package is at least `version`, the one a notebook was built with."""
    if __version__ == "unknown":
        return  # a clone on the path, not installed: it is the notebook's own source
    if _release(__version__) < _release(version):
        raise SetupError(
            f"this notebook needs afghan_relations {version} or newer, and {__version__} is installed: "
            f"in the folder of the book's notebook kit run `pip install -r requirements.txt`"
        )
