"""The book's maps: one function per map, each returning a matplotlib Figure.

Plain matplotlib on longitude and latitude, in a cosine-scaled equirectangular view
(a degree of longitude drawn cos(latitude) as wide as a degree of latitude, at the
map's middle latitude): over a few hundred kilometres that is as faithful as a
conic projection, and it needs no projection library. Boundaries are today's,
from Natural Earth (`geography`); each map says so. Every place a map draws must
lie inside its region, or the map stops the build (`geography.require_inside`).
"""

import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Polygon, Rectangle
from matplotlib.transforms import Bbox

from . import analysis, dates, figures, geography, style

LAND = "#EDEDED"
AFGHANISTAN = "#F7E9CF"
WATER = "#DCEBF5"
BOUNDARY = "#9A9A9A"
RIVER = style.OKABE_ITO["blue"]
TEXT = "#222222"
LABEL_SIZE = 8.5
NOTE_SIZE = 7.5
# How each kind of place is drawn: marker, filled, and what the legend calls it.
KIND_MARKERS = {
    "city": ("o", True, "city or town"),
    "region": ("s", False, "province or region (at its capital)"),
    "island": ("^", True, "island"),
    "site": ("D", True, "site"),
    "river": ("o", False, "river (label at a town on its bank)"),
}
EVENT_COLOURS = {
    "armed_conflict": style.OKABE_ITO["vermillion"],
    "mission": style.OKABE_ITO["blue"],
    "diplomatic_relations": style.OKABE_ITO["sky"],
    "agreement": style.OKABE_ITO["purple"],
    "trade_investment": style.OKABE_ITO["green"],
    "visit_meeting": style.OKABE_ITO["orange"],
}
EVENT_LABELS = {
    "armed_conflict": "conquest, war or attack",
    "mission": "mission: embassy, consulate, envoys",
    "diplomatic_relations": "diplomatic relations",
    "agreement": "agreement",
    "trade_investment": "trade: border market",
    "visit_meeting": "visit or meeting",
}
BOUNDARY_NOTE = "Boundaries of today (Natural Earth 1:50m), not those of the time."


def _region_height(region, width):
    return width * (region.north - region.south) * region.aspect / (region.east - region.west)


def _map_axes(fig, rect, region):
    ax = fig.add_axes(rect)
    ax.set_xlim(region.west, region.east)
    ax.set_ylim(region.south, region.north)
    ax.set_aspect(region.aspect, adjustable="box")
    ax.set_facecolor(WATER)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#666666")
        spine.set_linewidth(0.6)
    return ax


def _in_view(ring, region, margin=2.0):
    lon, lat = ring[:, 0], ring[:, 1]
    return not (
        lon.max() < region.west - margin
        or lon.min() > region.east + margin
        or lat.max() < region.south - margin
        or lat.min() > region.north + margin
    )


def _draw_countries(ax, world, region, highlight="AFG"):
    """Countries in the view as grey land, Afghanistan tinted; boundaries as thin grey lines.

    The polygons are added with `add_artist`, not `add_patch`: the map's limits are the region's
    (`_map_axes`), and add_patch would walk every polygon's outline to widen the data limits,
    which cost more than half of drawing a map (0.3 s of the overview's 0.57 s). The SVG is the same.
    """
    tinted = geography.ISO_NUMERIC[highlight]
    for code, country in world.items():
        if code == "_arcs":
            continue
        for ring in country.rings:
            if _in_view(ring, region):
                ax.add_artist(
                    Polygon(
                        ring,
                        closed=True,
                        facecolor=AFGHANISTAN if code == tinted else LAND,
                        edgecolor=BOUNDARY,
                        linewidth=0.5,
                        zorder=1,
                    )
                )


def _country_label_point(country, region):
    """A point inside the country's part of the view, near that part's middle (None if none is in view)."""
    from matplotlib.path import Path as MplPath

    lon = np.linspace(region.west, region.east, 60)
    lat = np.linspace(region.south, region.north, 40)
    grid = np.array([(x, y) for y in lat for x in lon])
    inside = np.zeros(len(grid), dtype=bool)
    for ring in country.rings:
        if _in_view(ring, region, margin=0):
            # only the grid points in the ring's bounding box can lie in it: the test's time goes
            # with points times vertices, and most rings cover a corner of the view
            (west, south), (east, north) = ring.min(axis=0), ring.max(axis=0)
            boxed = np.flatnonzero(
                (grid[:, 0] >= west) & (grid[:, 0] <= east) & (grid[:, 1] >= south) & (grid[:, 1] <= north)
            )
            inside[boxed] |= MplPath(ring).contains_points(grid[boxed])
    if not inside.any():
        return None
    points = grid[inside]
    centre = points.mean(axis=0)
    return points[np.argmin(((points - centre) ** 2).sum(axis=1))]


