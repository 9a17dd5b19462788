"""One function per figure in the book; each returns a matplotlib Figure.

The functions only draw: what to count or sum is decided in `analysis`.
Every label that comes from the data goes through `literal`, and every date
through `dates.for_readers`.
"""

import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axis import Axis
from matplotlib.collections import LineCollection
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Affine2D

from . import analysis, dates, style

X_RANGE = (1830, 2030)
# The aid figures' years, one axis per relationship: the chapter's figures and its explorer's views
# share them (a view drawn with the chapter's arguments is taken from the chapter, book.drawing).
RUSSIAN_AID_YEARS = (1910, 2030)
TAJIK_AID_YEARS = (1985, 2030)

# Two layouts of each figure. The print layout (the PDF, and the web page on a wide screen)
# is WIDTH_IN wide; the web shows it across the text column, about 670 CSS px on a 1280-px
# screen, so its smallest type, PRINT_MIN_PT, becomes 7.5 x 670 / 462 = 10.9 px. The phone
# layout (phone=True; the web page below 664 px, see book_extensions/figure_layouts.py) is
# PHONE_WIDTH_IN wide, panels stacked and labels fewer, and is shown about 342 px wide on a
# 390-px phone: its smallest type, PHONE_MIN_PT, becomes 8.5 x 342 / 256 = 11.4 px.
PRINT_MIN_PT = 7.5
PHONE_WIDTH_IN = 3.4
PHONE_MIN_PT = 8.5


def _tick_label_size(ax, axis):
    """The points of an axis's major tick labels, as tick_params or the style set them.

    Read from the settings rather than from the labels: asking for the labels makes matplotlib
    place the ticks and format them, which drawing does again."""
    size = getattr(ax, f"{axis}axis").get_tick_params(which="major").get("labelsize")
    return FontProperties(size=size if size is not None else mpl.rcParams[f"{axis}tick.labelsize"]).get_size_in_points()


def _legible(fig, phone=False):
    """The figure with no text smaller than its layout's minimum (tick labels drawn later included)."""
    smallest = PHONE_MIN_PT if phone else PRINT_MIN_PT
    for ax in fig.axes:
        for axis in ("x", "y"):
            ax.tick_params(axis=axis, which="both", labelsize=max(_tick_label_size(ax, axis), smallest))
    for text in _texts(fig):
        if text.get_fontsize() < smallest:
            text.set_fontsize(smallest)
    return fig


def _texts(artist):
    """Every Text in the artist's tree but the tick labels (tick_params sizes those, drawn or not).

    As `artist.findobj(Text)`, without asking an axis for its ticks: that makes matplotlib place
    and create them before the layout has sized the axes (a tenth of a figure's time)."""
    if isinstance(artist, Axis):
        yield from (artist.label, artist.offsetText)
        return
    if isinstance(artist, Text):
        yield artist
    for child in artist.get_children():
        yield from _texts(child)


def literal(text):
    """Data as matplotlib text shown as written: mathtext reads text between two '$' as math,
    and '\\$' is matplotlib's escape for a dollar sign (text.usetex stays off in the book's style)."""
    return str(text).replace("$", r"\$")


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable(hex_colour, on_white=4.5):
    """The colour darkened just enough for text to reach WCAG contrast on white (markers keep the original)."""
    colour = hex_colour
    factor = 1.0
    while (1.05 / (_luminance(colour) + 0.05)) < on_white:
        factor *= 0.92
        colour = "#" + "".join(f"{int(int(hex_colour[i : i + 2], 16) * factor):02X}" for i in (1, 3, 5))
    return colour


def _new_figure(height, nrows=1, height_ratios=None, sharex=True, phone=False):
    style.use_book_style()
    width = PHONE_WIDTH_IN if phone else style.WIDTH_IN
    fig, axes = plt.subplots(
        nrows,
        1,
        figsize=(width, height),
        sharex=sharex,
        gridspec_kw={"height_ratios": height_ratios} if height_ratios else None,
        layout="constrained",
    )
    return fig, axes


