"""What a chapter's code cells need: the style, and glue that shows its value where it is made.

Every figure, number and table a chapter computes is shown in the cell that makes
it when the notebook runs in Jupyter, and stored under a name (myst-nb's "glue")
for the book, which hides those cells and places the value where the prose needs it.

Data is text, never markup. Whatever a chapter builds as MyST Markdown (tables,
lists) passes each data value through `myst_text` (or `myst_code`); markup the
chapter itself writes around the data (a {download} role, emphasis) is marked
as such with `MyST`. Sphinx then escapes the resulting text nodes for HTML and
for LaTeX, so MyST is the one target these functions escape for.
"""

import copy
import html
import inspect
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.core.formatters import format_display_data
from IPython.display import display

from . import style

# myst-nb's glue format (myst_nb.ext.glue.glue in myst-nb 1.x): a display output whose
# metadata names it; with the prefix on its MIME types no Jupyter front end shows it.
# Written here rather than imported because importing myst_nb brings in Sphinx, which a
# reader rerunning a notebook (the notebook kit, the in-browser Python) does not have.
GLUE_PREFIX = "application/papermill.record/"


def start_chapter():
    """Apply the book's figure style; call once at the top of each chapter."""
    style.use_book_style()


def _glue(name, bundle, metadata=None, shown=True):
    prefix = "" if shown else GLUE_PREFIX
    metadata = dict(metadata or {}, scrapbook={"name": name, "mime_prefix": prefix})
    display({prefix + mime: value for mime, value in bundle.items()}, raw=True, metadata=metadata)


PHONE_SUFFIX = "-phone"
SVG = "image/svg+xml"
PNG = "image/png"
PHONE_FORMAT = SVG  # the web page's, the only place the phone layout is shown


def glue_figure(name, figure, *args, **kwargs):
    """Show a figure and store it under `name` for a {glue:figure} directive; close it so it is shown once.

    `figure` is a matplotlib Figure, or a function of `figures` called with the other
    arguments: then it is drawn twice, in the print layout (shown and stored under `name`)
    and with `phone=True` (stored under `name` + "-phone" without being shown, so a reader
    rerunning the notebook sees each figure once). The web page offers the phone layout to
    narrow screens (book_extensions/figure_layouts.py); the PDF and a reader's notebook use the
    print layout, so the phone layout is rendered as SVG only (each other format costs as
    much again: about a third of a cold build's CPU went to phone PDFs and PNGs nobody saw).
    Both SVGs are kept for an explorer whose view is this figure (`drawing`).
    """
    if not callable(figure):
        _glue_shown(name, figure)
        return
    printed = _glue_shown(name, figure(*args, **kwargs))
    drawn = figure(*args, phone=True, **kwargs)
    phone, metadata = format_display_data(drawn, include={PHONE_FORMAT})
    _glue(name + PHONE_SUFFIX, phone, metadata, shown=False)
    plt.close(drawn)
    if SVG in printed and SVG in phone:  # where Jupyter shows SVG (not, say, in a plain Python session)
        _DRAWINGS.append((figure, _arguments(figure, args, kwargs), _undated(printed[SVG]), _undated(phone[SVG])))


def _glue_shown(name, figure):
    """Show and store the figure (every format Jupyter is set to show), close it; its formats.

    The PNG, which Jupyter shows of a notebook it does not trust yet (it shows no SVG there), is
    drawn with the layout the SVG was drawn with, rather than laid out again: the same picture,
    and one run of the figure's layout engine instead of two."""
    bundle, metadata = format_display_data(figure, exclude={PNG})
    if SVG in bundle:  # laid out (where Jupyter draws SVG at all)
        figure.set_layout_engine("none")
    png, png_metadata = format_display_data(figure, include={PNG})
    bundle.update(png)
    metadata.update(png_metadata)
    _glue(name, bundle, metadata)
    plt.close(figure)
    return bundle


# The figures this kernel has glued in both layouts: (figure function, its arguments with the
# defaults filled in, print SVG, phone SVG). An explorer whose view is a figure the chapter has
# glued (its first view is, by design) takes the drawing rather than drawing it again
# (`drawing`, widgets._view). The figure functions draw from their arguments alone (and the
# book's style), so equal arguments mean the same drawing.
_DRAWINGS = []


