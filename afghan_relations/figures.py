"""One function per figure in the book; each returns a matplotlib Figure.

The functions only draw: what to count or sum is decided in `analysis`.
Every label that comes from the data goes through `literal`, and every date
through `dates.for_readers`.
"""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import analysis, dates, style

X_RANGE = (1830, 2030)


def literal(text):
    """Data as matplotlib text shown as written: mathtext reads text between two '$' as math,
    and '\\$' is matplotlib's escape for a dollar sign (text.usetex stays off in the book's style)."""
    return str(text).replace("$", r"\$")


def _luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable(hex_colour, on_white=4.5):
    """The colour darkened just enough for text to reach WCAG contrast on white (markers keep the original)."""
    colour = hex_colour
    factor = 1.0
    while (1.05 / (_luminance(colour) + 0.05)) < on_white:
        factor *= 0.92
        colour = "#" + "".join(f"{int(int(hex_colour[i:i + 2], 16) * factor):02X}" for i in (1, 3, 5))
    return colour


def _new_figure(height, nrows=1, height_ratios=None, sharex=True):
    style.use_book_style()
    fig, axes = plt.subplots(nrows, 1, figsize=(style.WIDTH_IN, height), sharex=sharex,
                             gridspec_kw={"height_ratios": height_ratios} if height_ratios else None,
                             layout="constrained")
    return fig, axes


def _shade_periods(ax, periods, label=True, xlim=None):
    """Grey bands for the book's periods, labelled along the top."""
    for i, row in enumerate(periods.itertuples()):
        start, end = analysis.decimal_year([row.start, row.end])
        if xlim and (end < xlim[0] or start > xlim[1]):
            continue
        ax.axvspan(start, end, color=style.PERIOD_SHADES[i % 2], zorder=0, lw=0)
        visible = (min(end, xlim[1]) - max(start, xlim[0])) / (xlim[1] - xlim[0]) if xlim else 1
        if label and visible > 0.16:  # a narrow band's label would run into the next one
            x = max(start, xlim[0]) if xlim else start
            ax.text(x + 0.5, 1.0, literal(row.label), transform=ax.get_xaxis_transform(), va="bottom",
                    ha="left", fontsize=7, color="#444444")


def _span_or_point(ax, lo, hi, y, colour, marker="o", size=22, lw=3, open_right=False, open_left=False):
    """A dot for a point in time, a bar for a span; open ends get an arrow of two years."""
    if np.isnan(lo) and np.isnan(hi):
        return
    if np.isnan(lo) or np.isnan(hi) or hi - lo < 1.05:
        x = hi if np.isnan(lo) else lo if np.isnan(hi) else (lo + hi) / 2
        ax.scatter([x], [y], s=size, color=colour, marker=marker, zorder=3, linewidths=0.6,
                   edgecolors="white")
        if open_right or open_left:
            dx = 3 if open_right else -3
            ax.annotate("", xy=(x + dx, y), xytext=(x, y),
                        arrowprops={"arrowstyle": "->", "color": colour, "lw": 1}, zorder=3)
        return
    ax.plot([lo, hi], [y, y], color=colour, lw=lw, solid_capstyle="butt", zorder=2, alpha=0.85)


def _years(frame):
    return analysis.decimal_year(frame["date_min"]).to_numpy(), \
        (analysis.decimal_year(frame["date_max"]) + 1 / 366).to_numpy()


def plot_chronology(events, periods, relationships=None, xlim=X_RANGE, title=None):
    """Events as dots (dated) or bars (spans) in one lane per relationship, periods shaded."""
    relationships = relationships or list(style.RELATIONSHIP_LABELS)
    shown = events[events["relationship"].isin(relationships)]
    fig, ax = _new_figure(0.9 + 0.55 * len(relationships))
    _shade_periods(ax, periods, xlim=xlim)
    lo, hi = _years(shown)
    lanes = {r: len(relationships) - 1 - i for i, r in enumerate(relationships)}
    for k, (row, a, b) in enumerate(zip(shown.itertuples(), lo, hi, strict=True)):
        jitter = ((k % 5) - 2) * 0.09
        _span_or_point(ax, a, b, lanes[row.relationship] + jitter,
                       style.RELATIONSHIP_COLOURS[row.relationship],
                       open_right=row.date.endswith("/.."), open_left=row.date.startswith("../"))
    ax.set_yticks(list(lanes.values()), [style.RELATIONSHIP_LABELS[r] for r in lanes])
    ax.set_ylim(-0.6, len(relationships) - 0.4)
    ax.set_xlim(*xlim)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("Year")
    if title:
        ax.set_title(title, pad=14)
    return fig


