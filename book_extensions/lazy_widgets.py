"""Widget pages show their text and figures first, and load the explorers' JavaScript only when needed.

myst-nb puts the widget state (every view of every explorer, hundreds of KB) and the
widget JavaScript (require.js and the 3.6 MB ipywidgets HTML manager, widget_js.py) in
the page's <head>, where they hold back its first paint. On widget pages this moves

- the widget state to the end of the page body, where the HTML manager finds it all the same;
- the widget scripts out of the page: `_static/lazy-widgets.js` (deferred) adds them, in
  their order, when an explorer comes near the screen or is clicked (IntersectionObserver);

and puts before each explorer a placeholder with the explorer's first view, taken from the
widget state (the same HTML the widget shows), which `_static/figures.css` hides once the
HTML manager has drawn the explorer. Pages without widgets are left alone.
"""
import html
import json
import re

from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ExtensionError

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(?P<json>.*?)</script>', re.S)
LOADER = "lazy-widgets.js"
MODEL_REF = "IPY_MODEL_"


def keep_loader_off_other_pages(app, config):
    # Jupyter Book adds every .js file in _static to every page; the loader belongs on widget pages only
    config.html_js_files = [js for js in config.html_js_files
                            if str(js[0] if isinstance(js, tuple) else js) != LOADER]


def first_view(state, model_id):
    """The HTML of the view an explorer shows first: the first HTML widget, following each Stack's selection."""
    model = state.get(model_id)
    if model is None:
        return None
    values = model.get("state", {})
    if model.get("model_name") == "HTMLModel":
        return values.get("value")
    children = [c[len(MODEL_REF):] for c in values.get("children", []) if str(c).startswith(MODEL_REF)]
    if model.get("model_name") == "StackModel" and children:
        children = [children[values.get("selected_index") or 0]]
    for child in children:
        found = first_view(state, child)
        if found:
            return found
    return None


def placeholder(view_html, scripts):
    return (f'<div class="widget-placeholder" data-widget-scripts="{html.escape(json.dumps(scripts))}">'
            '<div class="widget-placeholder-controls">The explorer’s menus load when it comes into view.</div>'
            f'{view_html}</div>')


def defer_widgets(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if app.builder.format != "html" or not isinstance(scripts, list):
        return
    states = [js for js in scripts if getattr(js, "attributes", {}).get("type") == WIDGET_STATE]
    if not states:
        return
    widget_files = {f"_static/{name}" for name in app.config.nb_ipywidgets_js}
    widget_js = [js for js in scripts if str(getattr(js, "filename", "") or "") in widget_files]
    urls = [context["pathto"](str(js.filename), 1) for js in widget_js]
    body = "".join(js.attributes["body"] for js in states)
    state = json.loads(states[0].attributes["body"]).get("state", {})

    def with_placeholder(match):
        model_id = json.loads(match.group("json")).get("model_id")
        view = first_view(state, model_id)
        if view is None:
            raise ExtensionError(f"{pagename}: no HTML view found in the widget state for explorer {model_id}")
        return placeholder(view, urls) + match.group(0)

    context["body"] = (WIDGET_VIEW.sub(with_placeholder, context.get("body", ""))
                       + f'<script type="{WIDGET_STATE}">{body}</script>\n')
    context["script_files"] = [js for js in scripts if js not in states and js not in widget_js] + [
        _JavaScript(f"_static/{LOADER}", priority=800, defer="defer")]


def setup(app):
    app.connect("config-inited", keep_loader_off_other_pages)
    # after page_scripts (900), which rebuilds the list; myst-nb adds the widget scripts at 500
    app.connect("html-page-context", defer_widgets, priority=950)