def _arguments(function, args, kwargs):
    """The call's arguments by name, defaults filled in; copies, so that a table changed later
    in the chapter cannot match a drawing made before the change."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return copy.deepcopy(bound.arguments)


def _equal(a, b):
    """Whether two arguments of a figure function are equal: tables by their contents and types;
    anything that cannot be compared is not (the figure is then drawn again)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.equals(b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _undated(svg):
    """The SVG without the date IPython's SVG carries (matplotlib writes it unless told not to)."""
    return re.sub(r"\n *<dc:date>[^<]*</dc:date>", "", svg, count=1)


def drawing(function, *args, **kwargs):
    """(print SVG, phone SVG) of `function(*args, **kwargs)` if this kernel has glued that figure, else None."""
    arguments = _arguments(function, args, kwargs)
    for drawn, drawn_arguments, svg, phone in _DRAWINGS:
        if drawn is function and _equal(drawn_arguments, arguments):
            return svg, phone
    return None


def glue_number(name, value):
    """Show a number (or short text) as `name = value` and store it for {glue:text} in the prose.

    numpy scalars become Python numbers. The book's roles read the plain-text form;
    Jupyter shows the HTML one, which names the value.
    """
    value = value.item() if hasattr(value, "item") else value
    bundle, metadata = format_display_data(value)
    bundle["text/html"] = f"<code>{html.escape(name)}</code> = {html.escape(str(value))}"
    _glue(name, bundle, metadata)


def glue_markdown(name, text):
    """Show Markdown text and store it for a {glue:md} directive (with `:format: myst`)."""
    _glue(name, {"text/markdown": text, "text/plain": text})


class MyST(str):
    """Markup a chapter writes on purpose (a role, emphasis): `markdown_table` keeps it as markup.

    Like markupsafe's Markup for HTML: any other str is data and is escaped. A
    pandas column keeps the class with the (default) python storage of its str
    dtype; were it lost, the markup would show as text, never data run as markup.
    """


# CommonMark lets a backslash escape every ASCII punctuation character, and only those
# (spec, "Backslash escapes"); every piece of Markdown and MyST syntax (roles {..}`..`,
# directives ```/:::, links [..](..), emphasis * _, raw HTML < >, entities &..;, dollar
# math $, table cells |, substitutions {{ }}) starts with one, so escaping them all leaves
# plain text. Letters, digits and non-ASCII characters have no Markdown meaning.
MARKDOWN_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def myst_text(value):
    """A data value as MyST that displays exactly its text: punctuation backslash-escaped, a line break
    shown as a space (a table row or list item is one line). Missing values are empty."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(value).splitlines()))


def myst_code(value):
    """A data value as a MyST inline code span, shown verbatim in a monospaced font.

    Inside a code span nothing is markup; the fence is one backtick longer than
    the longest run of backticks in the value, as CommonMark allows.
    """
    text = " ".join(str(value).splitlines())
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return MyST(f"{fence}{padded}{fence}")


def markdown_table(frame):
    """A DataFrame as a Markdown pipe table, index dropped: each cell is data (escaped with
    `myst_text`) unless it is `MyST`, whose pipes alone are escaped, as a table cell needs."""

    def cell(value):
        if isinstance(value, MyST):
            return " ".join(value.splitlines()).replace("|", "\\|")
        return myst_text(value)

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


# The PDF's text block (A4, Sphinx's 1-inch margins: 453 pt) in characters of its 10 pt
# serif (about 4.6 pt each), and the padding (2 x 6 pt) each table column takes from it.
PRINT_LINE_CHARS = 98
PRINT_COLUMN_PADDING = 2.6
# Header cells are bold sans serif, code monospaced: both wider than the body text.
HEADER_FACTOR, CODE_FACTOR = 1.3, 1.35


def print_column_widths(frame, line=PRINT_LINE_CHARS, padding=PRINT_COLUMN_PADDING):
    """Each column's share of the PDF's text block, in tenths of a character, for `tabularcolumns`.

    Columns share the line in proportion to their average cell, but each gets
    at least its longest word (which cannot wrap) and needs no more than its
    longest cell; so long text wraps and no column runs off the page.
    """

    def width(text):
        code = sum(len(part) for part in text.split("`")[1::2])
        return len(text) - text.count("`") + (CODE_FACTOR - 1) * code

    floor, ask, weight = {}, {}, {}
    for column in frame.columns:
        cells = [str(v) for v in frame[column] if v is not None and v == v and str(v)]
        words = [width(w) for text in cells for w in text.split()]
        words += [HEADER_FACTOR * len(w) for w in str(column).split()]
        floor[column] = max(words, default=1.0)
        ask[column] = max([width(c) for c in cells] + [floor[column]])
        weight[column] = sum(width(c) for c in cells) / max(len(cells), 1) or 1.0
    room = line - padding * len(frame.columns)
    widths = {}  # columns pinned at their floor or their longest cell
    while True:
        free = [c for c in frame.columns if c not in widths]
        if not free:
            break
        left = room - sum(widths.values())
        share = {c: left * weight[c] / sum(weight[f] for f in free) for c in free}
        narrow = [c for c in free if share[c] < floor[c]]
        wide = [c for c in free if share[c] > ask[c]]
        if not narrow and not wide:
            widths.update(share)
            break
        widths.update({c: floor[c] for c in narrow} if narrow else {c: ask[c] for c in wide})
    scale = room / sum(widths.values())  # the table spans the text block
    return [round(10 * (widths[c] * scale + padding)) for c in frame.columns]


def glue_table(name, frame, caption):
    """Store a numbered table (MyST `table` directive) for a {glue:md} directive with `:format: myst`.

    Markdown, not HTML, so that the web page gets a real, themed table and the
    PDF a LaTeX (long)table from the same output. The `tabularcolumns` line
    (ignored on the web) gives the PDF's columns their widths and ragged-right,
    wrapping text: a long table (over 30 rows) would otherwise run off the page.
    """
    widths = print_column_widths(frame)
    colspec = "".join(rf">{{\raggedright\arraybackslash}}\X{{{w}}}{{{sum(widths)}}}" for w in widths)
    text = (
        f":::{{tabularcolumns}} {colspec}\n:::\n\n"
        f":::{{table}} {caption}\n:name: {name}\n:width: 100%\n\n{markdown_table(frame)}\n:::\n"
    )
    # One output: Jupyter shows the HTML table (it ranks HTML above Markdown), the book's
    # {glue:md} directive takes the numbered, captioned MyST table.
    bundle, metadata = format_display_data(frame)
    _glue(name, dict(bundle, **{"text/markdown": text}), metadata)