def plot_events_per_decade(events):
    """Stacked bars: how many dated developments the sources record per decade, by relationship."""
    fig, ax = _new_figure(3.0)
    first_day = events["date_min"].fillna(events["date_max"])
    decade = (first_day.dt.year // 10 * 10).astype(int)
    counts = pd.crosstab(decade, events["relationship"]).reindex(
        range(1830, 2030, 10), fill_value=0)
    bottom = np.zeros(len(counts))
    for rel in style.RELATIONSHIP_LABELS:
        values = counts[rel].to_numpy() if rel in counts else np.zeros(len(counts))
        ax.bar(counts.index + 5, values, width=8.5, bottom=bottom, color=style.RELATIONSHIP_COLOURS[rel],
               label=style.RELATIONSHIP_LABELS[rel])
        bottom += values
    ax.set_xlim(*X_RANGE)
    ax.set_ylabel("Events recorded")
    ax.set_xlabel("Decade")
    ax.legend(loc="upper left", ncols=2)
    return fig


TRANSACTION_MARKERS = {"disbursement": "o", "commitment": "s", "pledge": "D", "trade": "^",
                       "project_cost": "P", "unspecified": "o"}


def _aid_amount_panel(ax, flows, constant_dollars=None):
    """Stated amounts: a mark at its year, a bar over a multi-year span, an arrow for 'more than'."""
    lo, hi = _years(flows)
    for row, a, b in zip(flows.itertuples(), lo, hi, strict=True):
        colour = style.AID_KIND_COLOURS[row.kind]
        amount = row.amount_best / 1e6
        if constant_dollars is not None:
            low_c, high_c = constant_dollars[row.flow_id]
            ax.plot([a if np.isnan(b) else (a + b) / 2] * 2, [low_c / 1e6, high_c / 1e6], color=colour, lw=6,
                    alpha=0.35, solid_capstyle="butt")
        open_right = row.period.endswith("/..")
        if not np.isnan(b) and b - a >= 1.05:
            ax.plot([a, b], [amount, amount], color=colour, lw=3, solid_capstyle="butt")
        else:
            _span_or_point(ax, a, b, amount, colour, marker=TRANSACTION_MARKERS[row.transaction], size=40,
                           open_right=open_right)
        if row.amount_qualifier == "at_least":
            x = (a + b) / 2 if not np.isnan(b) else a
            ax.annotate("", xy=(x, amount * 1.6), xytext=(x, amount),
                        arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.2})
        span = not np.isnan(b) and b - a >= 1.05
        when = dates.for_readers(row.period)
        ax.annotate(literal(f"{analysis.money_text(row.amount_best, row.amount_qualifier)}, {when}"),
                    ((a + b) / 2 if span else a, amount), xytext=(0, 7) if span else (7, -3),
                    textcoords="offset points", fontsize=7, color="#222222",
                    ha="center" if span else "left", va="bottom" if span else "top")
    ax.set_yscale("log")
    ax.set_ylabel("US$ millions (log scale)")


def _aid_unquantified_panel(ax, flows):
    """Flows the sources state without an amount, one line each."""
    lo, hi = _years(flows)
    for i, (row, a, b) in enumerate(zip(flows.itertuples(), lo, hi, strict=True)):
        y = len(flows) - 1 - i
        colour = style.AID_KIND_COLOURS[row.kind]
        _span_or_point(ax, a, b, y, colour, marker=TRANSACTION_MARKERS[row.transaction], size=18,
                       open_right=row.period.endswith("/.."), open_left=row.period.startswith("../"))
        left_side = np.nanmax([a, b]) > 1990
        x_text = (np.nanmin([a, b]) - 1.2) if left_side else (np.nanmax([a, b]) + 1.2)
        label = row.description + (" (alleged)" if row.certainty == "alleged" else "") + \
            (" (planned)" if row.certainty == "planned" else "")
        ax.text(x_text, y, literal(label), fontsize=6.2, va="center", color="#222222",
                ha="right" if left_side else "left")
    ax.set_yticks([])
    ax.set_ylim(-0.8, len(flows) - 0.2)
    ax.spines["left"].set_visible(False)
    ax.set_ylabel("No amount\nstated", rotation=0, ha="right", va="center")


