"""The index: every actor and place the prose names is listed (under its canonical name), every alias leads there.

Mentions are found here in the built pages' paragraphs with the standard library, from the
CSVs, independently of book_extensions/book_index.py.
"""

import csv
import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html"
pytestmark = pytest.mark.skipif(not (HTML / "genindex.html").exists(), reason="the book is not built: run `make book`")
SKIPPED = {
    "figcaption",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "pre",
    "code",
    "dl",
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
}


def rows(name):
    with (REPO / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def canonical_names():
    names = {("actors", r["actor_id"]): r["name"] for r in rows("actors")}
    names.update({("places", r["place_id"]): r["name"] for r in rows("places")})
    return names


def spellings():
    names = canonical_names()
    found = {name: name for name in names.values()}
    for alias in rows("aliases"):
        found.setdefault(alias["alias"], names[(alias["entity_table"], alias["entity_id"])])
    return found


class Paragraphs(HTMLParser):
    """Text of the <p> elements of a page's article, outside captions, tables, headings, code and citations."""

    def __init__(self):
        super().__init__()
        self.stack, self.paragraphs, self.in_article = [], [], False

    def _skipping(self):
        return any(tag in SKIPPED or skip for tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.in_article = True
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            return
        classes = (dict(attrs).get("class") or "").split()
        # Citations and the titles that cross-references print are not the prose's own mentions.
        self.stack.append((tag, bool({"citation", "bibliography", "std-ref"} & set(classes))))
        if tag == "p" and self.in_article and not self._skipping():
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.in_article and self.paragraphs and any(t == "p" for t, _ in self.stack) and not self._skipping():
            self.paragraphs[-1] += data


def pages():
    return sorted(p for p in (HTML / "chapters").glob("*.html") if p.stem != "appendix-index")


def mentioned_terms():
    spelled = spellings()
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(s) for s in sorted(spelled, key=len, reverse=True)) + r")(?![\w-])"
    )
    terms = {}
    for page in pages():
        parser = Paragraphs()
        parser.feed(page.read_text(encoding="utf-8"))
        for paragraph in parser.paragraphs:
            for match in pattern.findall(paragraph):
                terms.setdefault(spelled[match], set()).add(page.stem)
    return terms


def index_entries():
    """{term: [hrefs]} and {alias: target} of the built genindex.html."""
    text = (HTML / "genindex.html").read_text(encoding="utf-8")
    body = text[text.index('<h1 id="index">') :]
    entries = {}
    for match in re.finditer(r'<li><a href="([^"]+)">([^<]+)</a>((?:, <a href="[^"]+">\[\d+\]</a>)*)', body):
        term = html_lib.unescape(match.group(2))
        entries[term] = [match.group(1)] + re.findall(r'href="([^"]+)"', match.group(3))
    sees = {
        html_lib.unescape(a): html_lib.unescape(b)
        for a, b in re.findall(r"<li>\s*([^<]+?)\s*<ul>\s*<li>\s*see ([^<]+?)\s*</li>", body)
    }
    return entries, sees


def test_the_prose_mentions_many_actors_and_places():
    terms = mentioned_terms()
    assert len(terms) >= 60
    assert {"Afghanistan", "Russia", "Kabul", "Tajikistan", "Mazar-e-Sharif", "Gul Hasan"} <= set(terms)


def test_index_lists_every_actor_and_place_the_prose_mentions_on_its_pages():
    entries, _ = index_entries()
    for term, on_pages in mentioned_terms().items():
        assert term in entries, f"{term} is mentioned on {sorted(on_pages)} but not in the index"
        linked = {href.split("#")[0].removeprefix("chapters/").removesuffix(".html") for href in entries[term]}
        assert on_pages <= linked, (term, on_pages - linked)


def test_index_terms_are_canonical_names_of_the_data():
    entries, _ = index_entries()
    assert set(entries) <= set(canonical_names().values())


def test_every_alias_leads_to_its_canonical_entry():
    _, sees = index_entries()
    names = canonical_names()
    for alias in rows("aliases"):
        canonical = names[(alias["entity_table"], alias["entity_id"])]
        if alias["alias"] != canonical:
            assert sees.get(alias["alias"]) == canonical, alias["alias_id"]


def test_index_links_land_on_their_anchors():
    entries, _ = index_entries()
    for term in ("Kabul", "Gul Hasan", "Emomali Rahmon"):
        for href in entries[term]:
            page, anchor = href.split("#")
            assert f'id="{anchor}"' in (HTML / page).read_text(encoding="utf-8"), href


def test_the_index_is_linked_from_the_sidebar_of_every_page():
    for page in pages():
        assert 'href="appendix-index.html"' in page.read_text(encoding="utf-8"), page.name
    assert 'href="../genindex.html"' in (HTML / "chapters" / "appendix-index.html").read_text(encoding="utf-8")


def test_index_terms_are_ascii_as_makeindex_needs():
    # The PDF's index is sorted by makeindex (_config.yml: latex_use_xindy false), which
    # orders bytes: a term with a non-ASCII letter would sort out of place.
    for term in spellings():
        assert term.isascii(), term