def _shade_periods(ax, periods, label=True, xlim=None, min_share=0.16):
    """Grey bands for the book's periods, labelled along the top (only bands wider than `min_share` of the axis)."""
    starts, ends = (analysis.decimal_year(periods[column]).to_numpy() for column in ("start", "end"))
    for i, (row, start, end) in enumerate(zip(periods.itertuples(), starts, ends, strict=True)):
        if xlim and (end < xlim[0] or start > xlim[1]):
            continue
        ax.axvspan(start, end, color=style.PERIOD_SHADES[i % 2], zorder=0, lw=0)
        visible = (min(end, xlim[1]) - max(start, xlim[0])) / (xlim[1] - xlim[0]) if xlim else 1
        if label and visible > min_share:  # a narrow band's label would run into the next one
            x = max(start, xlim[0]) if xlim else start
            ax.text(
                x + 0.5,
                1.0,
                literal(row.label),
                transform=ax.get_xaxis_transform(),
                va="bottom",
                ha="left",
                fontsize=7,
                color="#444444",
            )


OPEN_END_YEARS = 3  # the length of the arrow on a dot whose date is open ("from 1979")


def _spans_and_points(ax, lo, hi, y, colour, open_right=False, open_left=False, marker="o", size=22, lw=3):
    """Dots for points in time, bars for spans (lo, hi and y: numbers or arrays of them, in
    years); a dot whose date is open gets an arrow towards the open side.

    All the items share one scatter and one line collection, the arrows one of each (`_arrows`):
    drawing, laying out and saving a figure cost time per artist, and the chronology with its
    explorer's views draws thousands.
    """
    lo, hi, y = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (lo, hi, y))
    open_right, open_left = (np.broadcast_to(np.asarray(v, dtype=bool), lo.shape) for v in (open_right, open_left))
    dated = ~(np.isnan(lo) & np.isnan(hi))
    point = dated & _is_point(lo, hi)
    x = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2))
    span = dated & ~point
    if span.any():
        segments = [[(a, b), (c, b)] for a, b, c in zip(lo[span], y[span], hi[span], strict=True)]
        ax.add_collection(
            LineCollection(segments, colors=colour, linewidths=lw, capstyle="butt", zorder=2, alpha=0.85),
            autolim=True,
        )
    if point.any():
        ax.scatter(
            x[point], y[point], s=size, color=colour, marker=marker, zorder=3, linewidths=0.6, edgecolors="white"
        )
    arrow = point & (open_right | open_left)
    if arrow.any():
        _arrows(
            ax,
            x[arrow],
            y[arrow],
            x[arrow] + np.where(open_right[arrow], OPEN_END_YEARS, -OPEN_END_YEARS),
            y[arrow],
            colour,
        )


def _is_point(lo, hi):
    """Whether a date from lo to hi (years; either may be NaN) is drawn as a dot rather than a bar."""
    return np.isnan(lo) | np.isnan(hi) | (hi - lo < 1.05)


# An open arrowhead, its tip at the origin, in points: matplotlib's "->" at its default size.
ARROW_HEAD = Path([(-3.6, 1.8), (0.0, 0.0), (-3.6, -1.8)], [Path.MOVETO, Path.LINETO, Path.LINETO])


def _arrows(ax, x0, y0, x1, y1, colour, lw=1.0):
    """Arrows parallel to the axes from (x0, y0) to (x1, y1) (numbers or arrays, in data units).

    One line collection for the shafts and one scatter of heads per direction, rather than an
    annotation per arrow: matplotlib fits each annotation's head to its curve whenever the figure
    is laid out or drawn, which took a third of the time of drawing the chronology.
    """
    x0, y0, x1, y1 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x0, y0, x1, y1))
    if ((x0 != x1) & (y0 != y1)).any():
        raise ValueError("_arrows draws arrows parallel to an axis only")
    shafts = np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1)
    ax.add_collection(LineCollection(shafts, colors=colour, linewidths=lw, capstyle="round", zorder=3), autolim=False)
    angles = np.degrees(np.arctan2(np.sign(y1 - y0), np.sign(x1 - x0)))
    size = (2 * np.abs(ARROW_HEAD.vertices).max()) ** 2  # a marker's path is scaled to half its size
    for angle in np.unique(angles):
        here = angles == angle
        heads = ax.scatter(
            x1[here],
            y1[here],
            marker=MarkerStyle(ARROW_HEAD, transform=Affine2D().rotate_deg(angle)),
            s=size,
            facecolors="none",
            edgecolors=colour,
            linewidths=lw,
            zorder=3,
        )
        heads.set_joinstyle("round")
        heads.set_capstyle("round")


