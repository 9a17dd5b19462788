"""Typographic quotes and dashes that leave backslashes alone.

Sphinx's smartquotes (docutils' SmartyPants port) curls quotes and turns '--' into
dashes on every text node, the data's included, and as a first step reads backslash
sequences the reStructuredText way: it turns '\\\\' into one backslash and drops the
backslash of '\\"', "\\'", '\\.', '\\-' and '\\`'. In a MyST book those sequences can
only be text meant as written (MyST has already read its own escapes), such as a cell
holding a Windows path or LaTeX. docutils offers no setting for that step, so this
extension replaces its `processEscapes` with one that keeps the text unchanged; quotes
and dashes are still educated.
"""

from docutils.utils import smartquotes


def keep_backslashes(text, restore=False):
    """The text unchanged: no backslash sequence has a meaning of its own."""
    return text


def setup(app):
    smartquotes.processEscapes = keep_backslashes
