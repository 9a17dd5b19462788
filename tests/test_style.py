"""afghan_relations.style: every category the data can hold has its colour, and the figures are reproducible."""

import uuid

import matplotlib as mpl
import pandas as pd
import pytest

from afghan_relations import style

pytestmark = pytest.mark.fast


def codes(real_data, vocabulary):
    table = pd.read_csv(real_data / "vocabularies.csv", dtype=str, keep_default_na=False)
    return list(table.loc[table["vocabulary"] == vocabulary, "code"])


@pytest.mark.parametrize(
    "vocabulary, mapping",
    [
        ("relationship", style.RELATIONSHIP_COLOURS),
        ("relationship", style.RELATIONSHIP_LABELS),
        ("aid_kind", style.AID_KIND_COLOURS),
        ("treaty_subject", style.TREATY_SUBJECT_COLOURS),
        ("act", style.ACT_STYLES),
    ],
)
def test_every_code_of_the_vocabulary_has_a_style(real_data, vocabulary, mapping):
    assert list(mapping) == codes(real_data, vocabulary)  # all of them, in the codebook's order


def test_colours_are_okabe_ito_hex():
    used = (
        set(style.RELATIONSHIP_COLOURS.values())
        | set(style.AID_KIND_COLOURS.values())
        | set(style.TREATY_SUBJECT_COLOURS.values())
        | set(style.COUNTERPART_COLOURS.values())
        | {colour for _, colour in style.ACT_STYLES.values()}
    )
    assert used <= set(style.OKABE_ITO.values())


def test_each_act_has_its_own_marker_so_the_ladder_reads_in_greyscale():
    markers = [marker for marker, _ in style.ACT_STYLES.values()]
    assert len(set(markers)) == len(markers)


def test_relationships_are_told_apart_by_colour():
    assert len(set(style.RELATIONSHIP_COLOURS.values())) == len(style.RELATIONSHIP_COLOURS)


def test_book_style_sets_vector_output_with_real_text():
    mpl.rcParams["svg.fonttype"] = "path"
    style.use_book_style()
    assert mpl.rcParams["svg.fonttype"] == "none"  # text stays text: searchable, and checked for contrast
    assert mpl.rcParams["pdf.fonttype"] == 42  # TrueType embedded in the PDF, no Type 3 bitmaps
    assert mpl.rcParams["svg.hashsalt"] == "afghan-relations"  # the same SVG ids in every build
    assert tuple(mpl.rcParams["figure.figsize"]) == (style.WIDTH_IN, 3.6)


def test_widget_ids_come_from_a_seeded_generator(monkeypatch):
    comm = pytest.importorskip("comm.base_comm")
    monkeypatch.setattr(style, "_comm_ids_seeded", False)
    kernel_comm = pytest.importorskip("ipykernel.comm.comm")
    monkeypatch.setattr(comm, "uuid", uuid)  # both put back after the test
    monkeypatch.setattr(kernel_comm, "uuid", uuid)
    style._deterministic_widget_ids()
    first = [comm.uuid.uuid4() for _ in range(3)]
    monkeypatch.setattr(style, "_comm_ids_seeded", False)
    style._deterministic_widget_ids()
    again = [comm.uuid.uuid4() for _ in range(3)]
    assert first == again and len(set(first)) == 3
    assert all(u.version == 4 for u in first)
