"""book_extensions.print_ranges: the dash of a range of years or dates is unbreakable in print."""

import pytest
from docutils import nodes

from book_extensions.print_ranges import UNBREAKABLE, with_unbreakable_ranges

pytestmark = pytest.mark.fast


def rendered(pieces):
    """The LaTeX the pieces stand for (text as is, the raw dash as its TeX)."""
    return "".join(UNBREAKABLE if isinstance(p, nodes.raw) else str(p) for p in pieces)


@pytest.mark.parametrize(
    "text, latex",
    [
        ("1919\u20131991", r"1919\mbox{\textendash}1991"),
        ("May\u2013July 1959", r"May\mbox{\textendash}July 1959"),
        ("3\u20134 July 2025", r"3\mbox{\textendash}4 July 2025"),
        ("1954\u2013March 1960", r"1954\mbox{\textendash}March 1960"),
        ("in 1919\u20131991 and 1924\u20131925.", r"in 1919\mbox{\textendash}1991 and 1924\mbox{\textendash}1925."),
    ],
)
def test_a_range_dash_becomes_an_unbreakable_box(text, latex):
    pieces = with_unbreakable_ranges(text)
    assert rendered(pieces) == latex
    assert all(p.get("format") == "latex" for p in pieces if isinstance(p, nodes.raw))


@pytest.mark.parametrize(
    "text",
    [
        "17 August \u2013 4 September 1957",
        "Afghan\u2013Soviet",
        "Mayor\u2013X",
        "Afghanistan\u2013Russia/USSR",
        "1919-1991",
        "no dash at all",
    ],
)
def test_other_dashes_and_text_are_left_alone(text):
    assert with_unbreakable_ranges(text) == [text]
