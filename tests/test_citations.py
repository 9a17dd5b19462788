"""Citations: the .bib is sources.csv, every citation in the prose resolves, the bibliography lists every source.

The first tests need no build; the last read the built HTML (skipped before `make book`).
"""

import csv
import html as html_lib
import re
import sys
from pathlib import Path

import pybtex.database
import pytest

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html"
CHAPTERS = sorted((REPO / "chapters").glob("*.md"))
CITE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")
sys.path.insert(0, str(REPO))
from book_extensions import bibliography  # noqa: E402

built = pytest.mark.skipif(
    not (HTML / "chapters" / "appendix-bibliography.html").exists(),
    reason="the book is not built: run `make book` first",
)


def sources():
    with (REPO / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def prose(chapter):
    """A chapter's text outside code cells (captions and glued table captions are in code cells too)."""
    return chapter.read_text(encoding="utf-8")


def test_bib_file_is_generated_from_sources_csv():
    entries = pybtex.database.parse_string(bibliography.bib_text(REPO / "data" / "sources.csv"), "bibtex").entries
    rows = sources()
    assert sorted(entries) == sorted(row["source"][:3] for row in rows)
    for row in rows:
        entry = entries[row["source"][:3]]
        assert entry.fields["title"] == "{" + row["title"] + "}"  # braced: printed as written
        assert entry.fields["year"] == row["published"][:4]
        authors = " ".join(str(p) for p in entry.persons.get("author", []))
        assert authors == ("{" + row["author"] + "}" if row["author"] else "")  # one body, not First Last
        assert row["source"].replace("_", r"\_") in entry.fields["note"]


def test_generated_bib_escapes_what_bibtex_would_read_as_markup():
    row = {
        "source": "009_x.txt",
        "title": "A {braced} title & 50% of $ #1",
        "publisher": "P",
        "author": "",
        "published": "2024-02-30",
        "kind": "news_report",
        "licence": "CC BY 4.0",
    }
    entry = pybtex.database.parse_string(bibliography.bib_entry(row), "bibtex").entries["009"]
    assert entry.fields["title"] == r"{A braced title \& 50\% of \$ \#1}"
    assert entry.fields["month"] == "February" and "author" not in entry.persons


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_citation_names_a_source_and_no_old_style_citation_is_left(chapter):
    text = prose(chapter)
    keys = {row["source"][:3] for row in sources()}
    for cited in CITE.findall(text):
        assert set(cited.split(",")) <= keys, cited
    assert not re.search(r"\[\d{3}\]|\bsources? \d{3}\b", text)


def test_every_source_is_cited_somewhere():
    cited = {key for chapter in CHAPTERS for keys in CITE.findall(prose(chapter)) for key in keys.split(",")}
    assert cited == {row["source"][:3] for row in sources()}


def _text(html):
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@built
def test_bibliography_page_lists_every_source_labelled_author_date():
    page = (HTML / "chapters" / "appendix-bibliography.html").read_text(encoding="utf-8")
    text = _text(page)
    for row in sources():
        assert row["title"] in text
        assert row["source"] in text
    for label in ("Wikipedia contributors 2026", "Wikipedia contributors 2025", "Al Jazeera 2025", "RT 2025"):
        assert label in text


@built
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_citation_in_the_built_page_links_to_a_bibliography_entry(chapter):
    page = (HTML / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    bibliography_page = (HTML / "chapters" / "appendix-bibliography.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="([^"]+)"', bibliography_page))
    links = re.findall(r'href="appendix-bibliography\.html#([^"]+)"', page)
    expected = len(CITE.findall(prose(chapter)))
    assert len(links) >= expected  # a citation of several sources makes several links
    assert all(link in anchors for link in links)
    assert "{cite" not in _text(page)
    if expected:
        # author–date, parenthetical "(RT, 2025)" or textual "RT (2025)"
        assert re.search(
            r"(?:Wikipedia contributors|Al Jazeera|RT|Russia recognizes[^,]*)\s*,?\s*\(?\s*\d{4}", _text(page)
        )