def plot_aid_flows(flows, xlim, title=None, constant_dollars=None):
    """Aid, arms, trade and project flows: stated amounts above, flows without an amount below."""
    with_amount = flows[flows["amount_best"].notna()]
    without = dates.in_date_order(flows[flows["amount_best"].isna()])
    fig, (top, bottom) = _new_figure(2.4 + 0.2 * len(without), nrows=2,
                                     height_ratios=[2.2, 0.25 * len(without) + 0.4])
    _aid_amount_panel(top, with_amount, constant_dollars)
    top.set_ylim(10, 5000)
    _aid_unquantified_panel(bottom, without)
    bottom.set_xlim(*xlim)
    bottom.set_xlabel("Year (bars span the period a total covers; arrows mark an end the source leaves open)")
    kinds = [k for k in style.AID_KIND_COLOURS if k in set(flows["kind"])]
    handles = [Patch(color=style.AID_KIND_COLOURS[k], label=literal(k.replace("_", "-"))) for k in kinds]
    handles += [Line2D([], [], marker=TRANSACTION_MARKERS[t], color="#444444", ls="",
                       label=literal(t.replace("_", " ")))
                for t in TRANSACTION_MARKERS if t in set(flows["transaction"]) and t != "unspecified"]
    fig.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=7)
    if title:
        top.set_title(title)
    return fig


def plot_treaty_counts(treaties, periods):
    """Two panels: treaties per period by subject; cumulative treaties by counterpart."""
    by_period = analysis.treaty_counts_by_period(treaties, periods)
    cumulative = analysis.cumulative_treaties(treaties, periods)
    fig, (left, right) = plt.subplots(1, 2, figsize=(style.WIDTH_IN, 3.4), layout="constrained",
                                      gridspec_kw={"width_ratios": [1, 1.25]})
    labels = [literal(label) for label in periods.set_index("period").loc[by_period.index, "label"]]
    left_edge = np.zeros(len(by_period))
    for subject in by_period.columns:
        values = by_period[subject].to_numpy()
        if values.sum() == 0:
            continue
        left.barh(labels, values, left=left_edge, color=style.TREATY_SUBJECT_COLOURS[subject],
                  label=literal(subject.replace("_", " ")), edgecolor="white", lw=0.5)
        left_edge += values
    left.invert_yaxis()
    left.set_xlabel("Instruments signed or agreed")
    left.set_title("(a) By period and subject")
    left.legend(loc="lower right", fontsize=6.5)
    for name in analysis.COUNTERPARTS:
        rows = cumulative[cumulative["counterpart"] == name]
        xs = [1830] + list(rows["year"]) + [2026.1]
        ys = [0] + list(rows["cumulative"]) + [rows["cumulative"].max() if len(rows) else 0]
        right.step(xs, ys, where="post", color=style.COUNTERPART_COLOURS[name], lw=1.8,
                   label=f"{name} ({len(rows)})")
    right.set_xlim(1830, 2030)
    right.set_ylabel("Cumulative count")
    right.set_xlabel("Year")
    right.set_title("(b) Cumulative, by counterpart")
    right.legend(loc="upper left", fontsize=6.5)
    right.yaxis.get_major_locator().set_params(integer=True)
    return fig


RECOGNITION_STATES = ["RUS", "KAZ", "KGZ", "CHN", "PAK", "ARE", "TJK", "USA", "ORG-UN"]


def _act_legend(ax, acts):
    handles = [Line2D([], [], marker=style.ACT_STYLES[a][0], color=style.ACT_STYLES[a][1], ls="",
                      markersize=7, label=literal(a.replace("_", " "))) for a in style.ACT_STYLES if a in acts]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3, fontsize=7)


