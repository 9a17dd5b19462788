"""In print, no line break inside a range of years or dates ('1924–1925', 'May–July 1959').

XeLaTeX allows a line break after every en dash (the format sets \\XeTeXdashbreakstate=1),
so a table column or a caption could end a line with '1919–' and start the next with
'1991'. Only the dashes of ranges are protected: an en dash between a digit or a
month's name and a digit or a month's name is set in an \\mbox, which TeX never breaks.
Other dashes (spaced dashes, 'Afghan–Soviet') still break where TeX likes.
The web edition is left as it is.
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
END = rf"[0-9]|\b(?:{MONTHS})\b"
# a range's dash, with what ends the left side (kept) and a look at what starts the right side
RANGE_DASH = re.compile(rf"({END})\u2013(?=[0-9]|(?:{MONTHS})\b)")
UNBREAKABLE = r"\mbox{\textendash}"
# text set verbatim; section titles are left alone too, as they also become PDF bookmarks
SKIP = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.math, nodes.Special)


def with_unbreakable_ranges(text):
    """The text as nodes, each range's dash a raw LaTeX \\mbox; [text] itself when it has no range."""
    pieces, start = [], 0
    for match in RANGE_DASH.finditer(text):
        pieces += [nodes.Text(text[start : match.end(1)]), nodes.raw("", UNBREAKABLE, format="latex")]
        start = match.end()
    return pieces + [nodes.Text(text[start:])] if pieces else [text]


class UnbrokenRanges(SphinxPostTransform):
    builders = ("latex",)
    default_priority = 910  # after pdf_book's structure (900)

    def run(self):
        for text in list(self.document.findall(nodes.Text)):
            if "\u2013" not in text or any(isinstance(p, SKIP) or _is_section_title(p) for p in _ancestors(text)):
                continue
            pieces = with_unbreakable_ranges(str(text))
            if pieces != [text]:
                text.parent.replace(text, pieces)


def _is_section_title(node):
    return isinstance(node, nodes.title) and isinstance(node.parent, nodes.section)


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    app.add_post_transform(UnbrokenRanges)
