"""book_extensions/bibliography.py: the .bib is written only for a book that cites from it; the
plain-text citations the readers' notebooks use read as the page's."""

import sys

import pytest
from repository import ROOT

sys.path.insert(0, str(ROOT))
from book_extensions import bibliography  # noqa: E402

pytestmark = pytest.mark.fast

SOURCES = (
    "source,title,publisher,author,published,date_precision,kind,licence,evidence,notes\n"
    "000_a.txt,An article,Wikipedia contributors,Wikipedia contributors,2026-01,month,encyclopedia_article,"
    "CC BY-SA 4.0,x,\n"
    "001_b.txt,A report,Not named,,2025-07-03/2025-07-04,range,news_report,quoted,x,\n"
)


def test_cite_texts_follow_the_author_date_forms(tmp_path):
    (tmp_path / "sources.csv").write_text(SOURCES, encoding="utf-8")
    names = bibliography.cited_names(tmp_path / "sources.csv")
    assert names == {"000": ("Wikipedia contributors", "2026"), "001": ("A report", "2025")}
    assert bibliography.cite_text("cite:p", ["000", "001"], names) == "(Wikipedia contributors, 2026; A report, 2025)"
    assert bibliography.cite_text("cite:t", ["000"], names) == "Wikipedia contributors (2026)"
    assert bibliography.cite_text("cite:yearpar", ["001"], names) == "(2025)"
    with pytest.raises(KeyError):
        bibliography.cite_text("cite:unknown", ["000"], names)


def test_bibliography_markdown_lists_entries_in_label_order(tmp_path):
    (tmp_path / "sources.csv").write_text(SOURCES, encoding="utf-8")
    lines = bibliography.bibliography_markdown(tmp_path / "sources.csv").splitlines()
    assert [line.split("**")[1] for line in lines] == ["A report… 2025", "Wikipedia contributors 2026"]


def test_the_bib_is_written_only_when_the_book_cites_from_it(fixture_book, tmp_path):
    conf = 'project = "Tiny"\nextensions = ["book_extensions.bibliography"]\nexclude_patterns = ["_build"]\n'
    fixture_book(conf, {"index.rst": "Tiny\n====\n"})
    assert not (tmp_path / "book" / bibliography.BIB_FILE).exists()


def test_pybtex_plugins_are_found_with_the_entry_points_read_once(monkeypatch):
    import pybtex.plugin

    reads = []
    monkeypatch.setattr(bibliography, "_installed_entry_points", lambda **s: reads.append(s) or [])
    bibliography._entry_points.cache_clear()
    monkeypatch.setattr(pybtex.plugin, "entry_points", bibliography._entry_points)
    for _ in range(3):
        with pytest.raises(pybtex.plugin.PluginNotFound):
            pybtex.plugin.find_plugin("pybtex.backends", "no-such-backend")
    assert reads == [{"group": "pybtex.backends", "name": "no-such-backend"}] + [
        {"group": "pybtex.backends.aliases", "name": "no-such-backend"}
    ]  # each read once, not once a lookup
    monkeypatch.undo()
    bibliography._entry_points.cache_clear()
    # the real entry points still find what is installed, and run-time plugins come first
    monkeypatch.setattr(pybtex.plugin, "entry_points", bibliography._entry_points)
    assert pybtex.plugin.find_plugin("pybtex.backends", "plaintext").__module__ == "pybtex.backends.plaintext"
    pybtex.plugin.register_plugin("pybtex.style.formatting", "book_author_year", bibliography.AuthorYearStyle)
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "book_author_year") is bibliography.AuthorYearStyle