def _label_countries(ax, world, region, names, size=8):
    """State names (from actors.csv) in grey capitals, where the state has room in the view."""
    for actor_id, name in names.items():
        country = world.get(geography.ISO_NUMERIC.get(actor_id, ""))
        point = country and _country_label_point(country, region)
        if point is not None:
            ax.text(
                point[0],
                point[1],
                figures.literal(name.upper()),
                ha="center",
                va="center",
                fontsize=size,
                color="#6B6B6B",
                zorder=2,
                fontstyle="italic",
                label="country",
            )


def _draw_river(ax, world, colour=RIVER, width=2.2, label=None):
    """The Amu River and its upper course, drawn along Afghanistan's river boundary with Tajikistan and Uzbekistan."""
    lines = geography.shared_boundary(world, "AFG", "TJK") + geography.shared_boundary(world, "AFG", "UZB")
    for k, line in enumerate(lines):
        ax.plot(
            line[:, 0],
            line[:, 1],
            color=colour,
            lw=width,
            zorder=3,
            solid_capstyle="round",
            label=label if k == 0 else None,
        )
    return lines


def _boxes_overlap(a, b, pad=1.0):
    return not (a.x1 + pad < b.x0 or b.x1 + pad < a.x0 or a.y1 + pad < b.y0 or b.y1 + pad < a.y0)


# Offsets (points) tried in turn for a place's label: right, left, above, below, then the diagonals,
# then the same farther out. The first that overlaps no label, no marker and stays in the map wins.
CANDIDATES = [
    (6, 0, "left", "center"),
    (-6, 0, "right", "center"),
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
    (5, 5, "left", "bottom"),
    (5, -5, "left", "top"),
    (-5, 5, "right", "bottom"),
    (-5, -5, "right", "top"),
]
CANDIDATES += [(2.2 * dx, 2.2 * dy, ha, va) for dx, dy, ha, va in CANDIDATES]


def _place_labels(ax, labels, size=LABEL_SIZE):
    """Label points without overlaps where the room allows: labels = [(lon, lat, text, fontstyle, weight)]."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    markers = []
    for lon, lat, *_ in labels:
        x, y = ax.transData.transform((lon, lat))
        r = 3.5 * fig.dpi / 72
        markers.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    # Country names already drawn are obstacles too.
    placed = [t.get_window_extent(renderer) for t in ax.texts if t.get_label() in ("country", "note")]
    for k, (lon, lat, text, fontstyle, weight) in enumerate(labels):
        best, best_cost = None, None
        for dx, dy, ha, va in CANDIDATES:
            artist = ax.annotate(
                figures.literal(text),  # data: a '$' is a dollar sign, not mathtext
                (lon, lat),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=size,
                fontstyle=fontstyle,
                fontweight=weight,
                color=TEXT,
                zorder=6,
                label="place",
            )
            box = artist.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            cost = (
                (0 if inside else 100)
                + sum(_boxes_overlap(box, other) for other in placed) * 10
                + sum(_boxes_overlap(box, m, pad=0) for j, m in enumerate(markers) if j != k)
                + 2 * _towards_neighbour(markers, k, dx, dy)
            )
            if best_cost is None or cost < best_cost:
                if best is not None:
                    best[0].remove()
                best, best_cost = (artist, box), cost
            else:
                artist.remove()
            if cost == 0:
                break
        best[0].set_path_effects(_halo())
        placed.append(best[1])


def _towards_neighbour(markers, k, dx, dy, near=24):
    """How many markers within `near` pixels lie on the side the label would go (two places a bridge apart)."""
    here = markers[k]
    x, y = (here.x0 + here.x1) / 2, (here.y0 + here.y1) / 2
    count = 0
    for j, other in enumerate(markers):
        ox, oy = (other.x0 + other.x1) / 2 - x, (other.y0 + other.y1) / 2 - y
        if j != k and 0 < ox * ox + oy * oy <= near * near and ox * dx + oy * dy > 0:
            count += 1
    return count


def place_labels(fig):
    """The texts of a map figure's place labels (what the tests compare with the data)."""
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_label() == "place"]


