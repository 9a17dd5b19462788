"""Bad input stops loading with one line naming the file, row, column and what was expected.

Each case corrupts one cell or line of a copy of the real data files.
"""
import csv
import json
import shutil
import subprocess
import sys

import pytest

from afghan_relations import dates, load
from afghan_relations.validate import DataError, validate_package


@pytest.fixture
def data(tmp_path):
    """A copy of the book's data folder to corrupt."""
    target = tmp_path / "data"
    shutil.copytree(load.data_dir(), target)
    return target


def set_cell(folder, file, record_id, column, value):
    """Change one cell of the row whose first column is record_id; return that row's editor line number."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    index = next(i for i, row in enumerate(rows) if row[0] == record_id)
    rows[index][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return line_of(folder / file, record_id)


def line_of(path, record_id):
    """The line an editor shows for the row starting with record_id."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(record_id + ","):
            return number
    raise AssertionError(record_id)


def error_of(folder):
    with pytest.raises(DataError) as caught:
        validate_package(folder)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_real_data_are_valid():
    rows, files = validate_package(load.data_dir())
    assert files == 11 and rows > 400


@pytest.mark.parametrize("file, record_id, column, value, expected", [
    ("events.csv", "EV023", "date", "1921-02-30", "no such day: '1921-02-30'"),
    ("events.csv", "EV023", "date", "28 Feb 1921", "expected a date like YYYY"),
    ("events.csv", "EV023", "date_precision", "month", "expected 'day' for the date '1921-02-28'"),
    ("events.csv", "EV023", "event_type", "treaty_signing", "vocabulary 'event_type'"),
    ("aid_flows.csv", "AF009", "amount_best", "-200000000", "expected a number of at least 0"),
    ("aid_flows.csv", "AF009", "amount_best", "200 million", "expected a number, got '200 million'"),
    ("aid_flows.csv", "AF004", "period", "1978/1954", "the range ends before it starts"),
    ("recognition_steps.csv", "RS028", "evidence", "", "expected a value, got an empty cell"),
    ("recognition_steps.csv", "RS028", "evidence", " ".join(["word"] * 26), "expected at most 25 words"),
    ("events.csv", "EV023", "date_min", "1921-02-01", "expected '1921-02-28', derived from '1921-02-28'"),
    ("treaties.csv", "TR004", "party_b", "XXX", "expected an existing actor_id of actors.csv, got 'XXX'"),
    ("events.csv", "EV023", "actors", "AFG|ZZZ", "existing actor_ids of actors.csv, got 'ZZZ'"),
    ("aid_flows.csv", "AF009", "amount_qualifier", "", "expected a qualifier"),
])
def test_a_bad_cell_is_named_by_file_row_and_column(data, file, record_id, column, value, expected):
    line = set_cell(data, file, record_id, column, value)
    message = error_of(data)
    assert message.startswith(f"data/{file}, row {line}, column '{column}': ")
    assert expected in message


def test_an_unknown_source_file_is_reported(data):
    # A well-formed name that is not one of the five documents.
    line = set_cell(data, "events.csv", "EV023", "source", "005_0123456789abcdef.txt")
    assert error_of(data) == (f"data/events.csv, row {line}, column 'source': expected an existing source of sources.csv, "
                              "got '005_0123456789abcdef.txt'")


def test_a_duplicate_id_names_both_rows(data):
    path = data / "treaties.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines, 1) if l.startswith("TR004,"))
    lines.append(lines[first - 1])
    path.write_text("".join(lines), encoding="utf-8")
    message = error_of(data)
    assert message == (f"data/treaties.csv, row {len(lines)}, column 'treaty_id': expected a unique value, "
                       f"got 'TR004' again (first in row {first})")


@pytest.mark.parametrize("change, detail", [
    (lambda header: header.replace(",notes", ""), "missing ['notes']"),
    (lambda header: header + ",extra", "unexpected ['extra']"),
    (lambda header: header.replace("date,date_precision", "date_precision,date"), "columns out of order"),
])
def test_a_wrong_column_set_is_reported_on_the_header_row(data, change, detail):
    path = data / "events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = change(lines[0])
    path.write_text("\n".join(lines), encoding="utf-8")
    message = error_of(data)
    assert message.startswith("data/events.csv, row 1: expected the columns ")
    assert detail in message


def test_non_utf8_bytes_are_reported_with_their_line(data):
    path = data / "actors.csv"
    raw = path.read_bytes()
    line = line_of(path, "PER-GUL-HASAN")
    lines = raw.split(b"\n")
    lines[line - 1] = lines[line - 1].replace(b"Gul Hasan", "Gül Hasan".encode("latin-1"), 1)
    path.write_bytes(b"\n".join(lines))
    assert error_of(data) == f"data/actors.csv, row {line}: expected UTF-8 text, got byte 0xfc"