def _years(frame):
    return analysis.decimal_year(frame["date_min"]).to_numpy(), (
        analysis.decimal_year(frame["date_max"]) + 1 / 366
    ).to_numpy()


def plot_chronology(events, periods, relationships=None, xlim=X_RANGE, title=None, phone=False):
    """Events as dots (dated) or bars (spans) in one lane per relationship, periods shaded.

    On a phone each lane is named above it, not beside it, so the lanes keep the width.
    """
    relationships = relationships or list(style.RELATIONSHIP_LABELS)
    shown = events[events["relationship"].isin(relationships)]
    fig, ax = _new_figure(
        (1.2 + 0.75 * len(relationships)) if phone else (0.9 + 0.55 * len(relationships)), phone=phone
    )
    _shade_periods(ax, periods, xlim=xlim, min_share=0.3 if phone else 0.16)
    lo, hi = _years(shown)
    lanes = {r: len(relationships) - 1 - i for i, r in enumerate(relationships)}
    jitter = (np.arange(len(shown)) % 5 - 2) * 0.09
    y = shown["relationship"].map(lanes).to_numpy(dtype=float) + jitter
    for rel in lanes:
        mine = (shown["relationship"] == rel).to_numpy()
        _spans_and_points(
            ax,
            lo[mine],
            hi[mine],
            y[mine],
            style.RELATIONSHIP_COLOURS[rel],
            open_right=shown["date"].str.endswith("/..").to_numpy()[mine],
            open_left=shown["date"].str.startswith("../").to_numpy()[mine],
        )
    if phone:
        ax.set_yticks([])
        for rel, lane in lanes.items():
            ax.text(
                0.01,
                lane + 0.27,
                style.RELATIONSHIP_LABELS[rel],
                transform=ax.get_yaxis_transform(),
                fontsize=PHONE_MIN_PT,
                va="bottom",
                ha="left",
                color="#222222",
            )
        ax.xaxis.set_major_locator(plt.MaxNLocator(5, integer=True))
    else:
        ax.set_yticks(list(lanes.values()), [style.RELATIONSHIP_LABELS[r] for r in lanes])
    ax.set_ylim(-0.6, len(relationships) - (0.1 if phone else 0.4))
    ax.set_xlim(*xlim)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("Year")
    if title:
        ax.set_title(title, pad=14)
    return _legible(fig, phone)