def _halo():
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.2, foreground="white")]


def _draw_place(ax, lon, lat, kind, colour=TEXT, size=26):
    marker, filled, _ = KIND_MARKERS[kind]
    ax.scatter(
        [lon],
        [lat],
        s=size,
        marker=marker,
        zorder=5,
        linewidths=1.1,
        facecolors=colour if filled else "white",
        edgecolors=colour,
    )


def _corner_note(ax, text):
    ax.text(
        0.01,
        0.012,
        text,
        transform=ax.transAxes,
        fontsize=NOTE_SIZE,
        color="#444444",
        ha="left",
        va="bottom",
        zorder=7,
        path_effects=_halo(),
    )


def _located(places, coordinates, place_ids, regions):
    """(place_id, name, kind, lon, lat) of the places to draw, each checked to lie inside the map.

    Regions come first, so that a city drawn at the same point (a region's capital) lies on top.
    """
    rows = []
    by_id = places.set_index("place_id")
    for place_id in place_ids:
        lat, lon = coordinates.loc[place_id, ["latitude", "longitude"]]
        name = by_id.loc[place_id, "name"]
        geography.require_inside(name, place_id, lat, lon, regions)
        rows.append((place_id, name, by_id.loc[place_id, "kind"], lon, lat))
    return sorted(rows, key=lambda row: row[2] != "region")


def _kind_legend(fig, kinds, anchor, ncols=1):
    handles = _kind_handles(kinds)
    return fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=anchor,
        ncols=ncols,
        fontsize=8,
        handletextpad=0.4,
        borderaxespad=0,
        frameon=False,
    )


def _phone_map(region, world, actors, points, handles, notes=(), river=False):
    """A map for a phone: the places numbered on it and named in a key below, all type at least
    figures.PHONE_MIN_PT, so that it reads at 390 px (issue: legible figures); the print map
    names each place beside its mark, which a 3.4-inch map has no room for.

    points: [(lon, lat, kind, colour, name)] in the key's order; handles: the legend's entries.
    """
    style.use_book_style()
    size, width = figures.PHONE_MIN_PT, figures.PHONE_WIDTH_IN
    line = size * 1.4 / 72  # inches per line of text
    chars = int(width * 72 / (size * 0.56))  # characters of DejaVu Sans per line, about
    entries = [f"{i}\u00a0{name}".replace(" ", "\u00a0") for i, (*_, name) in enumerate(points, 1)]
    key = textwrap.wrap("   ".join(entries), chars, break_on_hyphens=False)
    notes = [wrapped for note in (*notes, BOUNDARY_NOTE) for wrapped in textwrap.wrap(note, chars)]
    legend_lines = sum(str(h.get_label()).count("\n") + 1 for h in handles)
    map_h = _region_height(region, width)
    below = 0.15 + line * (len(key) + len(notes) + 0.6) + legend_lines * size * 1.6 / 72
    height = map_h + below
    fig = plt.figure(figsize=(width, height))
    ax = _map_axes(fig, [0, below / height, 1, map_h / height], region)
    _draw_countries(ax, world, region)
    _label_countries(ax, world, region, _state_names(actors), size=size)
    if river:
        _draw_river(ax, world, width=1.6)
    for lon, lat, kind, colour, _ in points:
        _draw_place(ax, lon, lat, kind, colour=colour, size=22)
    _place_labels(ax, [(lon, lat, str(i), "normal", "bold") for i, (lon, lat, *_) in enumerate(points, 1)], size=size)
    top = (below - 0.1) / height
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, top),
        ncols=1,
        fontsize=size,
        handletextpad=0.3,
        frameon=False,
        borderaxespad=0,
    )
    legend.set_zorder(8)
    fig.text(
        0,
        (below - 0.1 - legend_lines * size * 1.6 / 72 - 0.05) / height,
        figures.literal("\n".join(key + [""] + notes)),
        fontsize=size,
        color=TEXT,
        va="top",
        linespacing=1.25,
    )
    return fig


