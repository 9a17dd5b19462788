"""book_extensions.smartquotes: quotes and dashes are still educated; backslashes stay as written."""

import pytest
from docutils.utils import smartquotes

pytestmark = pytest.mark.fast

CONF = 'project = "Tiny book"\nextensions = ["myst_nb", "book_extensions.smartquotes"]\nexclude_patterns = ["_build"]\n'
# MyST reads its escapes first: the page's text holds C:\\temp\\x and \" \. \- \`
SOURCE = r"""
# Tiny book

Path C:\\\\temp\\\\x, then \\" \\. \\- \\`, and "curly" -- dashed.
"""


def test_backslashes_reach_the_page_and_quotes_are_still_curly(fixture_book):
    app = fixture_book(CONF, {"index.md": SOURCE})
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert r"C:\\temp\\x" in html  # docutils' own smartquotes would leave one of each pair
    assert "\\\u201d \\. \\- \\`" in html  # each backslash kept (the quote after it curled)
    assert "\u201ccurly\u201d \u2013 dashed" in html
    assert next(smartquotes.educate_tokens([("text", '"a" \\\\ b')])) == "\u201ca\u201d \\\\ b"