def plot_recognition_ladder(steps, actors, states=RECOGNITION_STATES, until=None, annotate=False, title=None):
    """One row per state, one mark per step since the Taliban's return; bars mark steps dated only to a span.

    The axis ends on the last day of the steps (or `until`): marks there are drawn
    past the axis's edge rather than clipped.
    """
    names = actors.set_index("actor_id")["name"]
    shown = analysis.since_taliban_return(steps)
    shown = dates.in_date_order(shown[shown["actor"].isin(states)])
    last_day = pd.Timestamp(until) if until else steps["date_max"].fillna(steps["date_min"]).max()
    xlim = analysis.decimal_year([analysis.TALIBAN_RETURN, last_day + pd.Timedelta(days=1)]).tolist()
    fig, ax = _new_figure(1.3 + 0.42 * len(states) + (1.6 if annotate else 0))
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
        ax.scatter([x], [y], marker=marker, s=70, facecolors=face, edgecolors=colour, linewidths=1.4, zorder=3,
                   clip_on=False)
        if not pd.isna(row.order_rank):
            ranged = face == "white"  # a span's label goes left, clear of dated marks on its right
            ax.annotate({1: "1st", 2: "2nd", 3: "3rd"}.get(int(row.order_rank), f"{int(row.order_rank)}th"),
                        (x, y), xytext=(-7, 7) if ranged else (0, 7), textcoords="offset points",
                        ha="right" if ranged else "center", fontsize=7, fontweight="bold", color=readable(colour))
        if annotate:  # labels alternate below and above the row, at three depths, in date order
            level = k % 6
            dy = (-13 - 10 * (level // 2)) if level % 2 == 0 else (13 + 10 * (level // 2))
            ax.annotate(literal(f"{dates.for_readers(row.date)}: {row.act.replace('_', ' ')}"), (x, y), xytext=(0, dy),
                        textcoords="offset points", ha="center", va="center", fontsize=6.2, color="#222222",
                        arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5})
    ax.set_yticks(list(rows.values()), [literal(names[s]) for s in rows])
    ax.set_ylim(-0.7 - (0.6 if annotate else 0), len(states) - 0.3 + (0.6 if annotate else 0))
    ax.set_xlim(*xlim)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(plt.MultipleLocator(1))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{int(v)}"))
    _act_legend(ax, set(shown["act"]))
    if title:
        ax.set_title(title)
    return fig


HISTORY_ACTS = ["relations_established", "border_recognition", "envoy_accepted", "terrorist_listing",
                "terrorist_delisting", "formal_recognition", "credentials_accepted"]


def plot_recognition_history(steps, actors):
    """Russia and Afghanistan recognizing each other, 1837–2026: the 'first' of 1919 and of 2025."""
    steps = steps[steps["act"].isin(HISTORY_ACTS)]
    russian = steps["actor"].isin(analysis.RUSSIAN_STATES) & steps["target"].map(
        lambda t: analysis.is_afghan(t) or t == "ORG-TALIBAN")
    afghan = steps["actor"].map(analysis.is_afghan) & steps["target"].isin(analysis.RUSSIAN_STATES)
    fig, ax = _new_figure(3.2)
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
            ax.scatter([x], [y_mark], marker=marker, s=130 if marker == "*" else 70, color=colour,
                       edgecolors="white", linewidths=0.5, zorder=3)
            if not pd.isna(row.order_rank):
                year = (row.date_min if not pd.isna(row.date_min) else row.date_max).year
                ax.annotate(literal(f"{row.order_claim} ({year})"), (x, y_mark), xytext=(-8, 0),
                            textcoords="offset points", ha="right", va="center",
                            fontsize=7, fontweight="bold", color=readable(colour))
    ax.set_yticks([1, 0], ["Russian state → Afghanistan", "Afghanistan → Russia"])
    ax.set_ylim(-0.5, 1.3)
    ax.set_xlim(*X_RANGE)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    _act_legend(ax, set(steps.loc[russian | afghan, "act"]))
    return fig
