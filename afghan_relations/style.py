"""One look for every figure in the book: colours, fonts, sizes, output formats.

Colours are the Okabe–Ito palette (safe for the common forms of colour
blindness); each category keeps its colour in every chapter.
"""

import os

import matplotlib as mpl

# Byte-identical figures across builds: SVG ids and PDF/SVG dates must not
# depend on the clock or on random salts.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#767676",  # 4.5:1 on white, for text-bearing marks
}

RELATIONSHIP_COLOURS = {
    "afghanistan_russia": OKABE_ITO["vermillion"],
    "afghanistan_tajikistan": OKABE_ITO["green"],
    "afghanistan_other": OKABE_ITO["blue"],
    "britain_russia": OKABE_ITO["purple"],
    "context": OKABE_ITO["grey"],
}
RELATIONSHIP_LABELS = {
    "afghanistan_russia": "Afghanistan–Russia/USSR",
    "afghanistan_tajikistan": "Afghanistan–Tajikistan",
    "afghanistan_other": "Afghanistan–other states",
    "britain_russia": "Britain–Russia over Afghanistan",
    "context": "Context",
}

AID_KIND_COLOURS = {
    "economic": OKABE_ITO["blue"],
    "military": OKABE_ITO["vermillion"],
    "mixed": OKABE_ITO["purple"],
    "in_kind": OKABE_ITO["orange"],
    "trade": OKABE_ITO["green"],
    "project": OKABE_ITO["sky"],
    "unspecified": OKABE_ITO["grey"],
}

TREATY_SUBJECT_COLOURS = {
    "friendship": OKABE_ITO["vermillion"],
    "neutrality_nonaggression": OKABE_ITO["orange"],
    "border_territory": OKABE_ITO["purple"],
    "peace": OKABE_ITO["yellow"],
    "economic_technical": OKABE_ITO["blue"],
    "military_arms": OKABE_ITO["black"],
    "trade_energy": OKABE_ITO["green"],
    "spheres_of_influence": OKABE_ITO["sky"],
    "unspecified": OKABE_ITO["grey"],
}

COUNTERPART_COLOURS = {
    "Russia / USSR": OKABE_ITO["vermillion"],
    "Britain–Russia about Afghanistan": OKABE_ITO["purple"],
    "Tajikistan": OKABE_ITO["green"],
    "Other states": OKABE_ITO["blue"],
}

# Marker and colour per recognition act: shape carries the meaning too, so the
# ladder reads in greyscale print.
ACT_STYLES = {
    "relations_established": ("o", OKABE_ITO["blue"]),
    "border_recognition": ("D", OKABE_ITO["sky"]),
    "envoy_accepted": ("^", OKABE_ITO["orange"]),
    "mission_opened": ("s", OKABE_ITO["green"]),
    "terrorist_listing": ("X", OKABE_ITO["black"]),
    "delisting_announced": ("d", OKABE_ITO["grey"]),
    "terrorist_delisting": ("P", OKABE_ITO["purple"]),
    "formal_recognition": ("*", OKABE_ITO["vermillion"]),
    "credentials_accepted": ("h", OKABE_ITO["vermillion"]),
    "recognition_withheld": ("p", OKABE_ITO["grey"]),
    "refusal": ("v", OKABE_ITO["black"]),
}

PERIOD_SHADES = ["#F2F2F2", "#FFFFFF"]

# Book text block is about 16 cm; figures are drawn at that width.
WIDTH_IN = 6.3


_comm_ids_seeded = False


def _deterministic_widget_ids(seed="afghan-relations"):
    """Widget model ids (comm ids) from a seeded generator instead of uuid4, once per kernel.

    The ids end up in the widget state embedded in the HTML; random ones would make two
    builds of the same commit differ. They only need to be unique within one kernel.
    """
    global _comm_ids_seeded
    if _comm_ids_seeded:
        return
    import random
    import types
    import uuid

    rng = random.Random(seed)
    seeded = types.SimpleNamespace(uuid4=lambda: uuid.UUID(int=rng.getrandbits(128), version=4))
    try:
        import comm.base_comm

        comm.base_comm.uuid = seeded
        import ipykernel.comm.comm

        ipykernel.comm.comm.uuid = seeded
    except ImportError:
        pass
    _comm_ids_seeded = True


def use_book_style():
    """Apply the book's matplotlib settings and choose vector output formats."""
    _deterministic_widget_ids()
    mpl.rcParams.update(
        {
            "figure.figsize": (WIDTH_IN, 3.6),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#333333",
            "axes.labelcolor": "#222222",
            "xtick.color": "#222222",
            "ytick.color": "#222222",
            "legend.frameon": False,
            "legend.fontsize": 8,
            "svg.fonttype": "none",
            "svg.hashsalt": "afghan-relations",
            "pdf.fonttype": 42,  # a reader's own savefig(...pdf): TrueType embedded, no Type 3
        }
    )
    # In a kernel: SVG for the web page, and PNG for a reader's downloaded notebook (Jupyter shows
    # no SVG in a notebook it does not trust yet). The PDF edition converts the SVG (_config.yml,
    # sphinxcontrib.rsvgconverter) rather than have every kernel draw each figure once more.
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", "png")
    except ImportError:
        pass
