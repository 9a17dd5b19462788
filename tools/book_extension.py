"""Sphinx extension for the book's HTML: offline widget JavaScript and notebook downloads.

1. Adds `_build/vendor/` (filled by tools/vendor_js.py) to Sphinx's static
   files of HTML builds, so `_build/html/_static/ipywidgets/` holds require.js and the widget
   manager that `nb_ipywidgets_js` in _config.yml names. It is added here, once
   Sphinx runs, and not in _config.yml's `html_static_path`: Jupyter Book adds a
   <script> tag on every page for each .js file it finds under the configured
   static paths (when a `_static/` folder exists), and the 3.6 MB widget bundle
   must load only on pages with widgets (myst-nb adds it there).
2. Offers each executed chapter as .ipynb in the page's download menu.
   sphinx-book-theme only does this when a launch service (Binder, ...) is
   configured; the book has none, so this copies the executed notebook
   myst-nb wrote to `_build/jupyter_execute/` into `_sources/` itself.
3. Writes each inline <script> once. Sphinx 7.4 puts an inline script that an
   extension adds after the builder starts (sphinx-thebe's `const THEBE_JS_URL ...`,
   sphinx-togglebutton's selector) on every page twice: the builder holds it with
   filename None, and `prepare_writing` adds it again from the registry with
   filename '', which compares unequal. The second `const` declaration is a
   SyntaxError in the browser console. Fixed upstream (Sphinx 8,
   sphinx-doc/sphinx#13402); this drops the repeats from each page's script list.
   It also drops sphinx-thebe's two scripts while Thebe is off (`launch_buttons: thebe:
   false` in _config.yml): Jupyter Book always loads sphinx-thebe, whose inline script
   names https://unpkg.com/thebe, a URL no page of this book should carry.
"""
from pathlib import Path
from shutil import copy2

from sphinx.errors import ExtensionError

VENDOR_DIR = Path("_build", "vendor")
WIDGET_JS = ("ipywidgets/require-config.js", "ipywidgets/require.js", "ipywidgets/embed-amd.js")


def add_vendored_static(app):
    if app.builder.format != "html":
        return
    vendor = Path(app.confdir, VENDOR_DIR)
    missing = [name for name in WIDGET_JS if not (vendor / name).is_file()]
    if missing:
        raise ExtensionError(
            f"{', '.join(missing)} missing from {vendor}: run `python tools/vendor_js.py` "
            "(`make book` does)"
        )
    app.config.html_static_path.append(str(vendor))


def offer_notebook_download(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or context.get("page_source_suffix") != ".md":
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return  # a plain Markdown page, not a notebook
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if app.builder.format != "html" or not isinstance(scripts, list):
        return
    launch = (app.config.html_theme_options or {}).get("launch_buttons") or {}
    thebe_on = bool(launch.get("thebe"))
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", {})
        filename = str(getattr(js, "filename", js) or "")
        if not thebe_on and (filename.endswith("sphinx-thebe.js")
                             or "THEBE_JS_URL" in str(attributes.get("body", ""))):
            continue
        key = (filename, getattr(js, "priority", None),
               tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    # a new list: the builder's own list (which still holds the repeats) is left alone
    context["script_files"] = unique


def setup(app):
    app.connect("builder-inited", add_vendored_static)
    # before sphinx-book-theme builds the download menu (its handlers run at priority 501)
    app.connect("html-page-context", offer_notebook_download, priority=400)
    # after every extension (myst-nb adds the widget scripts at 500) has added its scripts
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
