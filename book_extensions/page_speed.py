"""Scripts that do not draw the page wait until it is drawn (`defer`).

Sphinx, the theme and its extensions put their scripts in the <head> as ordinary
<script src> tags, each of which stops the browser from parsing, and so from drawing,
the page until it has been fetched and run: on a slow phone connection the text waited
for copy buttons and toggles. Deferred scripts run in the same order, once the page is
parsed and before DOMContentLoaded, which is when these scripts start their work anyway.
documentation_options.js stays as it is: the inline scripts after it set fields of the
DOCUMENTATION_OPTIONS object it defines, at once. Inline scripts, and data blocks such as
the widget state, are left alone.
"""
from sphinx.builders.html._assets import _JavaScript

KEEP_BLOCKING = ("_static/documentation_options.js",)


def deferred(js):
    filename = str(getattr(js, "filename", "") or "")
    attributes = dict(getattr(js, "attributes", {}) or {})
    if (not filename or filename in KEEP_BLOCKING or "://" in filename
            or {"defer", "async"} & set(attributes) or attributes.get("type", "text/javascript") != "text/javascript"):
        return js
    return _JavaScript(filename, priority=js.priority, **attributes, defer="defer")


def defer_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if app.builder.format != "html" or not isinstance(scripts, list):
        return
    context["script_files"] = [deferred(js) for js in scripts]


def setup(app):
    # after page_scripts (900) and lazy_widgets (950), which rebuild the list
    app.connect("html-page-context", defer_scripts, priority=990)
