"""Serve the widget JavaScript from the book itself, and only on pages with widgets.

By default myst-nb makes widget pages load require.js and the ipywidgets HTML
manager from CDNs. `tools/vendor_js.py` fetches both from the npm registry
(pinned, hash-checked) into `_build/vendor/static/ipywidgets/`; this extension adds
`_build/vendor/static/` to the HTML builder's static files, so they land in
`_build/html/_static/ipywidgets/`, where `nb_ipywidgets_js` in `_config.yml`
points the widget pages. Our RequireJS configuration sits beside them in
`_static/ipywidgets/require-config.js`. Only that folder of `_build/vendor/` is served as
static files: the rest (Pyodide for the in-browser site, which lite.py links into `lite/`;
the map boundaries the kernels read) is not for the pages, and Sphinx would copy all 60 MB
of it into `_static/` on every clean build.

Jupyter Book adds a <script> on *every* page for each .js file under the static
paths (jupyter_book/config.py): the vendor folder is therefore added here, once
Sphinx runs, not in `html_static_path`, and the widget files in `_static/` are
taken out of `html_js_files` again. The 3.6 MB manager loads only where myst-nb
asks for it.
"""

from pathlib import Path

from sphinx.errors import ExtensionError

VENDOR_DIR = Path("_build", "vendor", "static")  # the vendored files the pages load
WIDGET_DIR = "ipywidgets"
VENDORED_JS = ("require.js", "embed-amd.js")


def add_vendored_static(app):
    if app.builder.format != "html":
        return
    vendor = Path(app.confdir, VENDOR_DIR)
    missing = [f"{WIDGET_DIR}/{name}" for name in VENDORED_JS if not (vendor / WIDGET_DIR / name).is_file()]
    if missing:
        raise ExtensionError(
            f"{', '.join(missing)} missing from {vendor}: run `python tools/vendor_js.py` (`make book` does)"
        )
    app.config.html_static_path.append(str(vendor))


def keep_widget_js_off_other_pages(app, config):
    config.html_js_files = [
        js
        for js in config.html_js_files
        if not str(js[0] if isinstance(js, tuple) else js).startswith(f"{WIDGET_DIR}/")
    ]


def setup(app):
    app.connect("config-inited", keep_widget_js_off_other_pages)
    app.connect("builder-inited", add_vendored_static)