def plot_events_per_decade(events, phone=False):
    """Stacked bars: how many dated developments the sources record per decade, by relationship."""
    fig, ax = _new_figure(3.9 if phone else 3.0, phone=phone)
    first_day = events["date_min"].fillna(events["date_max"])
    decade = (first_day.dt.year // 10 * 10).astype(int)
    counts = pd.crosstab(decade, events["relationship"]).reindex(range(1830, 2030, 10), fill_value=0)
    bottom = np.zeros(len(counts))
    for rel in style.RELATIONSHIP_LABELS:
        values = counts[rel].to_numpy() if rel in counts else np.zeros(len(counts))
        ax.bar(
            counts.index + 5,
            values,
            width=8.5,
            bottom=bottom,
            color=style.RELATIONSHIP_COLOURS[rel],
            label=style.RELATIONSHIP_LABELS[rel],
        )
        bottom += values
    ax.set_xlim(*X_RANGE)
    ax.set_ylabel("Events recorded")
    ax.set_xlabel("Decade")
    if phone:  # below the bars, one relationship a line
        ax.xaxis.set_major_locator(plt.MultipleLocator(50))
        fig.legend(loc="outside lower left", ncols=1)
    else:
        ax.legend(loc="upper left", ncols=2)
    return _legible(fig, phone)


TRANSACTION_MARKERS = {
    "disbursement": "o",
    "commitment": "s",
    "pledge": "D",
    "trade": "^",
    "project_cost": "P",
    "unspecified": "o",
}


AT_LEAST_REACH = 1.6  # how far up a "more than" amount's arrow reaches, as a factor of the amount (log axis)


def _aid_amount_panel(ax, flows, constant_dollars=None, phone=False):
    """Stated amounts: a mark at its year, a bar over a multi-year span, an arrow for 'more than'."""
    lo, hi = _years(flows)
    for row, a, b in zip(flows.itertuples(), lo, hi, strict=True):
        colour = style.AID_KIND_COLOURS[row.kind]
        amount = row.amount_best / 1e6
        if constant_dollars is not None:
            low_c, high_c = constant_dollars[row.flow_id]
            ax.plot(
                [a if np.isnan(b) else (a + b) / 2] * 2,
                [low_c / 1e6, high_c / 1e6],
                color=colour,
                lw=6,
                alpha=0.35,
                solid_capstyle="butt",
            )
        open_right = row.period.endswith("/..")
        span = not _is_point(a, b)
        if span:
            ax.plot([a, b], [amount, amount], color=colour, lw=3, solid_capstyle="butt")
        else:
            _spans_and_points(
                ax, a, b, amount, colour, marker=TRANSACTION_MARKERS[row.transaction], size=40, open_right=open_right
            )
        # "more than": an arrow up from the amount; over a bar, the label sits above its tip, not across it
        top = amount * AT_LEAST_REACH if row.amount_qualifier == "at_least" else amount
        if top != amount:
            x = (a + b) / 2 if not np.isnan(b) else a
            _arrows(ax, x, amount, x, top, colour, lw=1.2)
        when = dates.for_readers(row.period)
        if phone:  # the years are on the axis below; the amount alone keeps the labels apart
            when = ""
        ax.annotate(
            literal(f"{analysis.money_text(row.amount_best, row.amount_qualifier)}" + (f", {when}" if when else "")),
            ((a + b) / 2, top) if span else (a, amount),
            xytext=(0, 7) if span else (7, -3),
            textcoords="offset points",
            fontsize=7,
            color="#222222",
            ha="center" if span else "left",
            va="bottom" if span else "top",
        )
    ax.set_yscale("log")
    # 10, 100, 1000 rather than 10², whose superscripts would be the smallest type in the figure
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_ylabel("US$ millions (log scale)")


PRINT_LABEL_CHARS = 56  # a description's line in print (longer ones wrap rather than widen the figure)


def _unquantified_label(row):
    return (
        row.description
        + (" (alleged)" if row.certainty == "alleged" else "")
        + (" (planned)" if row.certainty == "planned" else "")
    )


def _unquantified_rows(flows, phone=False):
    """Each flow's row: (height, centre) in rows, the first on top. In print a description wrapped
    to more lines gets a taller row, so that two such neighbours do not run into each other; on a
    phone each description has its own lines above its mark."""
    heights = [
        1.0 if phone else 1 + 0.6 * textwrap.fill(_unquantified_label(row), PRINT_LABEL_CHARS).count("\n")
        for row in flows.itertuples()
    ]
    tops = np.cumsum([0.0, *heights[:-1]])
    return [(h, sum(heights) - top - h / 2) for h, top in zip(heights, tops, strict=True)]


def _aid_unquantified_panel(ax, flows, xlim, phone=False):
    """Flows the sources state without an amount, one line each (on a phone, the text wrapped above its mark)."""
    lo, hi = _years(flows)
    rows = _unquantified_rows(flows, phone)
    for (row, a, b), (_, y) in zip(zip(flows.itertuples(), lo, hi, strict=True), rows, strict=True):
        colour = style.AID_KIND_COLOURS[row.kind]
        open_right, open_left = row.period.endswith("/.."), row.period.startswith("../")
        _spans_and_points(
            ax,
            a,
            b,
            y,
            colour,
            marker=TRANSACTION_MARKERS[row.transaction],
            size=18,
            open_right=open_right,
            open_left=open_left,
        )
        left_side = np.nanmax([a, b]) > sum(xlim) / 2  # the text runs towards the wider side, inside the axes
        # the text starts beyond the arrow when the dot's open end points its way
        arrow = OPEN_END_YEARS * bool(_is_point(a, b) and (open_left if left_side else open_right))
        x_text = (np.nanmin([a, b]) - 1.2 - arrow) if left_side else (np.nanmax([a, b]) + 1.2 + arrow)
        label = _unquantified_label(row)
        if phone:
            ax.text(
                0.0,
                y + 0.22,
                literal(textwrap.fill(label, 42)),
                transform=ax.get_yaxis_transform(),
                fontsize=PHONE_MIN_PT,
                va="bottom",
                ha="left",
                color="#222222",
                linespacing=1.1,
            )
            continue
        # A long description wraps rather than run past the axes (which would widen the figure
        # and shrink all its type on the page).
        ax.text(
            x_text,
            y,
            literal(textwrap.fill(label, PRINT_LABEL_CHARS)),
            fontsize=6.2,
            va="center",
            color="#222222",
            ha="right" if left_side else "left",
            linespacing=1.0,
        )
    centres = [y for _, y in rows] or [0.0]
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    if phone:  # room above the first row for its description
        ax.set_ylim(min(centres) - 0.5, max(centres) + 1.1)
        ax.set_title("No amount stated", loc="left", fontsize=9)
        return
    ax.set_ylim(min(centres) - 0.8, max(centres) + 0.8)
    # a heading, not a label beside the panel, where the descriptions that run left would cover it
    ax.set_title("No amount stated", loc="left", fontsize=9)


def plot_aid_flows(flows, xlim, title=None, constant_dollars=None, phone=False):
    """Aid, arms, trade and project flows: stated amounts above, flows without an amount below."""
    with_amount = flows[flows["amount_best"].notna()]
    without = dates.in_date_order(flows[flows["amount_best"].isna()])
    lines = 0.75 if phone else 0.25  # a phone's wrapped descriptions take about three times the height
    rows = sum(height for height, _ in _unquantified_rows(without, phone))
    fig, (top, bottom) = _new_figure(
        (4.6 + 0.55 * rows) if phone else (2.4 + 0.2 * rows),
        nrows=2,
        height_ratios=[4.4 if phone else 2.2, lines * rows + 0.4],
        phone=phone,
    )
    _aid_amount_panel(top, with_amount, constant_dollars, phone=phone)
    top.set_ylim(10, 5000)
    _aid_unquantified_panel(bottom, without, xlim, phone=phone)
    bottom.set_xlim(*xlim)
    if phone:
        bottom.xaxis.set_major_locator(plt.MaxNLocator(5, integer=True))
        bottom.set_xlabel("Year (bars: the period a total covers;\narrows: an end the source leaves open)")
    else:
        bottom.set_xlabel("Year (bars span the period a total covers; arrows mark an end the source leaves open)")
    kinds = [k for k in style.AID_KIND_COLOURS if k in set(flows["kind"])]
    handles = [Patch(color=style.AID_KIND_COLOURS[k], label=literal(k.replace("_", "-"))) for k in kinds]
    handles += [
        Line2D([], [], marker=TRANSACTION_MARKERS[t], color="#444444", ls="", label=literal(t.replace("_", " ")))
        for t in TRANSACTION_MARKERS
        if t in set(flows["transaction"]) and t != "unspecified"
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if phone else 5, fontsize=7)
    if title:
        top.set_title(title)
    return _legible(fig, phone)


def plot_treaty_counts(treaties, periods, phone=False):
    """Two panels: treaties per period by subject; cumulative treaties by counterpart.

    On a phone the panels are one above the other."""
    by_period = analysis.treaty_counts_by_period(treaties, periods)
    cumulative = analysis.cumulative_treaties(treaties, periods)
    style.use_book_style()
    if phone:
        fig, (left, right) = plt.subplots(
            2, 1, figsize=(PHONE_WIDTH_IN, 9.0), layout="constrained", gridspec_kw={"height_ratios": [1.6, 1]}
        )
    else:
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(style.WIDTH_IN, 3.9), layout="constrained", gridspec_kw={"width_ratios": [1, 1.25]}
        )
    labels = [literal(label) for label in periods.set_index("period").loc[by_period.index, "label"]]
    left_edge = np.zeros(len(by_period))
    for subject in by_period.columns:
        values = by_period[subject].to_numpy()
        if values.sum() == 0:
            continue
        left.barh(
            labels,
            values,
            left=left_edge,
            color=style.TREATY_SUBJECT_COLOURS[subject],
            label=literal(subject.replace("_", " ")),
            edgecolor="white",
            lw=0.5,
            height=0.5 if phone else 0.8,
        )
        left_edge += values
    left.invert_yaxis()
    left.set_xlabel("Instruments signed or agreed")
    left.set_title("(a) By period and subject")
    if phone:  # under the bars, which take the panel's width
        left.legend(loc="upper left", bbox_to_anchor=(0, -0.2), ncols=1, fontsize=PHONE_MIN_PT)
    else:  # under both panels: inside panel (a) it would cover bars
        fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=PRINT_MIN_PT)
    if phone:  # period names above their bars, so the bars take the width
        left.set_yticks([])
        left.set_ylim(len(labels) - 0.5, -0.9)
        for i, label in enumerate(labels):
            left.text(
                0,
                i - 0.3,
                label,
                transform=left.get_yaxis_transform(),
                va="bottom",
                ha="left",
                fontsize=PHONE_MIN_PT,
                color="#222222",
            )
    for name in analysis.COUNTERPARTS:
        rows = cumulative[cumulative["counterpart"] == name]
        xs = [1830] + list(rows["year"]) + [2026.1]
        ys = [0] + list(rows["cumulative"]) + [rows["cumulative"].max() if len(rows) else 0]
        right.step(xs, ys, where="post", color=style.COUNTERPART_COLOURS[name], lw=1.8, label=f"{name} ({len(rows)})")
    right.set_xlim(1830, 2030)
    right.set_ylabel("Cumulative count")
    right.set_xlabel("Year")
    right.set_title("(b) Cumulative, by counterpart")
    right.legend(loc="upper left", fontsize=6.5)
    right.yaxis.get_major_locator().set_params(integer=True)
    if phone:
        right.xaxis.set_major_locator(plt.MultipleLocator(50))
    return _legible(fig, phone)


