"""The theme's icon font cut down to the icons the site shows.

pydata-sphinx-theme draws its icons (menu, search, light/dark, download, full screen,
arrows) with Font Awesome's solid web font, 156 KB for some two thousand icons, of which
the site uses about twenty. The browser fetches that font while it draws the first
screen, so on a slow phone connection the font delays the page. After the HTML build,
this writes in its place a subset (fontTools, the subsetter the font world uses) with
the glyphs of every `fa-*` class named in the site's pages or the theme's scripts, found
through the theme's own CSS rules (`.fa-bars:before{content:"\\f0c9"}`): a few KB.
The subset is cut from the theme's original file each build, so a new icon in a page
only needs a rebuild.
"""

import os
import re
from pathlib import Path

from fontTools import subset
from sphinx.errors import ExtensionError

from .lite import OUTPUT as LITE_OUTPUT

WEBFONTS = Path("_static", "vendor", "fontawesome", "webfonts")
FONTS = ("fa-solid-900.woff2", "fa-solid-900.ttf")
CSS = Path("_static", "styles", "pydata-sphinx-theme.css")
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?::)?before,?)+)\{content:"\\(f[0-9a-f]{3,4})"')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")


def icon_codepoints(css):
    """{class name: code point} from the theme's Font Awesome rules."""
    codepoints = {}
    for selectors, code in ICON_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors):
            codepoints[name] = int(code, 16)
    return codepoints


def book_pages(outdir):
    """The site's HTML files, not walking into lite/: the in-browser Jupyter's pages are JupyterLab's,
    with icons of its own, and are there or not depending on an earlier build (lite.py links them
    in after this runs)."""
    for folder, subfolders, files in os.walk(outdir):
        if Path(folder) == Path(outdir):
            subfolders[:] = [name for name in subfolders if name != LITE_OUTPUT]
        yield from (Path(folder, name) for name in files if name.endswith(".html"))


def used_classes(outdir):
    """Every fa-* class name in the book's pages and the theme's scripts (not the widget manager,
    which brings its own Font Awesome, nor the icon script the book leaves out, nor the in-browser
    Jupyter's pages)."""
    names = set()
    scripts = [
        p
        for p in [*Path(outdir, "_static").glob("*.js"), *Path(outdir, "_static", "scripts").glob("*.js")]
        if p.name != "fontawesome.js"
    ]
    for path in [*book_pages(outdir), *scripts]:
        names.update(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def theme_font(name):
    import pydata_sphinx_theme

    return (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "static"
        / "vendor"
        / "fontawesome"
        / "webfonts"
        / name
    )


def subset_icon_font(app, exception):
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    codepoints = icon_codepoints((outdir / CSS).read_text(encoding="utf-8"))
    if len(codepoints) < 100:
        raise ExtensionError(
            f"icon_font: found only {len(codepoints)} Font Awesome rules in {CSS}: has the theme changed?"
        )
    wanted = sorted({codepoints[name] for name in used_classes(outdir) if name in codepoints})
    for name in FONTS:
        options = subset.Options()
        options.flavor = "woff2" if name.endswith(".woff2") else None
        options.layout_features = ["*"]
        font = subset.load_font(str(theme_font(name)), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        subset.save_font(font, str(outdir / WEBFONTS / name), options)


def setup(app):
    app.connect("build-finished", subset_icon_font)
