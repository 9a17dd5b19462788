"""book_extensions.edition: the version and the release date come from CITATION.cff, on a tiny book."""

import pytest
import yaml
from repository import ROOT

from book_extensions.edition import citation

pytestmark = pytest.mark.fast

CONF = """
project = "Tiny book"
extensions = ["book_extensions.edition"]
version = release = "set in conf.py, overridden"
"""
CITATION = """
cff-version: 1.2.0
title: Tiny book
version: "2.3.4"
date-released: 2026-01-16
"""


def test_version_release_and_date_are_the_citations(fixture_book):
    app = fixture_book(CONF, {"index.rst": "Tiny book\n=========\n", "CITATION.cff": CITATION}, buildername="dummy")
    assert (app.config.version, app.config.release, app.config.today) == ("2.3.4", "2.3.4", "16 January 2026")


def test_the_books_citation_is_read():
    version, released = citation(ROOT)
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert version == cff["version"] and released.isoformat() == str(cff["date-released"])
