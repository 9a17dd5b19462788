"""Each figure in two layouts on the web: the phone layout on narrow screens, the print layout elsewhere.

A chapter glues a figure under its name in the print layout and under name + "-phone"
in the phone layout (afghan_relations.book.glue_figure; figures.py draws both). The
`{glue:figure}` directive is replaced here by one that also picks up the phone twin;
on the web the figure becomes

    <picture><source media="(max-width: 663px)" srcset="phone.svg" width height>
             <img src="print.svg" alt width height loading></picture>
    <a href="print.svg">Full-size figure</a>

so the browser fetches only the layout it shows, and the print layout opens full size
for zooming. The width and height (the SVG's own, in CSS px) let the page reserve
the figure's space before it arrives (no layout shift); the page's first figure is
fetched early (fetchpriority="high"), every later one lazily. Other builders (the PDF) drop
the phone twin before myst-nb picks each output's format: the phone layout exists as SVG
only (the web's format), and print keeps the print layout only.

Below 664 px the text column is narrower than 616 px, where the print layout's
smallest type (7.5 pt) would drop under 10 CSS px; figures.py gives the sums.
"""

import posixpath
import re
import urllib.parse
from pathlib import Path

from docutils import nodes
from myst_nb.core.variables import RetrievalError, render_variable_outputs
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx.transforms.post_transforms import SphinxPostTransform

PHONE_SUFFIX = "-phone"  # afghan_relations.book.PHONE_SUFFIX (the build does not import the chapters' package)
PHONE_MEDIA = "(max-width: 663px)"  # afghan_relations.widgets.PHONE_MEDIA, for the explorers
CSS_PX_PER_PT = 96 / 72


class phone_layout(nodes.General, nodes.Element):
    """The phone twin of a figure's image, until the post-transform makes a <picture> of the two."""


class picture(nodes.General, nodes.Element):
    """A figure's print image (first child) and phone image (second), written as <picture>."""


class PasteFigureWithPhoneLayout(PasteFigureDirective):
    """myst-nb's {glue:figure}, plus the figure's phone twin when the chapter glued one."""

    def run(self):
        result = super().run()
        figure = next((n for n in result if isinstance(n, nodes.figure)), None)
        if figure is None:
            return result
        try:
            data = retrieve_glue_data(self.document, self.arguments[0] + PHONE_SUFFIX)
        except RetrievalError:
            return result  # no phone twin: the figure stays as it is
        twin = phone_layout("", *render_variable_outputs([data], self.document, self.line, self.source))
        figure.insert(1, twin)
        return result


class DropPhoneLayoutsOutsideTheWeb(SphinxPostTransform):
    """Outside HTML, the phone twins go before myst-nb looks for a format it can use in them."""

    default_priority = 3  # before myst-nb's SelectMimeType (4)

    def run(self, **kwargs):
        if self.app.builder.format == "html":
            return
        for twin in list(self.document.findall(phone_layout)):
            twin.parent.remove(twin)


class PairFigureLayouts(SphinxPostTransform):
    """After myst-nb has chosen each output's format: a <picture> on the web, the print image elsewhere."""

    default_priority = 5  # after myst-nb's SelectMimeType (4), before images are copied

    def run(self, **kwargs):
        first = True
        for twin in list(self.document.findall(phone_layout)):
            figure = twin.parent
            phone_images = list(twin.findall(nodes.image))
            main_images = [n for n in figure.findall(nodes.image) if n not in phone_images]
            if not phone_images or not main_images:
                figure.remove(twin)
                continue
            main, phone = main_images[0], phone_images[0]
            pair = picture("", main.deepcopy(), phone.deepcopy(), eager=first)
            first = False
            main.replace_self(pair)
            figure.remove(twin)


def svg_size(path):
    """(width, height) of an SVG in CSS px, from its width and height attributes (matplotlib writes pt)."""
    head = Path(path).read_text(encoding="utf-8")[:2000]
    size = []
    for attribute in ("width", "height"):
        match = re.search(rf'<svg[^>]*\s{attribute}="([\d.]+)(pt|px)?"', head, re.S)
        if not match:
            return None
        size.append(round(float(match.group(1)) * (CSS_PX_PER_PT if match.group(2) == "pt" else 1)))
    return tuple(size)


def _image_url(translator, image):
    uri = image["uri"]
    if uri in translator.builder.images:
        return posixpath.join(translator.builder.imgpath, urllib.parse.quote(translator.builder.images[uri]))
    return uri


def _size_attributes(translator, image):
    size = svg_size(Path(translator.builder.srcdir, image["uri"])) if image["uri"].endswith(".svg") else None
    return {"width": size[0], "height": size[1]} if size else {}


def visit_picture(translator, node):
    main, phone = node.children
    full = _image_url(translator, main)
    source = translator.starttag(
        phone,
        "source",
        "",
        empty=True,
        media=PHONE_MEDIA,
        srcset=_image_url(translator, phone),
        **_size_attributes(translator, phone),
    )
    img = translator.emptytag(
        main,
        "img",
        "",
        src=full,
        alt=main.get("alt", ""),
        loading="eager" if node["eager"] else "lazy",
        decoding="async",
        # the first figure is often the largest thing on the first screen
        **({"fetchpriority": "high"} if node["eager"] else {}),
        **_size_attributes(translator, main),
    )
    translator.body.append(f'<picture class="figure-layouts">{source}{img}</picture>\n')
    translator.body.append(f'<a class="figure-full-size" href="{full}">Full-size figure</a>\n')
    raise nodes.SkipNode


def skip(translator, node):
    raise nodes.SkipNode


def setup(app):
    app.setup_extension("myst_nb")  # its glue domain, whose figure directive this replaces
    app.add_node(phone_layout, html=(skip, None), latex=(skip, None), text=(skip, None))
    app.add_node(picture, html=(visit_picture, None), latex=(skip, None), text=(skip, None))
    app.add_directive_to_domain("glue", "figure", PasteFigureWithPhoneLayout, override=True)
    app.add_post_transform(DropPhoneLayoutsOutsideTheWeb)
    app.add_post_transform(PairFigureLayouts)
