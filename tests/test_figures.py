"""afghan_relations.figures: each figure draws what it is given, and nothing else, on small tables."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.transforms import Bbox

from afghan_relations import analysis, figures, load, style

matplotlib.use("Agg")
pytestmark = pytest.mark.fast


@pytest.fixture(autouse=True)
def close_figures():
    yield
    matplotlib.pyplot.close("all")


def contrast_on_white(hex_colour):
    return 1.05 / (figures._luminance(hex_colour) + 0.05)


def texts(fig):
    """The figure's text labels as a reader sees them (figures.literal writes a dollar as matplotlib's '\\$')."""
    return [t.get_text().replace("\\$", "$") for ax in fig.axes for t in ax.texts if t.get_text()]


def marks(ax):
    """The x positions of every scatter mark on the axes."""
    return sorted(x for c in ax.collections if isinstance(c, PathCollection) for x, _ in c.get_offsets())


def bars(ax):
    """The (start, end) years of every bar drawn as a line, on its own or in a collection of them."""
    alone = [tuple(line.get_xdata()) for line in ax.lines if len(line.get_xdata()) == 2]
    collected = [(s[0][0], s[-1][0]) for c in ax.collections if isinstance(c, LineCollection) for s in c.get_segments()]
    return alone + collected


@pytest.mark.parametrize("colour", list(style.OKABE_ITO.values()))
def test_readable_colours_reach_text_contrast_on_white(colour):
    dark = figures.readable(colour)
    assert contrast_on_white(dark) >= 4.5
    if contrast_on_white(colour) >= 4.5:
        assert dark == colour  # already dark enough: unchanged


def test_readable_darkens_only_as_far_as_needed():
    yellow = style.OKABE_ITO["yellow"]
    dark = figures.readable(yellow)
    one_step_lighter = "#" + "".join(f"{min(255, int(int(dark[i : i + 2], 16) / 0.92)):02X}" for i in (1, 3, 5))
    assert contrast_on_white(one_step_lighter) < 4.5


def test_chronology_has_a_lane_per_relationship_and_a_mark_per_dated_event(table, periods):
    events = table(
        [
            {
                "relationship": "afghanistan_russia",
                "date": "2022-04-09",
                "date_min": "2022-04-09",
                "date_max": "2022-04-09",
            },
            {
                "relationship": "afghanistan_tajikistan",
                "date": "1992",
                "date_min": "1992-01-01",
                "date_max": "1992-12-31",
            },
            {
                "relationship": "afghanistan_tajikistan",
                "date": "1995/2001",
                "date_min": "1995-01-01",
                "date_max": "2001-12-31",
            },
            {"relationship": "context", "date": "2000", "date_min": "2000-01-01", "date_max": "2000-12-31"},
        ]
    )
    fig = figures.plot_chronology(
        events, periods, relationships=["afghanistan_russia", "afghanistan_tajikistan"], xlim=(1990, 2030)
    )
    ax = fig.axes[0]
    lanes = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    assert lanes == {"Afghanistan–Russia/USSR": 1, "Afghanistan–Tajikistan": 0}  # the first named on top
    assert len(marks(ax)) == 2  # the two dated events; the context event is not in a shown lane
    assert [start for start, _ in bars(ax)] == [1995.0]  # the span is a bar from its first year
    # one scatter per lane, not one artist per event: the explorer draws the chronology once a view and layout
    assert sum(isinstance(c, PathCollection) for c in ax.collections) == 2
    assert texts(fig) == ["Federation"]  # the periods labelled, but not one too narrow for its label


def test_events_per_decade_stack_to_the_count_of_each_decade(table):
    events = table(
        [
            {"relationship": r, "date_min": d, "date_max": d}
            for r, d in [
                ("afghanistan_russia", "1919-05-01"),
                ("afghanistan_russia", "1911-01-01"),
                ("britain_russia", "1907-08-31"),
                ("afghanistan_tajikistan", "2021-09-01"),
            ]
        ]
    )
    ax = figures.plot_events_per_decade(events).axes[0]
    heights = {}
    for bar in ax.patches:
        decade = int(round(bar.get_x() + bar.get_width() / 2 - 5))
        heights[decade] = heights.get(decade, 0) + bar.get_height()
    assert {d: h for d, h in heights.items() if h} == {1900: 1, 1910: 2, 2020: 1}


def test_treaty_legend_counts_each_counterpart(table, periods):
    treaties = table(
        [
            {
                "treaty_id": f"T{i}",
                "name": f"T{i}",
                "party_a": a,
                "party_b": b,
                "about": "",
                "subject": "friendship",
                "date_min": day,
                "date_max": day,
            }
            for i, (a, b, day) in enumerate(
                [("AFG-IRA", "RUS", "2005-01-01"), ("AFG-IEA", "RUS", "2022-01-01"), ("AFG-IRA", "TJK", "2010-01-01")]
            )
        ]
    )
    fig = figures.plot_treaty_counts(treaties, periods)
    right = fig.axes[1]
    assert [t.get_text() for t in right.get_legend().get_texts()] == [
        "Russia / USSR (2)",
        "Britain–Russia about Afghanistan (0)",
        "Tajikistan (1)",
        "Other states (0)",
    ]
    left = fig.axes[0]
    assert sum(bar.get_width() for bar in left.patches) == 3


def test_recognition_ladder_shows_only_steps_since_the_taliban_return(table):
    actors = pd.DataFrame({"actor_id": ["RUS", "TJK"], "name": ["Russia", "Tajikistan"]})
    steps = table(
        [
            {
                "actor": "RUS",
                "act": "terrorist_listing",
                "date": "2003",
                "date_min": "2003-01-01",
                "date_max": "2003-12-31",
                "order_rank": pd.NA,
            },
            {
                "actor": "RUS",
                "act": "formal_recognition",
                "date": "2025-07-03",
                "date_min": "2025-07-03",
                "date_max": "2025-07-03",
                "order_rank": 1,
            },
            {
                "actor": "TJK",
                "act": "refusal",
                "date": "2021-08/2021-12",
                "date_min": "2021-08-01",
                "date_max": "2021-12-31",
                "order_rank": pd.NA,
            },
        ]
    )
    fig = figures.plot_recognition_ladder(steps, actors, states=["RUS", "TJK"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Russia", "Tajikistan"]
    assert ax.get_xlim()[0] == analysis.decimal_year([analysis.TALIBAN_RETURN])[0]
    assert len(marks(ax)) == 2  # the listing of 2003 is before the window
    assert texts(fig) == ["1st"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["formal recognition", "refusal"]


def test_recognition_history_labels_each_claimed_order(real_data):
    steps, actors = load.recognition_steps(), load.actors()
    labels = texts(figures.plot_recognition_history(steps, actors))
    claimed = steps[steps["order_rank"].notna() & steps["act"].isin(figures.HISTORY_ACTS)]
    claims = zip(claimed["order_claim"], claimed["date"], strict=True)
    assert sorted(labels) == sorted(f"{claim} ({date[:4]})" for claim, date in claims)
    assert "first country (1919)" in labels


def test_aid_figure_labels_each_stated_amount_and_lists_the_others(table):
    flows = table(
        [
            {
                "flow_id": "F1",
                "kind": "economic",
                "transaction": "disbursement",
                "amount_best": 1e9,
                "amount_qualifier": "at_least",
                "period": "1954/1978",
                "date_min": "1954-01-01",
                "date_max": "1978-12-31",
                "certainty": "stated",
                "description": "Soviet aid",
            },
            {
                "flow_id": "F2",
                "kind": "military",
                "transaction": "commitment",
                "amount_best": 3e7,
                "amount_qualifier": "exact",
                "period": "2005",
                "date_min": "2005-01-01",
                "date_max": "2005-12-31",
                "certainty": "stated",
                "description": "Arms",
            },
            {
                "flow_id": "F3",
                "kind": "in_kind",
                "transaction": "unspecified",
                "amount_best": np.nan,
                "amount_qualifier": None,
                "period": "1992",
                "date_min": "1992-01-01",
                "date_max": "1992-12-31",
                "certainty": "alleged",
                "description": "Food",
            },
        ]
    )
    fig = figures.plot_aid_flows(flows, (1950, 2030))
    assert texts(fig) == ["more than $1 billion, 1954–1978", "$30 million, 2005", "Food (alleged)"]
    assert fig.axes[0].get_yscale() == "log"
    # "more than": an arrow up from the bar, its label above the tip rather than across the arrow
    ax, renderer = fig.axes[0], fig.canvas.get_renderer()
    (shaft,), _ = arrows(ax)
    assert shaft[0][0] == shaft[1][0] and (shaft[0][1], shaft[1][1]) == (1000.0, 1000.0 * figures.AT_LEAST_REACH)
    label = next(t for t in ax.texts if t.get_text().startswith("more than"))
    tip = ax.transData.transform(shaft[1])
    assert label.get_window_extent(renderer).y0 > tip[1]


@pytest.mark.parametrize("phone", [False, True], ids=["print", "phone"])
def test_aid_descriptions_do_not_run_into_each_other(table, phone):
    """Neighbouring descriptions wrapped to two lines each (in print they used to overlap)."""
    long = "Alleged support for a militia fighting on the other side of the border during the war"
    flows = table(
        [
            {
                "flow_id": f"F{i}",
                "kind": "unspecified",
                "transaction": "unspecified",
                "amount_best": np.nan,
                "amount_qualifier": None,
                "period": "2021/2025",
                "date_min": "2021-01-01",
                "date_max": "2025-12-31",
                "certainty": "alleged",
                "description": f"{long} {i}",
            }
            for i in range(4)
        ]
    )
    fig = figures.plot_aid_flows(flows, (1985, 2030), phone=phone)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[1].texts if t.get_text().startswith("Alleged")]
    assert len(boxes) == 4 and all("\n" in t.get_text() for t in fig.axes[1].texts[:4])  # each wrapped
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]


def arrows(ax):
    """(start, end) of every arrow's shaft, and the points its heads are drawn at."""
    shafts = [
        (tuple(s[0]), tuple(s[1]))
        for c in ax.collections
        if isinstance(c, LineCollection) and c.get_capstyle() == "round"
        for s in c.get_segments()
    ]
    heads = [
        tuple(p)
        for c in ax.collections
        if isinstance(c, PathCollection) and c.get_capstyle() == "round"
        for p in c.get_offsets()
    ]
    return shafts, heads


