"""Each figure in its two layouts, without building the book: the phone layout narrow with larger
type, the print layout at book width, both with no text under their minimum; glue_figure storing
the phone twin unshown; the build's helpers that size figures and find an explorer's first view."""

import json
import re

import matplotlib
import pytest

matplotlib.use("agg")

from afghan_relations import analysis, book, dates, figures, load, style, widgets  # noqa: E402
from book_extensions import figure_layouts, lazy_widgets  # noqa: E402

FONT_SIZE = re.compile(r"font(?:-size)?:\s*(?:(?:bold|italic|normal|\d00)\s+)*([\d.]+)px")


@pytest.fixture
def book_data(real_data):
    return {
        "events": load.events(),
        "periods": load.periods(),
        "aid": load.aid_flows(),
        "treaties": load.treaties(),
        "steps": load.recognition_steps(),
        "actors": load.actors(),
    }


def drawings(d):
    """Every figure function of the book, with the arguments a chapter gives it."""
    russia = d["steps"][d["steps"]["actor"] == "RUS"]
    return {
        "chronology": lambda **kw: figures.plot_chronology(d["events"], d["periods"], **kw),
        "chronology, one era": lambda **kw: figures.plot_chronology(
            d["events"], d["periods"], relationships=["afghanistan_russia", "britain_russia"], xlim=(1832, 1922), **kw
        ),
        "events per decade": lambda **kw: figures.plot_events_per_decade(d["events"], **kw),
        "aid, Russia": lambda **kw: figures.plot_aid_flows(
            analysis.russian_flows_to_afghanistan(d["aid"]), figures.RUSSIAN_AID_YEARS, **kw
        ),
        "aid, Tajikistan": lambda **kw: figures.plot_aid_flows(
            analysis.afghan_tajik_flows(d["aid"]), figures.TAJIK_AID_YEARS, **kw
        ),
        "treaty counts": lambda **kw: figures.plot_treaty_counts(d["treaties"], d["periods"], **kw),
        "recognition ladder": lambda **kw: figures.plot_recognition_ladder(d["steps"], d["actors"], **kw),
        "Russia's steps, annotated": lambda **kw: figures.plot_recognition_ladder(
            russia, d["actors"], states=["RUS"], annotate=True, **kw
        ),
        "recognition history": lambda **kw: figures.plot_recognition_history(d["steps"], d["actors"], **kw),
    }


def svg_of(fig):
    svg = widgets.svg_text(fig)
    width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))
    return svg, width, min(float(s) for s in FONT_SIZE.findall(svg))


@pytest.mark.parametrize("phone", [False, True], ids=["print", "phone"])
def test_every_figure_keeps_its_layouts_width_and_smallest_type(book_data, phone):
    width_pt = (figures.PHONE_WIDTH_IN if phone else style.WIDTH_IN) * 72
    smallest_pt = figures.PHONE_MIN_PT if phone else figures.PRINT_MIN_PT
    problems = []
    for name, draw in drawings(book_data).items():
        svg, width, smallest = svg_of(draw(phone=phone))
        if smallest < smallest_pt:
            problems.append(f"{name}: {smallest} pt text")
        if not width_pt * 0.95 <= width <= width_pt * 1.08:  # savefig's tight box may add a little
            problems.append(f"{name}: {width:.0f} pt wide, the layout is {width_pt:.0f}")
    assert not problems, problems


def test_phone_treaty_figure_stacks_its_panels(book_data):
    fig = figures.plot_treaty_counts(book_data["treaties"], book_data["periods"], phone=True)
    fig.canvas.draw()
    (a, b) = [ax.get_position() for ax in fig.axes[:2]]
    assert a.y0 > b.y1, "panel (b) should be below panel (a)"
    assert abs(a.x0 - b.x0) < 0.1
    print_fig = figures.plot_treaty_counts(book_data["treaties"], book_data["periods"])
    print_fig.canvas.draw()
    (a, b) = [ax.get_position() for ax in print_fig.axes[:2]]
    assert b.x0 > a.x1, "in print the panels stand side by side"


def test_phone_ladder_numbers_the_steps_and_lists_them(book_data):
    russia = book_data["steps"][book_data["steps"]["actor"] == "RUS"]
    recent = dates.in_date_order(analysis.since_taliban_return(russia))  # the figure's order
    svg, _, _ = svg_of(
        figures.plot_recognition_ladder(russia, book_data["actors"], states=["RUS"], annotate=True, phone=True)
    )
    for i, row in enumerate(recent.itertuples(), start=1):
        entry = f"{i}  {dates.for_readers(row.date)}: {row.act.replace('_', ' ')}"
        text = " ".join(svg.replace("&#x27;", "'").split())  # a long entry wraps onto an indented line
        assert " ".join(entry.split()[:3]) in text and row.act.replace("_", " ").split()[-1] in text, entry


