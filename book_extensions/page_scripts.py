"""Write each inline <script> once, and none that names another host.

Sphinx 7.4 puts an inline script that an extension adds after the builder starts
(sphinx-thebe's `const THEBE_JS_URL ...`, sphinx-togglebutton's selector) on every
page twice: the builder holds it with filename None, and `prepare_writing` adds it
again from the registry with filename '', which compares unequal. The second `const`
declaration is a SyntaxError in the browser console. Fixed upstream in Sphinx 8
(sphinx-doc/sphinx#13402); this drops the repeats from each page's script list.
It also drops sphinx-thebe's two scripts while Thebe is off (`launch_buttons: thebe:
false` in _config.yml): Jupyter Book always loads sphinx-thebe, whose inline script
names https://unpkg.com/thebe, a URL no page of this book should carry.
"""


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
        if not thebe_on and (filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in str(attributes.get("body", ""))):
            continue
        key = (filename, getattr(js, "priority", None), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    # a new list: the builder's own list (which still holds the repeats) is left alone
    context["script_files"] = unique


def setup(app):
    # after every extension (myst-nb adds the widget scripts at 500) has added its scripts
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
