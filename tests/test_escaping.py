"""Data is text, never markup: each escaping function, checked by reading its output back with the
parser of its target (MyST into a docutils tree, matplotlib's SVG, an HTML parser, JSON).

The book-wide check, a build with hostile cells in every text column, is tests/test_hostile_cells.py.
"""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from docutils import nodes
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser

from afghan_relations import figures, style, widgets
from afghan_relations.book import MyST, markdown_table, myst_code, myst_text
from book_extensions.widget_state import WIDGET_STATE, escape_widget_state, inert_json

matplotlib.use("Agg")
pytestmark = pytest.mark.fast

# What a contributor could put in a cell to make it run as markup in one target or another.
HOSTILE = [
    '<img src=x onerror="alert(1)">',
    "<script>alert('x')</script>",
    '<a href="#" onclick="alert(1)">click</a>',
    "{download}`../README.md`",
    "{download}`README <../README.md>`",
    "$x^2$ and $$y$$",
    "a | b || c",
    "first line\nsecond line\r\nthird",
    "[a link](https://example.com) and <https://example.com>",
    "*emphasis* **strong** _under_ __dunder__ ~~strike~~",
    "```{note}\nnot a directive\n```",
    ":::{warning}\nnot a directive\n:::",
    r"\ { } % & # _ ^ ~ \textbf{x} \\",
    "`code` and ``more``",
    "&amp; &#60; &lt;",
    "{{ substitution }}",
    "1. not a list",
    "# not a heading",
    "> not a quote",
    "---",
    "<!-- not a comment -->",
    "(label)=",
    "term\n: not a definition",
    "a\\|b",
]
MYST_EXTENSIONS = ["colon_fence", "deflist", "dollarmath", "substitution"]  # as _config.yml


def as_text(value):
    """What a reader should see: the value, line breaks shown as spaces."""
    return " ".join(value.splitlines())


def doctree(source):
    """The docutils tree MyST makes of `source`, as Sphinx would (then Sphinx escapes it for HTML and LaTeX)."""
    return publish_doctree(
        source,
        parser=Parser(),
        settings_overrides={
            "myst_enable_extensions": MYST_EXTENSIONS,
            "myst_dmath_allow_digits": False,
            "report_level": 5,
        },
    )


def markup_in(node, allowed=(nodes.entry, nodes.paragraph, nodes.Text, nodes.list_item)):
    """Every node under `node` that is more than plain text in a paragraph."""
    return [type(n).__name__ for n in node.findall() if not isinstance(n, allowed)]


def test_markdown_table_shows_hostile_cells_as_their_text():
    frame = pd.DataFrame({"Cell": HOSTILE, "Other": ["plain"] * len(HOSTILE)})
    tree = doctree(markdown_table(frame))
    rows = list(tree.findall(nodes.row))
    assert len(rows) == len(HOSTILE) + 1, "a cell broke the table into other rows"
    for row, value in zip(rows[1:], HOSTILE, strict=True):
        cells = list(row.findall(nodes.entry))
        assert [c.astext() for c in cells] == [as_text(value), "plain"], "a cell split into other columns"
        assert markup_in(cells[0]) == [], f"{value!r} became markup"


def test_markdown_table_escapes_column_names_and_empties_missing_values():
    frame = pd.DataFrame({"*Who* | what": ["x", None], "When": [float("nan"), pd.NA]})
    rows = list(doctree(markdown_table(frame)).findall(nodes.row))
    assert [e.astext() for e in rows[0].findall(nodes.entry)] == ["*Who* | what", "When"]
    assert [[e.astext() for e in r.findall(nodes.entry)] for r in rows[1:]] == [["x", ""], ["", ""]]


def test_markdown_table_keeps_the_chapters_own_markup():
    frame = pd.DataFrame({"Marked": [MyST("*emphasis* with a | pipe"), myst_code("a`b|c")]})
    rows = list(doctree(markdown_table(frame)).findall(nodes.row))
    first, second = (next(r.findall(nodes.entry)) for r in rows[1:])
    assert [n.astext() for n in first.findall(nodes.emphasis)] == ["emphasis"]
    assert first.astext() == "emphasis with a | pipe"
    assert [n.astext() for n in second.findall(nodes.literal)] == ["a`b|c"]


