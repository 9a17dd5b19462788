"""Shared code of the book: load and validate the data, derive tables, draw figures and explorers."""
from importlib import metadata

try:
    __version__ = metadata.version("afghan_relations")
except metadata.PackageNotFoundError:  # imported from a clone without installing it
    __version__ = "unknown"
