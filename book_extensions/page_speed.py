"""Nothing that does not draw the page holds it back: scripts deferred, unused styles and scripts dropped.

Sphinx, the theme and its extensions put their scripts in the <head> as ordinary
<script src> tags, each of which stops the browser from parsing, and so from drawing,
the page until it has been fetched and run: on a slow phone connection the text waited
for copy buttons and toggles. Deferred scripts run in the same order, once the page is
parsed and before DOMContentLoaded, which is when these scripts start their work anyway.
documentation_options.js stays as it is: the inline scripts after it set fields of the
DOCUMENTATION_OPTIONS object it defines, at once. Inline scripts, and data blocks such as
the widget state, are left alone.

Every stylesheet in the <head> holds the first paint back until it has arrived. Jupyter
Book always loads sphinx-design and sphinx-thebe; a page that uses no sphinx-design
component (none of this book's do: no `sd-` class) gets neither its stylesheet nor its
tabs script, and sphinx-thebe's stylesheet goes with Thebe off, like its scripts
(page_scripts.py).
"""

import re

from sphinx.builders.html._assets import _JavaScript

KEEP_BLOCKING = ("_static/documentation_options.js",)
SPHINX_DESIGN = ("_static/sphinx-design.min.css", "_static/design-tabs.js")
THEBE_CSS = "_static/sphinx-thebe.css"
USES_SPHINX_DESIGN = re.compile(r'class="[^"]*\bsd-')


def deferred(js):
    filename = str(getattr(js, "filename", "") or "")
    attributes = dict(getattr(js, "attributes", {}) or {})
    if (
        not filename
        or filename in KEEP_BLOCKING
        or "://" in filename
        or {"defer", "async"} & set(attributes)
        or attributes.get("type", "text/javascript") != "text/javascript"
    ):
        return js
    return _JavaScript(filename, priority=js.priority, **attributes, defer="defer")


def unused(app, context):
    """The static files this page does not need."""
    names = set()
    if not USES_SPHINX_DESIGN.search(context.get("body", "")):
        names.update(SPHINX_DESIGN)
    if not ((app.config.html_theme_options or {}).get("launch_buttons") or {}).get("thebe"):
        names.add(THEBE_CSS)
    return names


def lighten(app, pagename, templatename, context, doctree):
    scripts, styles = context.get("script_files"), context.get("css_files")
    if app.builder.format != "html" or not isinstance(scripts, list) or not isinstance(styles, list):
        return
    drop = unused(app, context)
    # the theme's search page adds Sphinx's search scripts after these, as ordinary scripts that
    # call doctools.js's _ready() at once: there, doctools.js and the rest stay as they are
    defer = deferred if pagename != "search" else (lambda js: js)
    context["script_files"] = [defer(js) for js in scripts if str(getattr(js, "filename", "") or "") not in drop]
    context["css_files"] = [css for css in styles if str(getattr(css, "filename", "") or "") not in drop]


def setup(app):
    # after page_scripts (900) and lazy_widgets (950), which rebuild the list
    app.connect("html-page-context", lighten, priority=990)