RECOGNITION_STATES = ["RUS", "KAZ", "KGZ", "CHN", "PAK", "ARE", "TJK", "USA", "ORG-UN"]


def _act_legend(ax, acts, phone=False):
    handles = [
        Line2D(
            [],
            [],
            marker=style.ACT_STYLES[a][0],
            color=style.ACT_STYLES[a][1],
            ls="",
            markersize=7,
            label=literal(a.replace("_", " ")),
        )
        for a in style.ACT_STYLES
        if a in acts
    ]
    if phone:  # below the figure, two columns, clear of the axis labels whatever the figure's height
        ax.figure.legend(handles=handles, loc="outside lower left", ncols=2, fontsize=PHONE_MIN_PT)
        return
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3, fontsize=7)


# The ladder's marks (scatter size, points squared; edge width, points). A step on the axis's first
# day (the Taliban's return) is drawn on its left edge, half of it outside: the states' names keep
# clear of it, half a mark and its edge away plus a gap (they touched at the default 3.5 pt).
LADDER_MARK_SIZE, LADDER_MARK_EDGE = 70, 1.4
LADDER_LABEL_PAD = LADDER_MARK_SIZE**0.5 / 2 + LADDER_MARK_EDGE + 2


def plot_recognition_ladder(
    steps, actors, states=RECOGNITION_STATES, until=None, annotate=False, title=None, phone=False
):
    """One row per state, one mark per step since the Taliban's return; bars mark steps dated only to a span.

    The axis ends on the last day of the steps (or `until`): marks there are drawn
    past the axis's edge rather than clipped. Annotated, each step is labelled with its
    date and act; on a phone, where those labels would run into each other, the marks are
    numbered and the labels listed below in that order.
    """
    names = actors.set_index("actor_id")["name"]
    shown = analysis.since_taliban_return(steps)
    shown = dates.in_date_order(shown[shown["actor"].isin(states)])
    last_day = pd.Timestamp(until) if until else analysis.last_possible_day(steps)
    xlim = analysis.decimal_year([analysis.TALIBAN_RETURN, last_day + pd.Timedelta(days=1)]).tolist()
    if phone:
        keyed = annotate and len(shown) > 0
        height = 1.9 + 0.5 * len(states) + (0.2 * len(shown) + 0.3 if keyed else 0)
        fig, ax = _new_figure(height, phone=True)
        annotate = False
    else:
        keyed = False
        fig, ax = _new_figure(1.3 + 0.42 * len(states) + (2.0 if annotate else 0))
    key = []
    rows = {s: len(states) - 1 - i for i, s in enumerate(states)}
    lo, hi = _years(shown)
    placed = {}
    for k, (row, a, b) in enumerate(zip(shown.itertuples(), lo, hi, strict=True)):
        marker, colour = style.ACT_STYLES[row.act]
        y = rows[row.actor]
        if not np.isnan(b) and b - a > 0.1:  # known only to lie in a span
            ax.plot([max(a, xlim[0]), b], [y, y], color=colour, lw=5, alpha=0.25, solid_capstyle="butt")
            x, face = (max(a, xlim[0]) + b) / 2, "white"
        else:
            x, face = (a + b) / 2 if not np.isnan(b) else a, colour
        same_day = placed.get(y, [])
        while any(abs(x - p) < 0.04 for p in same_day):  # side by side, not on top of each other
            x += 0.07
        placed.setdefault(y, []).append(x)
        ax.scatter(
            [x],
            [y],
            marker=marker,
            s=LADDER_MARK_SIZE,
            facecolors=face,
            edgecolors=colour,
            linewidths=LADDER_MARK_EDGE,
            zorder=3,
            clip_on=False,
        )
        if not pd.isna(row.order_rank):
            ranged = face == "white"  # a span's label goes left, clear of dated marks on its right
            ax.annotate(
                {1: "1st", 2: "2nd", 3: "3rd"}.get(int(row.order_rank), f"{int(row.order_rank)}th"),
                (x, y),
                xytext=(-7, 7) if ranged else (0, 7),
                textcoords="offset points",
                ha="right" if ranged else "center",
                fontsize=7,
                fontweight="bold",
                color=readable(colour),
            )
        if keyed:
            key.append(literal(f"{len(key) + 1}  {dates.for_readers(row.date)}: {row.act.replace('_', ' ')}"))
            dy = (-12, 12, -23, 23)[(len(key) - 1) % 4]  # neighbours' numbers at two depths, below and above
            ax.annotate(
                str(len(key)),
                (x, y),
                xytext=(0, dy),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=PHONE_MIN_PT,
                color="#222222",
            )
        if annotate:  # labels alternate below and above the row, at three depths, in date order
            level = k % 6
            dy = (-14 - 12 * (level // 2)) if level % 2 == 0 else (14 + 12 * (level // 2))
            ax.annotate(
                literal(f"{dates.for_readers(row.date)}: {row.act.replace('_', ' ')}"),
                (x, y),
                xytext=(0, dy),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=PRINT_MIN_PT,
                color="#222222",
                arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5},
            )
    # on a phone a long state name takes two lines rather than width from the marks
    ax.set_yticks(list(rows.values()), [literal(textwrap.fill(names[s], 12) if phone else names[s]) for s in rows])
    ax.set_ylim(-0.7 - (0.6 if annotate or keyed else 0), len(states) - 0.3 + (0.6 if annotate or keyed else 0))
    ax.set_xlim(*xlim)
    ax.tick_params(axis="y", length=0, pad=LADDER_LABEL_PAD)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(plt.MultipleLocator(1))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{int(v)}"))
    _act_legend(ax, set(shown["act"]), phone=phone)
    if key:  # the numbered marks' dates and acts, in date order
        ax.set_xlabel(
            "\n".join(textwrap.fill(line, 46, subsequent_indent="    ") for line in key),
            x=0,
            ha="left",
            fontsize=PHONE_MIN_PT,
            linespacing=1.4,
            labelpad=10,
        )
    if title:
        ax.set_title(title)
    return _legible(fig, phone)


HISTORY_ACTS = [
    "relations_established",
    "border_recognition",
    "envoy_accepted",
    "terrorist_listing",
    "terrorist_delisting",
    "formal_recognition",
    "credentials_accepted",
]


def plot_recognition_history(steps, actors, phone=False):
    """Russia and Afghanistan recognizing each other, 1837–2026: the 'first' of 1919 and of 2025.

    On a phone the two rows are named above them, not beside them.
    """
    steps = steps[steps["act"].isin(HISTORY_ACTS)]
    russian = steps["actor"].isin(analysis.RUSSIAN_STATES) & steps["target"].map(
        lambda t: analysis.is_afghan(t) or t == "ORG-TALIBAN"
    )
    afghan = steps["actor"].map(analysis.is_afghan) & steps["target"].isin(analysis.RUSSIAN_STATES)
    fig, ax = _new_figure(4.2 if phone else 3.2, phone=phone)
    for y, mask in ((1, russian), (0, afghan)):
        part = dates.in_date_order(steps[mask])
        lo, hi = _years(part)
        last_x, stacked = -np.inf, 0
        for row, a, b in zip(part.itertuples(), lo, hi, strict=True):
            marker, colour = style.ACT_STYLES[row.act]
            x = a if np.isnan(b) else b if np.isnan(a) else (a + b) / 2
            stacked = stacked + 1 if x - last_x < 4 else 0  # steps within a few years stack downwards
            last_x = x
            y_mark = y - 0.17 * stacked
            ax.scatter(
                [x],
                [y_mark],
                marker=marker,
                s=130 if marker == "*" else 70,
                color=colour,
                edgecolors="white",
                linewidths=0.5,
                zorder=3,
            )
            if not pd.isna(row.order_rank):
                year = (row.date_min if not pd.isna(row.date_min) else row.date_max).year
                right = phone and x < 1930  # on a narrow phone figure a label left of an early mark runs off it
                ax.annotate(
                    literal(f"{row.order_claim} ({year})"),
                    (x, y_mark),
                    xytext=(0, 8) if right else (-8, 0),
                    textcoords="offset points",
                    ha="left" if right else "right",
                    va="bottom" if right else "center",
                    fontsize=7,
                    fontweight="bold",
                    color=readable(colour),
                )
    rows = ["Russian state → Afghanistan", "Afghanistan → Russia"]
    if phone:
        ax.set_yticks([])
        for y, label in zip((1, 0), rows, strict=True):
            ax.text(
                0.01,
                y + 0.16,
                label,
                transform=ax.get_yaxis_transform(),
                fontsize=9,
                va="bottom",
                ha="left",
                color="#222222",
            )
        ax.xaxis.set_major_locator(plt.MultipleLocator(50))
    else:
        ax.set_yticks([1, 0], rows)
    ax.set_ylim(-0.5, 1.45 if phone else 1.3)
    ax.set_xlim(*X_RANGE)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    _act_legend(ax, set(steps.loc[russian | afghan, "act"]), phone=phone)
    return _legible(fig, phone)
