"""The bibliography: a BibTeX file generated from data/sources.csv, cited author–date.

sphinxcontrib-bibtex resolves the chapters' {cite:p}`000` and {cite:t}`000` roles
(author–date: "(Wikipedia contributors, 2026)") and writes the
{bibliography} of chapters/appendix-bibliography.md, on the web and in the PDF.
Its input is a .bib file; this module writes that file from sources.csv when the
build starts, into _build/, so each source's metadata is written in one place
(sources.csv) and the .bib can never disagree with it. The file is rewritten only
when its text changes, so an unchanged build rereads nothing.

Keys are the sources' three-digit numbers (the first characters of their file
names), so a citation in the prose names the same document as the data's
`source` column. The entries are @misc (a web article or news report); the
label each one gets in the bibliography is its author–date citation (the pybtex
style below), so the list reads like the citations that point to it.
"""

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.database
import pybtex.plugin
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from sphinxcontrib.bibtex.plugin import register_plugin as register_referencing_style
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

BIB_FILE = Path("_build") / "bibliography" / "sources.bib"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def citation_key(source):
    """The key a chapter cites a source by: its three-digit number."""
    return source.split("_", 1)[0]


def _braced(text):
    """A BibTeX field value: braces keep capitals and corporate names as written; specials escaped."""
    for char in "\\{}":
        text = text.replace(char, "")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return "{" + text + "}"


def bib_entry(row):
    """One @misc entry for a row of sources.csv."""
    published = row["published"].split("/")[0]
    fields = {}
    if row["author"]:
        fields["author"] = "{" + _braced(row["author"]) + "}"  # double braces: a body, not First Last
    fields["title"] = "{" + _braced(row["title"]) + "}"  # as written, not sentence-cased
    if row["publisher"] and row["publisher"] != row["author"]:
        fields["howpublished"] = _braced(row["publisher"])
    fields["year"] = _braced(published[:4])
    if len(published) >= 7:
        fields["month"] = MONTHS[int(published[5:7]) - 1]
    kind = row["kind"].replace("_", " ")
    licence = row["licence"] if row["licence"][:2].isupper() else row["licence"][:1].lower() + row["licence"][1:]
    fields["note"] = _braced(
        f"{kind[:1].upper()}{kind[1:]} ({licence}). Kept in the book's evidence base as {row['source']}"
    )
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"@misc{{{citation_key(row['source'])},\n{body}\n}}\n"


def bib_text(sources_csv):
    with Path(sources_csv).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = "% Generated from data/sources.csv by book_extensions/bibliography.py; do not edit.\n\n"
    return header + "\n".join(bib_entry(row) for row in rows)


def write_bib(srcdir):
    """Write the .bib file if its text changed; return its path."""
    path = Path(srcdir) / BIB_FILE
    text = bib_text(Path(srcdir) / "data" / "sources.csv")
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def _cited_name(entry):
    """The name an author–date citation gives: the author, or the title's first words where there is none."""
    persons = entry.persons.get("author")
    if persons:
        return " ".join(str(p) for p in persons).strip("{}")
    return " ".join(entry.fields["title"].strip("{}").split()[:3]) + "…"


class AuthorYearLabels(BaseLabelStyle):
    """Labels that repeat the citation: 'Al Jazeera 2025'."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield f"{_cited_name(entry)} {entry.fields.get('year', 'n.d.')}"


class AuthorYearSorting(BaseSortingStyle):
    """In the order of the labels: by cited name (author or title), then year."""

    def sorting_key(self, entry):
        return _cited_name(entry).casefold(), entry.fields.get("year", "")


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style, labelled and sorted author–date."""

    default_label_style = AuthorYearLabels
    default_sorting_style = AuthorYearSorting


# --- the same citations as plain text, for the readers' notebooks (book_extensions/reader_notebooks.py) ---


def cited_names(sources_csv):
    """{key: (name, year)}: what an author–date citation of each source shows."""
    entries = pybtex.database.parse_string(bib_text(sources_csv), "bibtex").entries
    return {
        key: (
            _cited_name(entry) if "author" in entry.persons else entry.fields["title"].strip("{}"),
            entry.fields["year"],
        )
        for key, entry in entries.items()
    }


def cite_text(role, keys, names):
    """A citation role's text as the HTML shows it: cite:p "(RT, 2025)", cite:t "RT (2025)", ..."""
    items = [names[key] for key in keys]
    if role in ("cite:p", "cite:ps"):
        return "(" + "; ".join(f"{name}, {year}" for name, year in items) + ")"
    if role in ("cite:alp", "cite:alps"):
        return "; ".join(f"{name}, {year}" for name, year in items)
    if role in ("cite:t", "cite:ts"):
        return ", ".join(f"{name} ({year})" for name, year in items)
    if role == "cite:yearpar":
        return "(" + ", ".join(year for _, year in items) + ")"
    raise KeyError(role)


def bibliography_markdown(sources_csv):
    """The bibliography as a Markdown list, labelled and ordered as on the web."""
    entries = pybtex.database.parse_string(bib_text(sources_csv), "bibtex").entries
    formatted = AuthorYearStyle().format_entries(entries.values())
    return (
        "\n".join(f"- **{entry.label}** {' '.join(entry.text.render_as('markdown').split())}" for entry in formatted)
        + "\n"
    )


def _round_brackets():
    return BracketStyle(left="(", right=")")


@dataclass
class RoundAuthorYear(AuthorYearReferenceStyle):
    """Author–date citations in round brackets, "(Al Jazeera, 2025)", as readers know them (the default is [])."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round_brackets)
    bracket_textual: BracketStyle = field(default_factory=_round_brackets)
    bracket_author: BracketStyle = field(default_factory=_round_brackets)
    bracket_label: BracketStyle = field(default_factory=_round_brackets)
    bracket_year: BracketStyle = field(default_factory=_round_brackets)


def _on_config_inited(app, config):
    # sphinxcontrib-bibtex notices a changed .bib (by its mtime) and rereads the pages that cite it.
    # Only for a book that cites from it (_config.yml: bibtex_bibfiles).
    if str(BIB_FILE) in (getattr(config, "bibtex_bibfiles", None) or []):
        write_bib(app.srcdir)


def _listitem_entries(app, pagename, templatename, context, doctree):
    """Bibliography entries as list items of their list, for screen readers.

    docutils writes the entries as <div role="doc-biblioentry"> inside <div role="list">;
    axe (tests/test_browser.py) reports a list without list items as a critical violation.
    """
    if "body" in context and 'role="doc-biblioentry"' in context["body"]:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


@functools.cache
def _entry_points(**selection):
    """The installed entry points pybtex looks a plugin up in, read once per build, as a tuple.

    pybtex reads the metadata of every installed distribution each time it looks a plugin up,
    and sphinxcontrib-bibtex looks one up for every citation it resolves: a third of a second
    of each build, for entry points that do not change while it runs. Plugins registered at run
    time (register_plugin, as below) are found before pybtex asks for entry points.
    """
    return tuple(_installed_entry_points(**selection))


_installed_entry_points = pybtex.plugin.entry_points


def setup(app):
    pybtex.plugin.entry_points = _entry_points
    app.connect("html-page-context", _listitem_entries)
    register_plugin("pybtex.style.labels", "book_author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "book_author_year", AuthorYearStyle)
    register_referencing_style("sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYear)
    # Before sphinxcontrib-bibtex reads the .bib (at builder-inited).
    app.connect("config-inited", _on_config_inited, priority=100)
