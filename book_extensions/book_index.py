"""The index of people, places, states and organizations, generated from the data.

Every paragraph of the prose that names an actor (data/actors.csv) or a place
(data/places.csv), under its canonical name or any spelling in data/aliases.csv,
gets a Sphinx index entry for the canonical name, so a reader looking up
"Mazar-i-Sharif" or "Sergey Lavrov" finds the page under "Mazar-e-Sharif" or
"Sergei Lavrov". Each alias also gets a "see" entry pointing to its canonical
name (on the root page). Sphinx turns the entries into the web edition's
genindex.html (linked from the sidebar, chapters/appendix-index.md) and, in the
PDF, into \\printindex at the end of the book with page numbers.

Only running text is indexed: paragraphs and list items, not titles, captions,
tables, code or the bibliography (an index entry in a LaTeX caption or heading
is fragile, and a table of 127 rows would bury the prose's pages).
"""

import csv
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

SKIP = (
    nodes.title,
    nodes.caption,
    nodes.table,
    nodes.literal_block,
    nodes.literal,
    nodes.raw,
    nodes.citation,
    nodes.footnote,
    nodes.figure,
    nodes.legend,
    nodes.substitution_definition,
)
INDEX_PAGE_LABEL = "book-index"  # chapters/appendix-index.md


def _rows(srcdir, name):
    with (Path(srcdir) / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def index_terms(srcdir):
    """{spelling: canonical index term} for every actor, place and alias, and {alias: term} of the aliases."""
    if not all((Path(srcdir) / "data" / f"{name}.csv").is_file() for name in ("actors", "places", "aliases")):
        return {}, {}  # a book without the data has nothing to index
    canonical = {}
    for row in _rows(srcdir, "actors"):
        canonical[("actors", row["actor_id"])] = row["name"]
    for row in _rows(srcdir, "places"):
        canonical[("places", row["place_id"])] = row["name"]
    spellings = {name: name for name in canonical.values()}
    aliases = {}
    for row in _rows(srcdir, "aliases"):
        term = canonical[(row["entity_table"], row["entity_id"])]
        spellings.setdefault(row["alias"], term)
        if row["alias"] != term:
            aliases[row["alias"]] = term
    return spellings, aliases


def spelling_pattern(spellings):
    """Any spelling as a whole word, the longest first ("Russian Empire" before "Russia")."""
    ordered = sorted(spellings, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in ordered) + r")(?![\w-])")


def terms_in(text, pattern, spellings):
    """The canonical terms a text mentions, in order of first mention."""
    return list(dict.fromkeys(spellings[m] for m in pattern.findall(text)))


def _skipped(node):
    """True inside a title, caption, table, code, citation or the bibliography."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, SKIP) or "bibliography" in parent.get("classes", ()):
            return True
        parent = parent.parent
    return False


class IndexMentions(SphinxTransform):
    """Index entries for the actors and places each paragraph of prose mentions."""

    default_priority = 500

    def apply(self):
        env = self.env
        spellings, aliases = index_terms(env.srcdir)  # three small CSVs: read afresh, never stale
        if not spellings:
            return
        pattern = spelling_pattern(spellings)
        docname = env.docname
        if any(INDEX_PAGE_LABEL in section.get("ids", []) for section in self.document.findall(nodes.section)):
            return  # the page that links to the index does not index itself
        for k, paragraph in enumerate(list(self.document.findall(nodes.paragraph))):
            if _skipped(paragraph):
                continue
            terms = terms_in(paragraph.astext(), pattern, spellings)
            if not terms:
                continue
            # The entry points at the paragraph itself, not at an empty target before it: Sphinx's
            # search shows the text at an index entry's anchor, and fails on an empty one.
            target_id = f"index-mention-{k:04d}"  # zero-padded: Sphinx orders a page's links by id
            paragraph["ids"].insert(0, target_id)
            entries = [("single", term, target_id, "", None) for term in terms]
            paragraph.insert(0, addnodes.index(entries=entries, inline=True))
        if docname == self.config.root_doc and aliases:
            first = next(iter(self.document.findall(nodes.section)), None)
            if first is not None and first["ids"]:
                entries = [
                    ("see", f"{alias}; {term}", first["ids"][0], "", None) for alias, term in sorted(aliases.items())
                ]
                first.insert(1, addnodes.index(entries=entries, inline=False))


def setup(app):
    app.add_transform(IndexMentions)