def test_amount_bounds_must_bracket_the_best_value(data):
    line = set_cell(data, "aid_flows.csv", "AF009", "amount_low", "300000000")
    assert error_of(data) == (f"data/aid_flows.csv, row {line}, column 'amount_low': expected at most "
                              "amount_best (200000000), got '300000000'")


def test_more_than_has_no_upper_bound(data):
    line = set_cell(data, "aid_flows.csv", "AF004", "amount_high", "2000000000")
    assert error_of(data) == (f"data/aid_flows.csv, row {line}, column 'amount_high': expected an empty cell: "
                              "'at_least' has no upper bound")


def test_claims_must_point_at_a_real_record_and_column(data):
    line = set_cell(data, "claims.csv", "CL001", "record_id", "RS999")
    assert error_of(data) == (f"data/claims.csv, row {line}, column 'record_id': expected an existing id of "
                              "recognition_steps.csv, got 'RS999'")


def test_schema_vocabularies_must_match_vocabularies_csv(data):
    path = data / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    field = next(f for f in events["schema"]["fields"] if f["name"] == "event_type")
    field["constraints"]["enum"].append("invented_type")
    path.write_text(json.dumps(package), encoding="utf-8")
    assert error_of(data).startswith("data/datapackage.json: expected the enum of events.event_type to equal")


def test_loading_refuses_bad_data(data, monkeypatch):
    set_cell(data, "events.csv", "EV023", "date", "1921-13")
    monkeypatch.setenv("AFGHAN_RELATIONS_DATA", str(data))
    with pytest.raises(DataError, match="events.csv, row"):
        load.events()


def test_an_edited_file_is_validated_again(data, monkeypatch):
    monkeypatch.setenv("AFGHAN_RELATIONS_DATA", str(data))
    assert len(load.treaties()) > 0
    set_cell(data, "treaties.csv", "TR004", "subject", "alliance")
    with pytest.raises(DataError, match="column 'subject'"):
        load.treaties()


def test_cli_prints_one_line_and_fails_on_bad_data(data):
    line = set_cell(data, "events.csv", "EV023", "date", "1921-13")
    result = subprocess.run([sys.executable, "-m", "afghan_relations", "validate", "--data", str(data)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"data error: data/events.csv, row {line}, column 'date': no month 13 in '1921-13'"]


def test_cli_reports_good_data():
    result = subprocess.run([sys.executable, "-m", "afghan_relations", "validate"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("data OK: ")


def test_loaded_tables_are_typed():
    events = load.events()
    assert str(events["date_min"].dtype).startswith("datetime64")
    assert isinstance(events["event_type"].dtype, type(events["relationship"].dtype))
    assert list(events["relationship"].cat.categories)[0] == "afghanistan_russia"
    assert isinstance(events["actors"].iloc[0], list)
    aid = load.aid_flows()
    assert aid["amount_best"].dtype == float and str(load.treaties()["duration_years"].dtype) == "Int64"
    assert events["date"].iloc[0] == "1837"  # dates keep their written precision


@pytest.mark.parametrize("text, precision, earliest, latest", [
    ("2025-07-03", "day", "2025-07-03", "2025-07-03"),
    ("1959-05", "month", "1959-05-01", "1959-05-31"),
    ("2024-02", "month", "2024-02-01", "2024-02-29"),
    ("1956", "year", "1956-01-01", "1956-12-31"),
    ("195X", "decade", "1950-01-01", "1959-12-31"),
    ("1954/1978", "range", "1954-01-01", "1978-12-31"),
    ("1956/..", "range", "1956-01-01", None),
    ("../1992-04", "range", None, "1992-04-30"),
    ("1957-08-17/1957-09-04", "range", "1957-08-17", "1957-09-04"),
])
def test_dates_mean_the_days_their_precision_allows(text, precision, earliest, latest):
    span = dates.parse(text)
    assert span.precision == precision
    assert (span.earliest.isoformat() if span.earliest else None) == earliest
    assert (span.latest.isoformat() if span.latest else None) == latest


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13", "25-07-03", "1950s", "../..", "1990/1980", "2025-7-3", ""])
def test_impossible_or_malformed_dates_are_rejected(text):
    with pytest.raises(ValueError):
        dates.parse(text)


def test_frictionless_agrees_that_the_package_is_valid():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(load.data_dir() / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_frictionless_also_rejects_a_bad_date_shape(data):
    frictionless = pytest.importorskip("frictionless")
    set_cell(data, "events.csv", "EV023", "date", "28 Feb 1921")
    report = frictionless.validate(str(data / "datapackage.json"))
    assert not report.valid
    assert any(e[0] == "constraint-error" for e in report.flatten(["type"]))