@pytest.mark.parametrize("value", HOSTILE)
def test_myst_text_is_literal_in_running_text_and_at_the_start_of_a_list_item(value):
    tree = doctree(f"- {myst_text(value)}\n- Before {myst_text(value)} after.\n")
    items = list(tree.findall(nodes.list_item))
    assert [i.astext() for i in items] == [as_text(value), f"Before {as_text(value)} after."]
    assert all(markup_in(i) == [] for i in items), f"{value!r} became markup"


@pytest.mark.parametrize("value", ["plain", "a`b", "``x``", "`start", "end`", "{download}`x`", "<b>*x*</b>"])
def test_myst_code_is_one_literal_with_exactly_the_value(value):
    tree = doctree(f"Code {myst_code(value)} here.\n")
    assert [n.astext() for n in tree.findall(nodes.literal)] == [value]


def test_myst_text_of_a_missing_value_is_empty():
    assert myst_text(None) == myst_text(float("nan")) == myst_text(pd.NA) == ""


def svg_texts(fig):
    """The strings of the <text> elements of a figure saved as SVG (the book keeps text as text)."""
    out = StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    return ["".join(t.itertext()) for t in ET.fromstring(out.getvalue()).iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("value", ["$x^2$ costs $5", r"\$ and $\alpha$", "$$", "US$ 1 and US$ 2", "<b>&amp;</b>"])
def test_figure_labels_show_dollars_and_markup_as_written(value):
    style.use_book_style()
    fig, ax = plt.subplots()
    ax.text(0, 0, figures.literal(value))
    ax.set_yticks([0], [figures.literal(value)])
    ax.plot([0], [0], label=figures.literal(value))
    ax.legend()
    texts = svg_texts(fig)
    assert texts.count(value) == 3, texts


def test_figure_labels_would_be_math_without_literal():
    """The check above can fail: matplotlib reads text between two dollars as mathtext."""
    style.use_book_style()
    fig, ax = plt.subplots()
    ax.text(0, 0, "$x^2$")
    assert "$x^2$" not in svg_texts(fig)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("alt", HOSTILE + ['" onload="alert(1)', "' onload='alert(1)"])
def test_widget_figure_alt_text_is_one_attribute_of_one_img(alt):
    fig, _ = plt.subplots()
    parser = Elements()
    parser.feed(widgets.figure_html(widgets.svg_text(fig), alt))
    assert [tag for tag, _ in parser.found] == ["img"]
    attributes = parser.found[0][1]
    assert attributes["alt"] == alt
    assert set(attributes) == {"src", "alt", "style"}


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "</SCRIPT >", "<!--<script>", "a<b"])
def test_inert_json_holds_no_tag_and_reads_back_the_same(value):
    state = {"state": {"w": {"state": {"_options_labels": [value], "value": value}}}}
    text = inert_json(json.dumps(state))
    assert "<" not in text
    assert json.loads(text) == state


def test_widget_state_script_is_rewritten_and_others_are_left_alone():
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript

    body = json.dumps({"label": "</script><img src=x onerror=alert(1)>"})
    state = _JavaScript(None, priority=500, type=WIDGET_STATE, body=body)
    other = _JavaScript(None, priority=500, body="if (a < b) {}")
    context = {"script_files": [other, state]}
    escape_widget_state(SimpleNamespace(builder=SimpleNamespace(format="html")), "page", "page.html", context, None)
    kept, rewritten = context["script_files"]
    assert kept is other
    assert rewritten.attributes["type"] == WIDGET_STATE and rewritten.priority == 500
    assert not re.search("<", rewritten.attributes["body"])
    assert json.loads(rewritten.attributes["body"]) == json.loads(body)
