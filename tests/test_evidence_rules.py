"""The evidence rules (afghan_relations/evidence_rules.py) stop the kinds of error reconciliation found.

As in test_validation.py (whose helpers are repeated here: test modules import nothing from
each other), each case corrupts one row of a copy of the real data and checks
the whole one-line message: file, row as an editor numbers it, column, expectation. Rows
are chosen by what they hold, so the tests survive edits to the data.
"""

import csv
import io

import pytest

from afghan_relations import evidence_rules
from afghan_relations.validate import DataError, validate_package

pytestmark = pytest.mark.fast  # no built book needed: `make test-fast`


def change_row(folder, file, where, **cells):
    """Set cells of the last record for which where(record) holds; return the editor line it starts on."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = csv.reader(handle)
    index = max(i for i, record in enumerate(records) if where(dict(zip(header, record, strict=True))))
    for column, value in cells.items():
        records[index][header.index(column)] = value
    path.write_text(as_csv([header, *records]), encoding="utf-8")
    return 2 + as_csv(records[:index]).count("\n")


def as_csv(records):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def error_of(folder):
    with pytest.raises(DataError) as caught:
        validate_package(folder)
    return str(caught.value)


def charge_d_affaires(row):
    return row.get("level") == "charge_d_affaires"


def envoys_without_rank(row):
    return row.get("act") == "envoy_accepted" and "envoys" in row["evidence"]


def afghan_envoy_in_moscow(row):
    return row.get("act") == "envoy_accepted" and "Afghan ambassador" in row["evidence"]


def test_a_day_the_evidence_does_not_state(data):
    # The chargé d'affaires was accredited on 9 April 2022; the 10th is stated nowhere.
    line = change_row(
        data,
        "recognition_steps.csv",
        charge_d_affaires,
        date="2022-04-10",
        date_min="2022-04-10",
        date_max="2022-04-10",
    )
    assert error_of(data) == (
        f"data/recognition_steps.csv, row {line}, column 'date': expected the day 10 April 2022 in the evidence "
        "or in a note resolving a relative date (such as 'Thursday'), got neither: code the date at the "
        "precision the source gives"
    )


def test_a_day_invented_for_an_undated_event(data):
    # The EV109 error: a flag raising 'according to media reports', given the report's Thursday.
    line = change_row(
        data,
        "events.csv",
        lambda row: "flag was raised" in row["evidence"],
        date="2025-07-03",
        date_precision="day",
        date_min="2025-07-03",
        date_max="2025-07-03",
        notes="According to media reports.",
    )
    assert error_of(data).startswith(
        f"data/events.csv, row {line}, column 'date': expected the day 3 July 2025 in the evidence"
    )


def test_a_note_resolving_a_relative_day_is_accepted(data):
    change_row(
        data,
        "events.csv",
        lambda row: "flag was raised" in row["evidence"],
        date="2025-07-03",
        date_precision="day",
        date_min="2025-07-03",
        date_max="2025-07-03",
        notes="Raised on Thursday, 3 July 2025, says a hypothetical note.",
    )
    assert validate_package(data) is None


def test_a_rank_the_evidence_does_not_name(data):
    # The RS020–RS022 error: 'accepted Taliban envoys' coded as ambassadors.
    line = change_row(data, "recognition_steps.csv", envoys_without_rank, level="ambassador")
    message = error_of(data)
    assert message.startswith(
        f"data/recognition_steps.csv, row {line}, column 'level': expected the evidence to name the rank or "
        "office 'ambassador' (the word 'ambassador…'), got 'Though countries such as China"
    )
    assert message.endswith("leave the level empty when the source does not state it")


def test_the_state_level_is_only_for_lists_and_recognition(data):
    line = change_row(data, "recognition_steps.csv", charge_d_affaires, level="state")
    assert error_of(data) == (
        f"data/recognition_steps.csv, row {line}, column 'level': expected 'state' only for lists and "
        "recognition, got it for the act 'envoy_accepted'"
    )


def test_an_envoy_coded_as_received_by_his_own_state(data):
    # The RS004 error: the Afghan ambassador in Moscow coded as Afghanistan accepting a Soviet envoy.
    line = change_row(data, "recognition_steps.csv", afghan_envoy_in_moscow, actor="AFG-KIN", target="SUN")
    assert error_of(data) == (
        f"data/recognition_steps.csv, row {line}, column 'actor': expected the state that receives the envoy as "
        "actor, got 'AFG-KIN', the sender of 'Afghan ambassador': actor and target are reversed"
    )


def test_soviet_states_count_as_russia_for_the_envoy_rule(data):
    # A Taliban envoy received by Russia passes; received by the Taliban's own government, it does not.
    line = change_row(data, "recognition_steps.csv", charge_d_affaires, actor="AFG-IEA", target="RUS")
    assert "column 'actor': expected the state that receives the envoy" in error_of(data)
    assert f"row {line}," in error_of(data)
    assert evidence_rules.state_of("XSR", {}) == evidence_rules.state_of("RUS", {}) == "RUS"


def test_sentences_split_at_full_stops_and_line_breaks():
    text = 'In 1993, rebels attacked. Russia struck back.\nA new line "quoted." Next one'
    parts = [text[s:e].strip() for s, e in evidence_rules.sentences(text)]
    assert parts == ["In 1993, rebels attacked.", "Russia struck back.", 'A new line "quoted."', "Next one"]
