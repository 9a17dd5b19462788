"""Explorers that work with a kernel, in static HTML without one, and degrade in print.

Every view is drawn in advance; a Dropdown is linked to a Stack in the browser
(`jslink`), so switching views needs no Python. The static page embeds the
widget state; the PDF shows the book's numbered figure instead.
"""

import html
import io
import urllib.parse
from functools import partial

import ipywidgets as widgets
import matplotlib.pyplot as plt

# Below this viewport width the explorers show their views' phone layouts, like the book's
# figures (book_extensions/figure_layouts.py, PHONE_MEDIA); figures.py says why 664 px.
PHONE_MEDIA = "(max-width: 663px)"


def svg_text(fig):
    """The figure as SVG text, without a date in its metadata (the same bytes in every build); closes it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue().decode("utf-8")


def svg_data_uri(svg):
    """SVG text as a data URI, percent-encoded rather than base64: plain SVG text compresses
    about four times better when the page is sent gzipped. Spaces are encoded too: in a
    <source srcset> a space would end the URL."""
    return "data:image/svg+xml," + urllib.parse.quote(svg, safe="/:;=,.-_'()")


def figure_html(svg, alt, phone=None):
    """A figure's SVG text as an <img> with alt text (a data URI: sharp at any width), and its phone
    layout's, when given, as a <picture> source chosen on narrow screens."""
    img = (
        f'<img src="{html.escape(svg_data_uri(svg))}" alt="{html.escape(alt, quote=True)}" '
        f'style="width:100%;height:auto;display:block">'
    )
    if phone is None:
        return img
    return f'<picture><source media="{PHONE_MEDIA}" srcset="{html.escape(svg_data_uri(phone))}">{img}</picture>'


def _view(draw, alt):
    """A view drawn by `draw` (a figures function with its arguments bound by functools.partial),
    print and phone layouts; a figure the chapter has glued (book.glue_figure) is not drawn again."""
    from . import book

    glued = book.drawing(draw.func, *draw.args, **draw.keywords) if isinstance(draw, partial) else None
    svg, phone = glued or (svg_text(draw()), svg_text(draw(phone=True)))
    return widgets.HTML(figure_html(svg, alt, phone=phone), layout=widgets.Layout(width="100%"))


def explorer(label, views):
    """A Dropdown choosing among pre-drawn views: {option: (figure, alt text)}."""
    options = list(views)
    chooser = widgets.Dropdown(
        options=options,
        value=options[0],
        description=label,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="auto", max_width="100%"),
    )
    stack = widgets.Stack([_view(*views[o]) for o in options], selected_index=0, layout=widgets.Layout(width="100%"))
    widgets.jslink((chooser, "index"), (stack, "selected_index"))
    return widgets.VBox([chooser, stack], layout=widgets.Layout(width="100%"))


def two_way_explorer(first_label, second_label, views):
    """Two Dropdowns over views keyed (first option, second option): nested Stacks, all linked in the browser."""
    firsts = list(dict.fromkeys(k[0] for k in views))
    seconds = list(dict.fromkeys(k[1] for k in views))
    first = widgets.Dropdown(
        options=firsts, value=firsts[0], description=first_label, style={"description_width": "initial"}
    )
    second = widgets.Dropdown(
        options=seconds, value=seconds[0], description=second_label, style={"description_width": "initial"}
    )
    inner = []
    for f in firsts:
        stack = widgets.Stack(
            [_view(*views[(f, s)]) for s in seconds], selected_index=0, layout=widgets.Layout(width="100%")
        )
        widgets.jslink((second, "index"), (stack, "selected_index"))
        inner.append(stack)
    outer = widgets.Stack(inner, selected_index=0, layout=widgets.Layout(width="100%"))
    widgets.jslink((first, "index"), (outer, "selected_index"))
    return widgets.VBox(
        [widgets.HBox([first, second], layout=widgets.Layout(flex_flow="row wrap")), outer],
        layout=widgets.Layout(width="100%"),
    )


PRINT_NOTE = (
    "*The interactive version of this explorer is in the web edition of the book; "
    "its default view is the chapter's numbered figure of the same data.*"
)


class WebOnly:
    """Displays a widget where widgets can live, and a one-line note in print.

    Browsers and Jupyter prefer the widget view; the LaTeX builder cannot use
    it and falls to the Markdown note instead of printing the widget's repr.
    """

    def __init__(self, widget, note=PRINT_NOTE):
        self.widget, self.note = widget, note

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/markdown"] = self.note
        bundle["text/plain"] = self.note.strip("*")
        return bundle