def test_an_open_date_gets_an_arrow_towards_its_open_side(table, periods):
    events = table(
        [
            {"relationship": "afghanistan_russia", "date": "1995/..", "date_min": "1995-01-01", "date_max": None},
            {"relationship": "afghanistan_russia", "date": "../2010", "date_min": None, "date_max": "2010-12-31"},
            {"relationship": "afghanistan_russia", "date": "2020", "date_min": "2020-01-01", "date_max": "2020-12-31"},
        ]
    )
    ax = figures.plot_chronology(events, periods, relationships=["afghanistan_russia"], xlim=(1990, 2030)).axes[0]
    shafts, heads = arrows(ax)
    directions = sorted(round(end[0] - start[0], 6) for start, end in shafts)
    assert directions == [-figures.OPEN_END_YEARS, figures.OPEN_END_YEARS]  # none for the closed date
    assert sorted(heads) == sorted(end for _, end in shafts)  # a head at each tip
    assert all(start[1] == end[1] for start, end in shafts)  # along the time axis
    with pytest.raises(ValueError, match="parallel"):
        figures._arrows(ax, 2000, 0, 2003, 1, "#000000")


def test_an_aid_description_starts_beyond_the_arrow_pointing_at_it(table):
    flows = table(
        [
            {
                "flow_id": "F1",
                "kind": "military",
                "transaction": "disbursement",
                "amount_best": np.nan,
                "amount_qualifier": None,
                "period": "1956/..",
                "date_min": "1956-01-01",
                "date_max": None,
                "certainty": "stated",
                "description": "Arms",
            }
        ]
    )
    ax = figures.plot_aid_flows(flows, (1910, 2030)).axes[-1]
    (shaft,), _ = arrows(ax)
    label = next(t for t in ax.texts if t.get_text() == "Arms")
    assert shaft[1][0] == shaft[0][0] + figures.OPEN_END_YEARS
    assert label.get_position()[0] > shaft[1][0]  # it used to start on the arrow


