"""afghan_relations.widgets: explorers switch pre-drawn views in the browser, and print as a note."""

import urllib.parse
from functools import partial

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from afghan_relations import book, style, widgets

matplotlib.use("Agg")
pytestmark = pytest.mark.fast


def tiny_figure(label, phone=False):
    fig, ax = plt.subplots(figsize=(0.8, 1) if phone else (1, 1))
    ax.set_title(label + (" (phone)" if phone else ""))
    return fig


def image_of(view):
    """The <img> of a view (an HTML widget) as a BeautifulSoup tag."""
    return BeautifulSoup(view.value, "html.parser").img


@pytest.fixture
def links(monkeypatch):
    """(source widget, attribute, target widget, attribute) of every jslink the explorers make."""
    made, original = [], ipywidgets.jslink

    def jslink(source, target):
        made.append((*source, *target))
        return original(source, target)

    monkeypatch.setattr(widgets.widgets, "jslink", jslink)
    return made


def test_figure_html_is_an_svg_image_with_the_alt_text_as_text():
    alt = 'Aid "stated" by A & B, <1 billion'
    img = BeautifulSoup(widgets.figure_html(widgets.svg_text(tiny_figure("x")), alt), "html.parser").img
    assert img["alt"] == alt  # not markup: the reader gets exactly these characters, quotes included
    prefix = "data:image/svg+xml,"  # percent-encoded SVG text: it compresses better than base64
    assert img["src"].startswith(prefix) and " " not in img["src"]
    svg = urllib.parse.unquote(img["src"][len(prefix) :])
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<dc:date>" not in svg  # no build date in the figure: two builds give the same page


def test_figure_html_offers_the_phone_layout_on_narrow_screens():
    html = widgets.figure_html(
        widgets.svg_text(tiny_figure("x")), "alt", phone=widgets.svg_text(tiny_figure("x", phone=True))
    )
    source = BeautifulSoup(html, "html.parser").picture.source
    assert source["media"] == widgets.PHONE_MEDIA
    assert "(phone)" in urllib.parse.unquote(source["srcset"])


def test_explorer_links_its_dropdown_to_a_stack_of_the_views(links):
    views = {name: (partial(tiny_figure, name), f"{name} alt") for name in ("First", "Second", "Third")}
    box = widgets.explorer("Show", views)
    chooser, stack = box.children
    assert chooser.description == "Show" and list(chooser.options) == ["First", "Second", "Third"]
    assert [image_of(view)["alt"] for view in stack.children] == ["First alt", "Second alt", "Third alt"]
    assert links == [(chooser, "index", stack, "selected_index")]


def test_two_way_explorer_nests_one_stack_per_first_choice(links):
    views = {(f, s): (partial(tiny_figure, f + s), f"{f} in {s}") for f in ("A", "B") for s in ("current", "constant")}
    box = widgets.two_way_explorer("View", "Dollars", views)
    (first, second), outer = box.children[0].children, box.children[1]
    assert list(first.options) == ["A", "B"] and list(second.options) == ["current", "constant"]
    assert [[image_of(v)["alt"] for v in inner.children] for inner in outer.children] == [
        ["A in current", "A in constant"],
        ["B in current", "B in constant"],
    ]
    assert links == [(second, "index", inner, "selected_index") for inner in outer.children] + [
        (first, "index", outer, "selected_index")
    ]


def test_web_only_offers_the_widget_to_browsers_and_a_note_to_print():
    widget = ipywidgets.Dropdown(options=["a", "b"])
    bundle = widgets.WebOnly(widget)._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == widget.model_id
    assert bundle["text/markdown"] == widgets.PRINT_NOTE
    assert bundle["text/plain"] == widgets.PRINT_NOTE.strip("*") and "*" not in bundle["text/plain"]


def test_event_groups_sort_every_event_type_into_one_group(real_data):
    table = pd.read_csv(real_data / "vocabularies.csv", dtype=str, keep_default_na=False)
    event_types = table.loc[table["vocabulary"] == "event_type", "code"]
    grouped = [t for types in widgets.EVENT_GROUPS.values() for t in types]
    assert sorted(grouped) == sorted(event_types)  # each in exactly one group


def table_figure(table, title="Counts", phone=False):
    fig, ax = plt.subplots(figsize=(0.8, 1) if phone else (1, 1))
    ax.bar(range(len(table)), table["x"])
    ax.set_title(title)
    return fig


def test_a_glued_figure_is_taken_only_for_equal_arguments(monkeypatch):
    """book.drawing: the same function with equal arguments (tables by contents, defaults filled in)."""
    style.use_book_style()  # Jupyter's formats: SVG among them
    monkeypatch.setattr(book, "display", lambda *a, **k: None)
    monkeypatch.setattr(book, "_DRAWINGS", [])
    table = pd.DataFrame({"x": [1, 2]})
    book.glue_figure("fig-counts", table_figure, table)
    svg, phone = book.drawing(table_figure, table.copy(), "Counts", phone=False)
    assert "<svg" in svg and "<svg" in phone and svg != phone and "<dc:date>" not in svg
    assert book.drawing(table_figure, table, title="Other") is None
    assert book.drawing(table_figure, pd.DataFrame({"x": [1.0, 2.0]})) is None  # another dtype
    assert book.drawing(tiny_figure, "Counts") is None  # another function
    assert book.drawing(table_figure, pd.NA) is None  # not comparable: drawn again
    table.loc[0, "x"] = 5  # changed after it was glued: the drawing shows the old contents
    assert book.drawing(table_figure, table) is None


def test_an_explorer_view_is_drawn_when_no_glued_figure_matches(monkeypatch):
    monkeypatch.setattr(book, "_DRAWINGS", [])
    drawn = []
    monkeypatch.setattr(widgets, "svg_text", lambda fig, original=widgets.svg_text: drawn.append(fig) or original(fig))
    widgets.explorer(
        "Show", {"One": (partial(tiny_figure, "One"), "alt"), "Two": (lambda **kw: tiny_figure("Two", **kw), "alt")}
    )
    assert len(drawn) == 4  # print and phone, for a partial and for any other callable


def test_a_glued_figure_is_laid_out_once_and_its_png_has_the_svgs_size(monkeypatch):
    """book._glue_shown: the PNG keeps the layout the SVG was drawn with (one run of the layout engine)."""
    import base64
    import io
    import re

    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from PIL import Image

    style.use_book_style()
    shown = []
    monkeypatch.setattr(book, "display", lambda bundle, **k: shown.append(bundle))
    runs = []
    original = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(fig) or original(self, fig))
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([1830, 2030], [0, 40])
    ax.set_title("Events per decade")
    ax.set_ylabel("events")
    book.glue_figure("fig-layout", fig)
    (bundle,) = shown
    assert len(runs) == 1
    svg_width = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', bundle["image/svg+xml"]).group(1))
    png = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    # the same box: points at 72 an inch, pixels at the figure's dpi (Jupyter's inline PNG), within a
    # pixel or two of rounding
    assert abs(png.width - svg_width / 72 * matplotlib.rcParams["figure.dpi"]) <= 2