def _kind_handles(kinds):
    handles = []
    for kind in [k for k in KIND_MARKERS if k in kinds]:
        marker, filled, label = KIND_MARKERS[kind]
        handles.append(
            plt.Line2D(
                [],
                [],
                ls="",
                marker=marker,
                markersize=5.5,
                markeredgewidth=1.1,
                markerfacecolor=TEXT if filled else "white",
                markeredgecolor=TEXT,
                label=label,
            )
        )
    return handles


def _event_handles(types):
    return [
        plt.Line2D([], [], ls="", marker="o", markersize=6, color=EVENT_COLOURS[t], label=EVENT_LABELS[t])
        for t in EVENT_COLOURS
        if t in types
    ]


def _state_names(actors):
    states = actors[actors["kind"] == "state"]
    return dict(zip(states["actor_id"], states["name"], strict=True))


def plot_overview_map(places, coordinates, actors, world, phone=False):
    """Every place the data name: those in Central Asia on the main map, the others (Russia's capitals) on a locator.

    On a phone: the main map alone, its places numbered, the others named in the notes below.
    """
    style.use_book_style()
    if phone:
        regions = (geography.CENTRAL_ASIA, geography.EURASIA)
        located = _located(places, coordinates, list(places["place_id"]), regions)
        inside = [p for p in located if geography.CENTRAL_ASIA.contains(p[4], p[3])]
        outside = ", ".join(p[1] for p in located if p not in inside)
        points = [(lon, lat, kind, TEXT, name) for _, name, kind, lon, lat in inside]
        notes = [f"{len(located)} places: {len(inside)} on this map; off it, to the north: {outside}."]
        return _phone_map(
            geography.CENTRAL_ASIA, world, actors, points, _kind_handles({p[2] for p in located}), notes, river=True
        )
    width = style.WIDTH_IN
    detail_h = _region_height(geography.CENTRAL_ASIA, width)
    locator_w = 2.9
    locator_h = _region_height(geography.EURASIA, locator_w)
    height = detail_h + locator_h + 0.25
    fig = plt.figure(figsize=(width, height))
    regions = (geography.CENTRAL_ASIA, geography.EURASIA)
    # Each place goes on the detail map if it lies there, else on the locator map.
    located = _located(places, coordinates, list(places["place_id"]), regions)
    on_detail = [p for p in located if geography.CENTRAL_ASIA.contains(p[4], p[3])]
    on_locator = [p for p in located if p not in on_detail]

    locator = _map_axes(fig, [0, (detail_h + 0.25) / height, locator_w / width, locator_h / height], geography.EURASIA)
    _draw_countries(locator, world, geography.EURASIA)
    # On the small locator only the two largest states are named; the rest would be clutter.
    _label_countries(
        locator,
        world,
        geography.EURASIA,
        {k: v for k, v in _state_names(actors).items() if k in ("RUS", "KAZ")},
        size=NOTE_SIZE,
    )
    box = geography.CENTRAL_ASIA
    locator.add_patch(
        Rectangle(
            (box.west, box.south),
            box.east - box.west,
            box.north - box.south,
            fill=False,
            edgecolor=TEXT,
            lw=1.0,
            zorder=4,
        )
    )
    for _, _, kind, lon, lat in on_locator:
        _draw_place(locator, lon, lat, kind)
    _place_labels(locator, [(lon, lat, name, "normal", "normal") for _, name, _, lon, lat in on_locator])

    detail = _map_axes(fig, [0, 0, 1, detail_h / height], geography.CENTRAL_ASIA)
    _draw_countries(detail, world, geography.CENTRAL_ASIA)
    _label_countries(detail, world, geography.CENTRAL_ASIA, _state_names(actors))
    _draw_river(detail, world, width=1.6)
    for _, _, kind, lon, lat in on_detail:
        _draw_place(detail, lon, lat, kind)
    _place_labels(
        detail,
        [
            (lon, lat, name, "italic" if kind in ("region", "river") else "normal", "normal")
            for _, name, kind, lon, lat in on_detail
        ],
    )
    _corner_note(detail, BOUNDARY_NOTE)
    legend = _kind_legend(fig, {p[2] for p in located}, (locator_w / width + 0.03, 0.98))
    fig.text(
        locator_w / width + 0.03,
        (detail_h + 0.35) / height,
        textwrap.fill(
            f"{len(located)} places: {len(on_locator)} on the map above, {len(on_detail)} on the map below (the box).",
            42,
        ),
        fontsize=8,
        color=TEXT,
        va="bottom",
    )
    legend.set_zorder(8)
    return fig