def test_glue_figure_stores_the_phone_twin_without_showing_it(book_data, monkeypatch):
    shown = []
    monkeypatch.setattr(book, "display", lambda bundle, raw, metadata: shown.append((bundle, metadata)))
    book.glue_figure("fig-test", figures.plot_events_per_decade, book_data["events"])
    names = [(m["scrapbook"]["name"], m["scrapbook"]["mime_prefix"]) for _, m in shown]
    assert names == [("fig-test", ""), ("fig-test-phone", book.GLUE_PREFIX)]
    print_svg, phone_svg = shown[0][0]["image/svg+xml"], shown[1][0][book.GLUE_PREFIX + "image/svg+xml"]
    assert print_svg != phone_svg
    # the phone layout is shown by web pages only: SVG, not the PDF and PNG the print layout also has
    assert list(shown[1][0]) == [book.GLUE_PREFIX + book.PHONE_FORMAT] == [book.GLUE_PREFIX + "image/svg+xml"]
    assert book.PHONE_SUFFIX == figure_layouts.PHONE_SUFFIX and widgets.PHONE_MEDIA == figure_layouts.PHONE_MEDIA


def test_explorer_view_offers_the_phone_layout_to_narrow_screens(book_data):
    html = widgets.figure_html(
        widgets.svg_text(figures.plot_events_per_decade(book_data["events"])),
        'Alt "quoted" & <b>',
        phone=widgets.svg_text(figures.plot_events_per_decade(book_data["events"], phone=True)),
    )
    source = re.search(r'<source media="([^"]+)" srcset="([^"]+)">', html)
    img = re.search(r'<img src="([^"]+)" alt="([^"]+)"', html)
    assert source.group(1) == widgets.PHONE_MEDIA and source.group(2) != img.group(1)
    assert " " not in source.group(2), "a space would end the URL in srcset"
    assert img.group(2) == "Alt &quot;quoted&quot; &amp; &lt;b&gt;"


def test_svg_size_in_css_px(tmp_path):
    path = tmp_path / "f.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="453.6pt" height="216pt" viewBox="0 0 453.6 216">')
    assert figure_layouts.svg_size(path) == (605, 288)


def test_first_view_follows_each_stacks_selection():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_menu", "IPY_MODEL_stack"]}},
        "menu": {"model_name": "DropdownModel", "state": {}},
        "stack": {
            "model_name": "StackModel",
            "state": {"children": ["IPY_MODEL_a", "IPY_MODEL_b"], "selected_index": 1},
        },
        "a": {"model_name": "HTMLModel", "state": {"value": "<img alt='a'>"}},
        "b": {"model_name": "HTMLModel", "state": {"value": "<img alt='b'>"}},
    }
    assert lazy_widgets.first_view(state, "box") == "<img alt='b'>"
    script = lazy_widgets.state_script(json.dumps({"state": state}))
    assert json.loads(re.search(r"JSON\.stringify\((.*?)\);\n", script, re.S).group(1)) == {"state": state}


EXPLORERS = {
    "timeline": lambda d: widgets.timeline_explorer(d["events"], d["periods"]),
    "aid": lambda d: widgets.aid_explorer(d["aid"]),
    "recognition": lambda d: widgets.recognition_explorer(d["steps"], d["actors"]),
}


@pytest.mark.parametrize(
    "explorer, glued",
    [  # the figures each explorer's chapter glues before it, as the chapter calls glue_figure
        ("timeline", [("plot_chronology", "events", "periods")]),
        (
            "aid",
            [
                ("plot_aid_flows", "russian", figures.RUSSIAN_AID_YEARS),
                ("plot_aid_flows", "tajik", figures.TAJIK_AID_YEARS),
            ],
        ),
        ("recognition", [("plot_recognition_ladder", "steps", "actors")]),
    ],
)
def test_an_explorer_takes_the_chapters_figure_as_drawn(book_data, monkeypatch, explorer, glued):
    """An explorer's view that is a figure its chapter has glued (the first view is, by design) is not
    drawn again, and is the same bytes as a drawing of its own."""
    d = {
        **book_data,
        "russian": analysis.russian_flows_to_afghanistan(book_data["aid"]),
        "tajik": analysis.afghan_tajik_flows(book_data["aid"]),
    }
    monkeypatch.setattr(book, "display", lambda *a, **k: None)
    monkeypatch.setattr(book, "_DRAWINGS", [])
    for function, *args in glued:
        book.glue_figure("fig", getattr(figures, function), *(d[a] if isinstance(a, str) else a for a in args))
    drawn, views = [], []
    svg_text, view = widgets.svg_text, widgets._view
    monkeypatch.setattr(widgets, "svg_text", lambda fig: drawn.append(fig) or svg_text(fig))
    monkeypatch.setattr(widgets, "_view", lambda draw, alt: views.append((draw, alt, view(draw, alt))) or views[-1][2])
    EXPLORERS[explorer](d)
    reused = [(draw, alt, html) for draw, alt, html in views if book.drawing(draw.func, *draw.args, **draw.keywords)]
    assert len(reused) == len(glued)
    assert len(drawn) == 2 * (len(views) - len(glued))  # print and phone layouts of every other view
    for draw, alt, html in reused:
        assert html.value == widgets.figure_html(svg_text(draw()), alt, phone=svg_text(draw(phone=True)))
