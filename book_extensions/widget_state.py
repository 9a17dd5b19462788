"""Widget state that no data can end: '<' written as a JSON escape inside its <script>.

myst-nb embeds each widget page's state (the Dropdowns' options, the views' HTML)
as JSON in a `<script type="application/vnd.jupyter.widget-state+json">`, and guards
it only against the exact text `</script>`. An HTML parser also ends the element at
`</SCRIPT>` or `</script >`, and `<!--` changes how it reads what follows; option
labels come from the data (actor names, period labels). JSON may write any character
of a string as \\uXXXX, so `<` becomes `\\u003c`: the browser never sees a tag, and
the widget manager's JSON.parse gives back the same text.
"""

from sphinx.builders.html._assets import _JavaScript

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def inert_json(text):
    """JSON text that holds no '<' (each written as \\u003c), so it cannot close or open an HTML element."""
    return text.replace("<", "\\u003c")


def escape_widget_state(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if app.builder.format != "html" or not isinstance(scripts, list):
        return
    safe = []
    for js in scripts:
        attributes = getattr(js, "attributes", {})
        if attributes.get("type") == WIDGET_STATE and "<" in attributes.get("body", ""):
            inert = {**attributes, "body": inert_json(attributes["body"])}
            js = _JavaScript(js.filename, priority=js.priority, **inert)
        safe.append(js)
    context["script_files"] = safe  # a new list: the builder's own is left alone


def setup(app):
    # after myst-nb (500) has added the page's widget state, beside page_scripts (900)
    app.connect("html-page-context", escape_widget_state, priority=910)