def plot_russian_advance_map(advance, places, coordinates, actors, world, phone=False):
    """Where the Russian Empire acted, 1838–1895, each place labelled with its year(s), by kind of event."""
    style.use_book_style()
    if phone:
        by_place = advance.groupby("place_id", sort=False)
        points = []
        for place_id, name, kind, lon, lat in _located(
            places, coordinates, list(by_place.groups), (geography.CENTRAL_ASIA,)
        ):
            rows = by_place.get_group(place_id)
            years = "–".join(dict.fromkeys(str(y) for y in rows["year"]))
            points.append((lon, lat, kind, EVENT_COLOURS[rows["event_type"].iloc[0]], f"{name} {years}"))
        return _phone_map(geography.CENTRAL_ASIA, world, actors, points, _event_handles(set(advance["event_type"])))
    region = geography.CENTRAL_ASIA
    width = style.WIDTH_IN
    map_h = _region_height(region, width)
    height = map_h + 0.75
    fig = plt.figure(figsize=(width, height))
    ax = _map_axes(fig, [0, 0.75 / height, 1, map_h / height], region)
    _draw_countries(ax, world, region)
    _label_countries(ax, world, region, _state_names(actors))
    by_place = advance.groupby("place_id", sort=False)
    located = _located(places, coordinates, list(by_place.groups), (region,))
    labels = []
    for place_id, name, kind, lon, lat in located:
        rows = by_place.get_group(place_id)
        years = "–".join(dict.fromkeys(str(y) for y in rows["year"]))
        event_type = rows["event_type"].iloc[0]
        if kind == "river":
            _draw_river(ax, world, colour=EVENT_COLOURS[event_type], width=2.6)
        _draw_place(ax, lon, lat, kind, colour=EVENT_COLOURS[event_type], size=34)
        labels.append((lon, lat, f"{name} {years}", "normal", "bold"))
    _place_labels(ax, labels, size=9)
    _corner_note(ax, BOUNDARY_NOTE)
    handles = _event_handles(set(advance["event_type"]))
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 0.02),
        ncols=3,
        fontsize=8,
        handletextpad=0.3,
        columnspacing=1.2,
        frameon=False,
    )
    return fig


