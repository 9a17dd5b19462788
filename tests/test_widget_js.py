"""book_extensions.widget_js on a tiny book: the vendored widget JavaScript is served, and only where asked for."""

import pytest
from sphinx.errors import ExtensionError

pytestmark = pytest.mark.fast

CONF = """
project = "Tiny book"
extensions = ["book_extensions.widget_js"]
html_static_path = ["_static"]
# Jupyter Book adds every .js file under the static paths to every page; the extension takes these out
html_js_files = ["ipywidgets/require-config.js", "site.js"]
"""
FILES = {
    "index.rst": "Tiny book\n=========\n",
    "_static/ipywidgets/require-config.js": "// config\n",
    "_static/site.js": "// every page\n",
}


def vendored(**files):
    return {f"_build/vendor/static/ipywidgets/{name}": text for name, text in files.items()}


# What else `make vendor` puts in _build/vendor/, none of it for the pages: Pyodide (lite.py links it
# into the in-browser site's own folder) and the map boundaries the kernels read.
NOT_FOR_PAGES = {
    "_build/vendor/lite/pyodide/pyodide.js": "// 60 MB of these",
    "_build/vendor/world-atlas/countries-50m.json": "{}",
}


def test_vendored_files_are_served_from_static_ipywidgets(fixture_book):
    app = fixture_book(
        CONF, FILES | NOT_FOR_PAGES | vendored(**{"require.js": "// require", "embed-amd.js": "define(...)"})
    )
    static = app.outdir / "_static"
    served = static / "ipywidgets"
    assert sorted(p.name for p in served.iterdir()) == ["embed-amd.js", "require-config.js", "require.js"]
    assert (served / "embed-amd.js").read_text() == "define(...)"
    # and nothing else of the vendor folder
    served_names = {p.name for p in static.rglob("*")}
    assert not {"lite", "world-atlas", "pyodide.js", "countries-50m.json"} & served_names


def test_widget_scripts_are_kept_off_pages_without_widgets(fixture_book):
    app = fixture_book(CONF, FILES | vendored(**{"require.js": "", "embed-amd.js": ""}))
    assert [js[0] if isinstance(js, tuple) else js for js in app.config.html_js_files] == ["site.js"]
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "_static/site.js" in page and "ipywidgets/" not in page


def test_a_missing_vendored_file_stops_the_build_and_says_what_to_run(fixture_book):
    with pytest.raises(
        ExtensionError,
        match=r"ipywidgets/embed-amd.js missing from .*_build/vendor/static: "
        r"run `python tools/vendor_js.py` \(`make book` does\)",
    ):
        fixture_book(CONF, FILES | vendored(**{"require.js": ""}))
