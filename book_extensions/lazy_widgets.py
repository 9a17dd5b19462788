"""Widget pages show their text and figures first, and load the explorers' JavaScript only when needed.

myst-nb puts the widget state (every view of every explorer, hundreds of KB) and the
widget JavaScript (require.js and the 3.6 MB ipywidgets HTML manager, widget_js.py) in
the page's <head>, where they hold back its first paint. On widget pages this moves

- the widget state out of the page, into `_static/widget-state/<page>.js`, a script that
  puts it back into the page as the <script type="...widget-state+json"> the HTML manager
  reads (a script, not a JSON file to fetch: fetch() is refused on pages opened from disk);
- the widget scripts out of the page: `_static/lazy-widgets.js` (deferred) adds the state
  script and them, in order, when the reader scrolls an explorer near the screen or
  presses its "Load the explorer" button (IntersectionObserver);

and puts before each explorer a placeholder with the explorer's first view, taken from the
widget state (the same HTML the widget shows, its SVG data URIs written out as files beside
the state, so the page stays small and the figure loads lazily, with its size known), which
`_static/figures.css` hides once the HTML manager has drawn the explorer. Pages without
widgets are left alone.
"""

import html
import json
import re
import urllib.parse
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ExtensionError

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(?P<json>.*?)</script>', re.S)
LOADER = "lazy-widgets.js"
STATE_DIR = "widget-state"
MODEL_REF = "IPY_MODEL_"


def keep_loader_off_other_pages(app, config):
    # Jupyter Book adds every .js file in _static to every page; the loader belongs on widget pages only
    config.html_js_files = [js for js in config.html_js_files if str(js[0] if isinstance(js, tuple) else js) != LOADER]


def first_view(state, model_id):
    """The HTML of the view an explorer shows first: the first HTML widget, following each Stack's selection."""
    model = state.get(model_id)
    if model is None:
        return None
    values = model.get("state", {})
    if model.get("model_name") == "HTMLModel":
        return values.get("value")
    children = [c[len(MODEL_REF) :] for c in values.get("children", []) if str(c).startswith(MODEL_REF)]
    if model.get("model_name") == "StackModel" and children:
        children = [children[values.get("selected_index") or 0]]
    for child in children:
        found = first_view(state, child)
        if found:
            return found
    return None


def placeholder(view_html, scripts):
    return (
        f'<div class="widget-placeholder" data-widget-scripts="{html.escape(json.dumps(scripts))}">'
        '<div class="widget-placeholder-controls"><button type="button" class="btn btn-sm btn-outline-primary">'
        "Load the explorer</button></div>"
        f"{view_html}</div>"
    )


def state_script(state_json):
    """A script that adds the widget state to the page as the data block the HTML manager reads.

    The JSON is written as a JavaScript object literal (JSON is valid JavaScript), not as a
    string, which would escape every quote in it.
    """
    return (
        "(function () {\n  var state = document.createElement('script');\n"
        f"  state.type = {json.dumps(WIDGET_STATE)};\n"
        f"  state.textContent = JSON.stringify({state_json});\n"
        "  document.body.appendChild(state);\n})();\n"
    )


DATA_URI = re.compile(r'(?P<attr>src|srcset)="(?P<uri>data:image/svg\+xml,[^"]+)"')


def view_with_files(app, pagename, view_html, pathto):
    """The view's HTML with its SVG data URIs written out as files (sized, loaded lazily)."""
    from book_extensions.figure_layouts import svg_size  # the same size attributes as the book's figures

    count = 0

    def to_file(match):
        nonlocal count
        count += 1
        svg = urllib.parse.unquote(html.unescape(match.group("uri")).split(",", 1)[1])
        name = f"{STATE_DIR}/{pagename.replace('/', '--')}-first-view-{count}.svg"
        path = Path(app.outdir, "_static", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        width, height = svg_size(path)
        return f'{match.group("attr")}="{html.escape(pathto(f"_static/{name}", 1))}" width="{width}" height="{height}"'

    return DATA_URI.sub(to_file, view_html).replace("<img ", '<img loading="lazy" ')


def write_state(app, pagename, state_json):
    """The page's widget state as _static/widget-state/<page>.js; returns its path from _static."""
    name = f"{STATE_DIR}/{pagename.replace('/', '--')}.js"
    path = Path(app.outdir, "_static", name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(state_script(state_json), encoding="utf-8")
    return name


def defer_widgets(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if app.builder.format != "html" or not isinstance(scripts, list):
        return
    states = [js for js in scripts if getattr(js, "attributes", {}).get("type") == WIDGET_STATE]
    if not states:
        return
    widget_files = {f"_static/{name}" for name in app.config.nb_ipywidgets_js}
    widget_js = [js for js in scripts if str(getattr(js, "filename", "") or "") in widget_files]
    if len(states) != 1:
        raise ExtensionError(f"{pagename}: {len(states)} widget states, expected one")
    body = states[0].attributes["body"]
    state = json.loads(body).get("state", {})
    urls = [context["pathto"](f"_static/{write_state(app, pagename, body)}", 1)]
    urls += [context["pathto"](str(js.filename), 1) for js in widget_js]

    def with_placeholder(match):
        model_id = json.loads(match.group("json")).get("model_id")
        view = first_view(state, model_id)
        if view is None:
            raise ExtensionError(f"{pagename}: no HTML view found in the widget state for explorer {model_id}")
        return placeholder(view_with_files(app, pagename, view, context["pathto"]), urls) + match.group(0)

    context["body"] = WIDGET_VIEW.sub(with_placeholder, context.get("body", ""))
    context["script_files"] = [js for js in scripts if js not in states and js not in widget_js] + [
        _JavaScript(f"_static/{LOADER}", priority=800, defer="defer")
    ]


def setup(app):
    app.connect("config-inited", keep_loader_off_other_pages)
    # after page_scripts (900), which rebuilds the list; myst-nb adds the widget scripts at 500
    app.connect("html-page-context", defer_widgets, priority=950)