def plot_border_map(places, coordinates, located_events, events, flows, actors, world, phone=False):
    """The Afghan–Tajik border: every place of the data in its region, marked by what happened there."""
    style.use_book_style()
    if phone:
        region = geography.BORDER
        in_region = [
            pid for pid in places["place_id"] if region.contains(*coordinates.loc[pid, ["latitude", "longitude"]])
        ]
        kinds_here = located_events.groupby("place_id")["event_type"].agg(lambda t: list(dict.fromkeys(t)))
        points = []
        for place_id, name, kind, lon, lat in _located(places, coordinates, in_region, (region,)):
            types = [t for t in EVENT_COLOURS if t in kinds_here.get(place_id, [])]
            points.append((lon, lat, kind, EVENT_COLOURS[types[0]] if types else TEXT, name))
        shown = {t for pid in in_region for t in kinds_here.get(pid, [])}
        tajik = geography.boundary_length_km(geography.shared_boundary(world, "AFG", "TJK"))
        handles = _event_handles(shown) + [
            plt.Line2D([], [], color=RIVER, lw=2.4, label=f"Amu and Panj (Afghan–Tajik part: {tajik:,.0f} km)")
        ]
        notes = _unplaced_notes(analysis.unplaced_border_events(events), flows)
        return _phone_map(region, world, actors, points, handles, notes, river=True)
    region = geography.BORDER
    width = style.WIDTH_IN
    map_h = _region_height(region, width)
    unplaced = analysis.unplaced_border_events(events)
    note_lines = _unplaced_notes(unplaced, flows)
    note_h = 0.12 + 0.155 * len(note_lines)
    in_region = [pid for pid in places["place_id"] if region.contains(*coordinates.loc[pid, ["latitude", "longitude"]])]
    kinds_here = located_events.groupby("place_id")["event_type"].agg(lambda t: list(dict.fromkeys(t)))
    shown = {t for pid in in_region for t in kinds_here.get(pid, []) if t in EVENT_COLOURS}
    # Two columns of event kinds, then the river's two-line entry: the legend grows with the data.
    legend_h = 0.16 * (-(-len(shown) // 2) + 2) + 0.12
    height = map_h + legend_h + note_h
    fig = plt.figure(figsize=(width, height))
    ax = _map_axes(fig, [0, (legend_h + note_h) / height, 1, map_h / height], region)
    _draw_countries(ax, world, region)
    _label_countries(ax, world, region, _state_names(actors))
    _draw_river(ax, world, width=2.4)
    located = _located(places, coordinates, in_region, (region,))
    labels = []
    for place_id, name, kind, lon, lat in located:
        types = [t for t in EVENT_COLOURS if t in kinds_here.get(place_id, [])]  # EVENT_COLOURS's order ranks them
        colour = EVENT_COLOURS[types[0]] if types else TEXT
        _draw_place(ax, lon, lat, kind, colour=colour, size=30)
        labels.append((lon, lat, name, "italic" if kind in ("region", "river") else "normal", "normal"))
    _casa_arrow(ax, world, region, flows)  # first: its label is an obstacle for the places' labels
    _place_labels(ax, labels, size=8.5)
    _corner_note(ax, BOUNDARY_NOTE)
    handles = _event_handles(shown)
    tajik = geography.boundary_length_km(geography.shared_boundary(world, "AFG", "TJK"))
    handles.append(
        plt.Line2D(
            [],
            [],
            color=RIVER,
            lw=2.4,
            label=f"Amu and Panj on Afghanistan's border\n(Afghan–Tajik part of this line: {tajik:,.0f} km)",
        )
    )
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, (legend_h + note_h - 0.06) / height),
        ncols=2,
        fontsize=8,
        handletextpad=0.3,
        columnspacing=1.2,
        frameon=False,
        borderaxespad=0,
    )
    fig.text(
        0.0,
        note_h / height,
        figures.literal("\n".join(note_lines)),
        fontsize=NOTE_SIZE + 0.5,
        color=TEXT,
        va="top",
        linespacing=1.35,
    )
    return fig


def casa_flows(flows):
    """Project flows from Tajikistan through Afghanistan onwards (CASA-1000)."""
    through = flows["donor"].map(lambda d: "TJK" in d) & flows["recipient"].map(lambda r: "AFG" in r and len(r) > 1)
    return flows[through & (flows["kind"] == "project")]


def _casa_arrow(ax, world, region, flows):
    """A project from Tajikistan across Afghanistan (CASA-1000): an arrow between the end states, direction only."""
    for row in casa_flows(flows).itertuples():
        name = row.description.split(",")[0]
        ends = [
            _country_label_point(world[geography.ISO_NUMERIC[code]], region)
            for code in (row.donor[-1], row.recipient[-1])
        ]
        if any(point is None for point in ends):
            continue
        start, end = ends[0] + [-0.3, -0.5], ends[1] + [-0.6, 0.2]
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            zorder=4,
            arrowprops={
                "arrowstyle": "-|>",
                "color": style.OKABE_ITO["orange"],
                "lw": 2,
                "linestyle": (0, (4, 2)),
                "connectionstyle": "arc3,rad=-0.35",
            },
        )
        ax.text(
            end[0] + 0.15,
            end[1] + 0.45,
            figures.literal(f"{name}: direction only,\nthe sources give no route"),
            fontsize=NOTE_SIZE,
            color="#8A5A00",
            ha="left",
            va="bottom",
            zorder=6,
            path_effects=_halo(),
            label="note",
        )


def _unplaced_notes(unplaced, flows):
    lines = ["Not placed by the sources, so not on the map:"]
    for row in unplaced.itertuples():
        lines.append(textwrap.shorten(f"• {dates.for_readers(row.date)}: {row.title}", 110))
    links = flows[
        (flows["kind"] == "project")
        & ~flows.index.isin(casa_flows(flows).index)
        & flows["recipient"].map(lambda r: "TJK" in r and "AFG" in r)
    ]
    for row in links.itertuples():
        lines.append(textwrap.shorten(f"• {dates.for_readers(row.period)}: {row.description}", 110))
    return lines