def timeline_explorer(events, periods):
    """Chronology filtered by period, relationship or kind of event: one Dropdown."""
    from . import analysis, figures, style

    views = {}

    def add(label, frame, xlim, relationships=None):
        present = [r for r in style.RELATIONSHIP_LABELS if r in set(frame["relationship"])]
        # every lane is the figure's default: so asked, the first view is the appendix's figure (drawn once)
        relationships = relationships or (None if present == list(style.RELATIONSHIP_LABELS) else present)
        first, last = frame["date_min"].min(), frame["date_max"].max()
        alt = (
            f"{len(frame)} events of the sources, {label.lower()}, from {first:%Y} to {last:%Y}, "
            f"in lanes by relationship."
        )
        views[label] = (partial(figures.plot_chronology, frame, periods, relationships=relationships, xlim=xlim), alt)

    add("All events", events, figures.X_RANGE)
    for row in periods.itertuples():
        in_period = analysis.period_of(events["date_min"].fillna(events["date_max"]), periods) == row.period
        start, end = analysis.decimal_year([row.start, row.end])
        add(f"Period: {row.label}", events[in_period.values], (start - 1, end + 1))
    for rel, label in style.RELATIONSHIP_LABELS.items():
        add(f"Relationship: {label}", events[events["relationship"] == rel], figures.X_RANGE, [rel])
    for kind, types in EVENT_GROUPS.items():
        add(f"Kind: {kind}", events[events["event_type"].isin(types)], figures.X_RANGE)
    for actor, name in (("TJK", "Tajikistan"), ("AFG-IEA", "the Islamic Emirate"), ("GBR", "Britain")):
        involved = events["actors"].map(lambda ids, a=actor: a in ids)
        add(f"Actor: {name}", events[involved], figures.X_RANGE)
    return explorer("Show", views)


EVENT_GROUPS = {
    "agreements and recognition": ["agreement", "recognition", "diplomatic_relations", "designation"],
    "diplomacy and missions": ["mission", "visit_meeting", "statement"],
    "war and upheaval": ["armed_conflict", "regime_change", "displacement"],
    "aid, trade and culture": ["assistance", "trade_investment", "culture"],
}


def aid_explorer(aid):
    """Aid flows: which relationship (view) by which dollars (units), two Dropdowns."""
    from . import analysis, figures

    views = {}
    frames = {
        "Russia/USSR to Afghanistan": (analysis.russian_flows_to_afghanistan(aid), figures.RUSSIAN_AID_YEARS),
        "Afghanistan and Tajikistan": (analysis.afghan_tajik_flows(aid), figures.TAJIK_AID_YEARS),
    }
    for view, (flows, xlim) in frames.items():
        n_amount = int(flows["amount_best"].notna().sum())
        for units in ("current US$", f"{analysis.CPI_BASE_YEAR} US$"):
            constant = analysis.constant_dollar_range(flows) if units != "current US$" else None
            note = (
                f" Pale bars give the range in {analysis.CPI_BASE_YEAR} dollars, deflated with the US CPI."
                if constant
                else ""
            )
            alt = f"{view}. {len(flows)} flows, {n_amount} with a stated amount, {len(flows) - n_amount} without.{note}"
            views[(view, units)] = (partial(figures.plot_aid_flows, flows, xlim, constant_dollars=constant), alt)
    return two_way_explorer("View", "Dollars", views)


def recognition_explorer(steps, actors):
    """Recognition ladders: all states or one state (annotated), all steps or one kind of step."""
    from . import analysis, dates, figures

    names = actors.set_index("actor_id")["name"]
    views = {}
    since = dates.for_readers(f"{analysis.TALIBAN_RETURN:%Y-%m}")
    until = analysis.last_possible_day(steps)  # every view on the same axis, to the data's end
    step_groups = {
        "All steps": list(steps["act"].cat.categories),
        "Terrorist lists": ["terrorist_listing", "delisting_announced", "terrorist_delisting"],
        "Envoys and missions": ["envoy_accepted", "mission_opened", "credentials_accepted"],
        "Recognition, withheld or refused": ["formal_recognition", "recognition_withheld", "refusal"],
    }
    for group, acts in step_groups.items():
        shown = steps[steps["act"].isin(acts)]
        alt = f"{group} since {since}, one row per state; {len(shown)} steps in all."
        # with every step shown the axis ends there by itself, as in the chapter's figure (drawn once)
        end = None if len(shown) == len(steps) else until
        views[f"All states: {group.lower()}"] = (
            partial(figures.plot_recognition_ladder, shown, actors, until=end),
            alt,
        )
    for state in figures.RECOGNITION_STATES:
        own = steps[steps["actor"] == state]
        recent = analysis.since_taliban_return(own)
        acts = ", ".join(a.replace("_", " ") for a in dates.in_date_order(recent)["act"])
        views[f"{names[state]}"] = (
            partial(figures.plot_recognition_ladder, own, actors, states=[state], annotate=True, until=until),
            f"{names[state]} since {since}, in order: {acts}.",
        )
    return explorer("Show", views)
