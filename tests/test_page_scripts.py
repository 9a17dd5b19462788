"""book_extensions.page_scripts: each inline script once per page, and none naming another host."""

from types import SimpleNamespace

import pytest
from sphinx.builders.html._assets import _JavaScript

from book_extensions.page_scripts import drop_repeated_scripts

pytestmark = pytest.mark.fast

THEBE = "const THEBE_JS_URL = 'https://unpkg.com/thebe@0.8.2/lib/index.js'"


def app(thebe=False, builder="html"):
    launch = {"launch_buttons": {"thebe": thebe}}
    return SimpleNamespace(builder=SimpleNamespace(format=builder), config=SimpleNamespace(html_theme_options=launch))


def page(scripts, **kwargs):
    context = {"script_files": scripts}
    drop_repeated_scripts(app(**kwargs), "index", "page.html", context, None)
    return context["script_files"]


def test_an_inline_script_added_twice_is_written_once():
    # Sphinx 7.4 holds the same inline script once with filename None and once with ''
    first = _JavaScript(None, priority=500, body="const toggleSelector = '.toggle'")
    again = _JavaScript("", priority=500, body="const toggleSelector = '.toggle'")
    other = _JavaScript("", priority=500, body="const other = 1")
    assert page([first, again, other]) == [first, other]


def test_files_are_kept_once_in_their_order():
    a, b = _JavaScript("_static/a.js", priority=200), _JavaScript("_static/b.js", priority=500)
    assert page([b, a, _JavaScript("_static/b.js", priority=500)]) == [b, a]


def test_a_script_at_another_priority_is_another_script():
    early, late = _JavaScript("_static/a.js", priority=200), _JavaScript("_static/a.js", priority=800)
    assert page([early, late]) == [early, late]


def test_thebe_scripts_are_dropped_while_thebe_is_off():
    thebe_file, thebe_inline = _JavaScript("_static/sphinx-thebe.js", priority=500), _JavaScript(None, body=THEBE)
    kept = _JavaScript("_static/doctools.js")
    assert page([thebe_file, thebe_inline, kept]) == [kept]
    assert page([thebe_file, thebe_inline, kept], thebe=True) == [thebe_file, thebe_inline, kept]


def test_the_builders_own_list_is_left_alone():
    scripts = [_JavaScript(None, body="x"), _JavaScript("", body="x")]
    kept = page(scripts)
    assert len(kept) == 1 and len(scripts) == 2


def test_other_builders_are_not_touched():
    scripts = [_JavaScript(None, body="x"), _JavaScript("", body="x")]
    assert page(scripts, builder="latex") is scripts