@pytest.mark.parametrize("phone", [False, True])
def test_recognition_ladder_names_keep_clear_of_marks_on_the_axis_edge(real_data, phone):
    """Russia's and Tajikistan's first steps fall on the axis's first day, drawn on its edge: the states'
    names beside the rows must not run into them (they touched; a pixel's gap at least)."""
    steps, actors = load.recognition_steps(), load.actors()
    fig = figures.plot_recognition_ladder(steps, actors, phone=phone)
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]
    # each mark's square on the screen: its centre, and half its size in points (sqrt of the scatter
    # size) plus half its edge, at the figure's dpi; the markers all fit in that square
    marks_ = [
        Bbox.from_bounds(x - half, y - half, 2 * half, 2 * half)
        for c in ax.collections
        if isinstance(c, PathCollection)
        for (x, y), half in zip(
            ax.transData.transform(c.get_offsets()),
            (np.sqrt(c.get_sizes()) / 2 + c.get_linewidths() / 2) * fig.dpi / 72,
            strict=True,
        )
    ]
    on_the_edge = [m for m in marks_ if m.x0 < ax.get_window_extent(renderer).x0]
    assert on_the_edge, "no mark on the axis's first day: the test no longer tests anything"
    for label in labels:
        for mark in marks_:
            if mark.y0 < label.y1 and mark.y1 > label.y0:  # the same row
                assert label.x1 + 1 <= mark.x0, (label, mark)
    matplotlib.pyplot.close(fig)


def test_recognition_ladder_axis_ends_on_the_last_day_of_the_data(real_data):
    steps, actors = load.recognition_steps(), load.actors()
    last_day = analysis.last_possible_day(steps)
    right = figures.plot_recognition_ladder(steps, actors).axes[0].get_xlim()[1]
    assert right == analysis.decimal_year([last_day + pd.Timedelta(days=1)])[0]
    # not a month beyond the data (it used to run to the end of February 2026; the data end 16 January)
    assert right - analysis.decimal_year([last_day])[0] < 2 / 366


def test_labels_from_the_data_are_shown_as_written(table):
    """A '$' pair in a name would otherwise be typeset as mathtext."""
    actors = pd.DataFrame({"actor_id": ["RUS"], "name": ["$x^2$ Russia"]})
    steps = table(
        [
            {
                "actor": "RUS",
                "act": "formal_recognition",
                "date": "2025-07-03",
                "date_min": "2025-07-03",
                "date_max": "2025-07-03",
                "order_rank": 1,
            }
        ]
    )
    fig = figures.plot_recognition_ladder(steps, actors, states=["RUS"], annotate=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [r"\$x^2\$ Russia"]  # matplotlib's escaped dollar
    assert [t._preprocess_math(t.get_text()) for t in ax.get_yticklabels()] == [("$x^2$ Russia", False)]
    assert "3 July 2025: formal recognition" in texts(fig)  # the date as a reader writes it
