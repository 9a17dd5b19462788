"""Bad input stops loading with one line naming the file, row, column and what was expected.

Each case corrupts one cell or line of a copy of the real data files (fixture `data`,
tests/conftest.py) and checks the whole message. Rows are chosen by what they hold,
not by id, so the tests survive edits to the data.
"""

import csv
import io
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from afghan_relations import SetupError, dates, load
from afghan_relations.validate import DataError, count_rows, validate_package

pytestmark = pytest.mark.fast  # no built book needed: `make test-fast`

DATE_SHAPES = "a date like YYYY, YYYY-MM, YYYY-MM-DD, YYYX (decade) or START/END (either end may be '..')"


def as_csv(records):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def change_row(folder, file, where=lambda row: True, **cells):
    """Set cells of the last record for which where(record) holds; return the editor line it starts on."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = csv.reader(handle)
    index = max(i for i, record in enumerate(records) if where(dict(zip(header, record, strict=True))))
    for column, value in cells.items():
        records[index][header.index(column)] = value
    path.write_text(as_csv([header] + records), encoding="utf-8")
    return 2 + as_csv(records[:index]).count("\n")


def error_of(folder):
    with pytest.raises(DataError) as caught:
        validate_package(folder)
    message = str(caught.value)
    assert "\n" not in message
    return message


def codes_of(folder, vocabulary):
    table = pd.read_csv(folder / "vocabularies.csv", dtype=str, keep_default_na=False)
    return list(table.loc[table["vocabulary"] == vocabulary, "code"])


def precision_is(precision):
    return lambda row: row["date_precision"] == precision


def stated_exactly(row):
    return row["amount_best"] != "" and row["amount_qualifier"] == "exact"


# --- the real data and an untouched copy pass ---


def test_real_data_are_valid(real_data):
    assert validate_package(real_data) is None
    rows, files = count_rows(real_data)
    assert files == 11 and rows > 0


def test_a_rewritten_but_unchanged_copy_is_valid(data):
    # The helper rewrites the whole file: on its own that must not make an error.
    change_row(data, "events.csv")
    validate_package(data)


# --- one bad cell: file, row, column, expectation ---


@pytest.mark.parametrize(
    "value, expected",
    [
        ("28 Feb 1921", f"expected {DATE_SHAPES}, got '28 Feb 1921'"),
        ("2025-02-30", "expected a date that exists on the calendar, got '2025-02-30'"),
        ("2025-13-01", "expected a date that exists on the calendar, got '2025-13-01'"),
        ("1950s", f"expected {DATE_SHAPES}, got '1950s'"),
        ("1921\n1922", f"expected {DATE_SHAPES}, got '1921\\n1922'"),  # the message stays on one line
    ],
)
def test_an_unparseable_date(data, value, expected):
    line = change_row(data, "events.csv", precision_is("day"), date=value)
    assert error_of(data) == f"data/events.csv, row {line}, column 'date': {expected}"


def test_a_precision_that_does_not_fit_the_date(data):
    line = change_row(data, "events.csv", precision_is("year"), date="1921", date_precision="month")
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'date_precision': expected 'year', the precision "
        "of the date '1921', got 'month'"
    )


def test_an_unknown_source(data):
    # A well-formed file name that is not one of the five documents.
    line = change_row(data, "events.csv", source="005_0123456789abcdef.txt")
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'source': expected an existing source of "
        "sources.csv, got '005_0123456789abcdef.txt'"
    )


def test_a_category_outside_a_long_vocabulary(data):
    line = change_row(data, "events.csv", event_type="treaty_signing")
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'event_type': expected a code of the "
        "vocabulary 'event_type' (see vocabularies.csv), got 'treaty_signing'"
    )


def test_a_category_outside_a_short_vocabulary_lists_its_codes(data):
    line = change_row(data, "events.csv", relationship="afghanistan_china")
    codes = ", ".join(codes_of(data, "relationship"))
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'relationship': expected a code of the "
        f"vocabulary 'relationship' ({codes}), got 'afghanistan_china'"
    )


def test_a_duplicate_id_names_both_rows(data):
    path = data / "treaties.csv"
    first = change_row(data, "treaties.csv")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[first - 1]]), encoding="utf-8")
    treaty_id = lines[first - 1].split(",")[0]
    assert error_of(data) == (
        f"data/treaties.csv, row {len(lines) + 1}, column 'treaty_id': expected a unique "
        f"treaty_id, got '{treaty_id}' again (first in row {first})"
    )


def test_a_negative_amount(data):
    line = change_row(data, "aid_flows.csv", stated_exactly, amount_best="-200000000")
    assert error_of(data) == (
        f"data/aid_flows.csv, row {line}, column 'amount_best': expected a number of at least 0, got '-200000000'"
    )


@pytest.mark.parametrize("value", ["200 million", "$200000000", "200,000,000", "2e8"])
def test_a_non_numeric_amount(data, value):
    line = change_row(data, "aid_flows.csv", stated_exactly, amount_best=value)
    assert error_of(data) == (
        f"data/aid_flows.csv, row {line}, column 'amount_best': expected a number in plain digits, got '{value}'"
    )


def test_a_whole_number_column_refuses_decimals(data):
    line = change_row(data, "treaties.csv", lambda row: row["duration_years"] != "", duration_years="20.0")
    assert error_of(data) == (
        f"data/treaties.csv, row {line}, column 'duration_years': expected a whole number in plain digits, got '20.0'"
    )


def test_a_range_that_ends_before_it_starts(data):
    line = change_row(data, "aid_flows.csv", precision_is("range"), period="1978/1954")
    assert error_of(data) == (
        f"data/aid_flows.csv, row {line}, column 'period': expected a range that does not end "
        "before it starts, got '1978/1954'"
    )


def test_missing_evidence(data):
    line = change_row(data, "recognition_steps.csv", evidence="")
    assert error_of(data) == (
        f"data/recognition_steps.csv, row {line}, column 'evidence': expected a value, got an empty cell"
    )


def test_evidence_over_25_words(data):
    line = change_row(data, "recognition_steps.csv", evidence=" ".join(["word"] * 26))
    assert error_of(data) == (
        f"data/recognition_steps.csv, row {line}, column 'evidence': expected at most 25 words, got 26"
    )


def test_evidence_of_exactly_25_words_is_accepted(data):
    change_row(data, "recognition_steps.csv", evidence=" ".join(["word"] * 25))
    validate_package(data)


@pytest.mark.parametrize(
    "file, where, column, value, expected",
    [
        ("treaties.csv", lambda row: True, "party_b", "XXX", "expected an existing actor_id of actors.csv, got 'XXX'"),
        (
            "events.csv",
            lambda row: True,
            "actors",
            "AFG|ZZZ",
            "expected existing actor_ids of actors.csv separated by '|', got 'ZZZ' in 'AFG|ZZZ'",
        ),
        (
            "aid_flows.csv",
            lambda row: True,
            "recipient",
            "AFG||RUS",
            "expected existing actor_ids of actors.csv separated by '|', got '' in 'AFG||RUS'",
        ),
        (
            "actors.csv",
            lambda row: row["country"] != "",
            "country",
            "QQQ",
            "expected an existing actor_id of actors.csv, got 'QQQ'",
        ),
        (
            "events.csv",
            lambda row: True,
            "place",
            "atlantis",
            "expected an existing place_id of places.csv, got 'atlantis'",
        ),
        (
            "aliases.csv",
            lambda row: row["entity_table"] == "places",
            "entity_id",
            "AFG",
            "expected an existing place_id of places.csv, got 'AFG'",
        ),
        (
            "aliases.csv",
            lambda row: row["entity_table"] == "actors",
            "entity_id",
            "kabul",
            "expected an existing actor_id of actors.csv, got 'kabul'",
        ),
        ("claims.csv", lambda row: True, "record_id", "XX999", None),
        ("claims.csv", lambda row: True, "field", "no_such_column", None),
    ],
)
def test_an_unresolved_reference(data, file, where, column, value, expected):
    line = change_row(data, file, where, **{column: value})
    message = error_of(data)
    assert message.startswith(f"data/{file}, row {line}, column '{column}': expected ")
    if expected:
        assert message.endswith(expected)
    else:
        assert message.endswith(f", got '{value}'")


def test_date_min_must_be_the_first_day_the_date_can_mean(data):
    line = change_row(
        data, "events.csv", precision_is("year"), date="1837", date_min="1837-02-01", date_max="1837-12-31"
    )
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'date_min': expected '1837-01-01' for the date '1837', got '1837-02-01'"
    )


def test_date_max_is_empty_for_an_open_end(data):
    line = change_row(
        data,
        "events.csv",
        precision_is("year"),
        date="1956/..",
        date_precision="range",
        date_min="1956-01-01",
        date_max="1956-12-31",
    )
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'date_max': expected an empty cell (open end) "
        "for the date '1956/..', got '1956-12-31'"
    )


def test_a_date_column_needs_a_real_day(data):
    line = change_row(data, "periods.csv", end="2021-02-29")
    assert error_of(data) == (
        f"data/periods.csv, row {line}, column 'end': expected a day that exists, as YYYY-MM-DD, got '2021-02-29'"
    )


# --- aid amounts ---


@pytest.mark.parametrize(
    "where, cells, column, expected",
    [
        (
            stated_exactly,
            {"amount_qualifier": ""},
            "amount_qualifier",
            "expected a qualifier of amount_best, got an empty cell",
        ),
        (
            lambda row: row["amount_best"] == "",
            {"amount_qualifier": "about"},
            "amount_qualifier",
            "expected an empty cell, as amount_best is empty, got 'about'",
        ),
        (
            stated_exactly,
            {"amount_qualifier": "at_least", "amount_high": "999999999999"},
            "amount_high",
            "expected an empty cell, as 'at_least' has no upper bound, got '999999999999'",
        ),
        (
            stated_exactly,
            {"amount_qualifier": "at_most", "amount_low": "1"},
            "amount_low",
            "expected an empty cell, as 'at_most' has no lower bound, got '1'",
        ),
        (
            stated_exactly,
            {"amount_low": "999999999999", "amount_high": ""},
            "amount_low",
            "expected at most amount_best ({best}), got '999999999999'",
        ),
        (
            stated_exactly,
            {"amount_high": "1", "amount_low": ""},
            "amount_high",
            "expected at least amount_best ({best}), got '1'",
        ),
    ],
)
def test_amounts_and_their_qualifier_must_agree(data, where, cells, column, expected):
    with (data / "aid_flows.csv").open(encoding="utf-8", newline="") as handle:
        best = [r for r in csv.DictReader(handle) if where(r)][-1]["amount_best"]
    line = change_row(data, "aid_flows.csv", where, **cells)
    assert error_of(data) == f"data/aid_flows.csv, row {line}, column '{column}': {expected.format(best=best)}"


# --- whole-file problems ---


@pytest.mark.parametrize(
    "change, detail",
    [
        (lambda names: [n for n in names if n != "notes"], "no column 'notes'"),
        (lambda names: names + ["extra"], "the extra column 'extra'"),
        (lambda names: [n if n != "notes" else "note" for n in names], "no column 'notes' and the extra column 'note'"),
        (lambda names: names[1:2] + names[:1] + names[2:], "them in the order date, event_id, "),
    ],
)
def test_a_wrong_column_set_is_reported_on_the_header_row(data, change, detail):
    path = data / "events.csv"
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(",".join(change(header.split(","))) + "\n" + rest, encoding="utf-8")
    message = error_of(data)
    assert message.startswith(f"data/events.csv, row 1: expected the columns {header.replace(',', ', ')}, got ")
    assert detail in message


def test_non_utf8_bytes_are_reported_with_their_line(data):
    line = change_row(data, "actors.csv", lambda row: row["kind"] == "person", name="Gul")
    path = data / "actors.csv"
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1].replace(b"Gul", "Gül".encode("latin-1"), 1)
    path.write_bytes(b"\n".join(lines))
    assert error_of(data) == f"data/actors.csv, row {line}: expected UTF-8 text, got the byte 0xfc"


def test_a_byte_order_mark_is_refused(data):
    path = data / "places.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert error_of(data) == "data/places.csv, row 1: expected UTF-8 text without a byte-order mark, got one"


def test_rows_are_numbered_as_an_editor_shows_them_after_a_multiline_cell(data):
    path = data / "events.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = csv.reader(handle)
    records[0][header.index("notes")] = "first line\nsecond line\u2028same line for an editor"
    records[-1][header.index("date")] = "1921-13"
    path.write_text(as_csv([header] + records), encoding="utf-8")
    line = len(records) + 2  # the header, one line per record and the extra line of the first record
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'date': expected a date that exists on the calendar, got '1921-13'"
    )


def test_a_row_with_too_few_cells(data):
    path = data / "places.csv"
    path.write_text(path.read_text(encoding="utf-8") + "lonely-place,Lonely\n", encoding="utf-8")
    rows = path.read_text(encoding="utf-8").count("\n")
    assert error_of(data) == f"data/places.csv, row {rows}: expected 7 cells, got 2"


def test_schema_enum_must_match_vocabularies_csv(data):
    path = data / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    field = next(f for f in events["schema"]["fields"] if f["name"] == "event_type")
    field["constraints"]["enum"].append("invented_type")
    path.write_text(json.dumps(package), encoding="utf-8")
    assert error_of(data) == (
        "data/datapackage.json: expected the enum of events.event_type to equal the codes of "
        "the vocabulary 'event_type' in vocabularies.csv, got the extra codes invented_type"
    )


def test_vocabularies_csv_must_match_the_schema_enums(data):
    path = data / "vocabularies.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("certainty,")), encoding="utf-8")
    assert error_of(data).startswith(
        "data/datapackage.json: expected the enum of aid_flows.certainty to equal the "
        "codes of the vocabulary 'certainty' in vocabularies.csv, got a vocabulary that "
    )


# --- the command line ---


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "afghan_relations", "validate", *args], capture_output=True, text=True)


def test_cli_prints_one_line_and_fails_on_bad_data(data):
    line = change_row(data, "events.csv", date="1921-13")
    result = run_cli("--data", str(data))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"data/events.csv, row {line}, column 'date': expected a date that exists on the calendar, got '1921-13'"
    ]


def test_cli_reports_good_data(real_data):
    result = run_cli("--data", str(real_data))
    rows, files = count_rows(real_data)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"data OK: {rows} rows in {files} files\n", "")


def test_cli_defaults_to_the_books_data(real_data):
    assert run_cli().stdout.startswith("data OK: ")


# --- the loader ---


def test_loading_refuses_bad_data(data, monkeypatch):
    line = change_row(data, "events.csv", date="1921-13")
    monkeypatch.setenv("AFGHAN_RELATIONS_DATA", str(data))
    with pytest.raises(DataError, match=f"events.csv, row {line}, column 'date'"):
        load.treaties()  # any table: the whole package is checked


def test_an_edited_file_is_validated_again(data):
    assert len(load.treaties(data_dir=data)) > 0
    change_row(data, "treaties.csv", subject="an_invented_subject")
    with pytest.raises(DataError, match="column 'subject'"):
        load.treaties(data_dir=data)


def test_loaded_tables_are_typed(real_data):
    events, aid, treaties = load.events(), load.aid_flows(), load.treaties()
    assert str(events["date_min"].dtype).startswith("datetime64")
    assert isinstance(events["event_type"].dtype, pd.CategoricalDtype)
    assert list(events["relationship"].cat.categories) == codes_of(real_data, "relationship")
    assert isinstance(events["title"].dtype, pd.StringDtype)
    assert events["actors"].dtype == object and all(isinstance(a, list) and a for a in events["actors"])
    assert aid["amount_best"].dtype == float
    assert str(treaties["duration_years"].dtype) == "Int64"
    assert str(load.recognition_steps()["order_rank"].dtype) == "Int64"
    assert set(load.vocabularies().columns) == {"vocabulary", "code", "definition"}
    assert events["date"].map(dates.precision_of).astype(str).tolist() == events["date_precision"].astype(str).tolist()


def test_empty_cells_are_missing_values(real_data):
    aid = load.aid_flows()
    assert aid["amount_best"].isna().any() and aid["amount_qualifier"].isna().any()
    assert load.events()["place"].isna().any()


def test_seeds_dir_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.setenv("AFGHAN_RELATIONS_SEEDS", str(tmp_path))
    assert load.seeds_dir() == tmp_path
    monkeypatch.setenv("AFGHAN_RELATIONS_SEEDS", str(tmp_path / "missing"))
    assert load.seeds_dir() is None


# --- dates ---


@pytest.mark.parametrize(
    "text, precision, earliest, latest",
    [
        ("2025-07-03", "day", "2025-07-03", "2025-07-03"),
        ("2024-02-29", "day", "2024-02-29", "2024-02-29"),
        ("1959-05", "month", "1959-05-01", "1959-05-31"),
        ("2024-02", "month", "2024-02-01", "2024-02-29"),
        ("1900-02", "month", "1900-02-01", "1900-02-28"),
        ("1956", "year", "1956-01-01", "1956-12-31"),
        ("195X", "decade", "1950-01-01", "1959-12-31"),
        ("1954/1978", "range", "1954-01-01", "1978-12-31"),
        ("1956/..", "range", "1956-01-01", None),
        ("../1992-04", "range", None, "1992-04-30"),
        ("2025-04/2025-07-03", "range", "2025-04-01", "2025-07-03"),
        ("192X/1935", "range", "1920-01-01", "1935-12-31"),
        ("1957-08-17/1957-08-17", "range", "1957-08-17", "1957-08-17"),
    ],
)
def test_dates_mean_the_days_their_precision_allows(text, precision, earliest, latest):
    span = dates.parse(text)
    assert span == dates.DateSpan(
        text, precision, earliest and pd.Timestamp(earliest).date(), latest and pd.Timestamp(latest).date()
    )
    assert dates.precision_of(text) == precision


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-02-30", "expected a date that exists on the calendar"),
        ("2023-02-29", "expected a date that exists on the calendar"),
        ("2025-13", "expected a date that exists on the calendar"),
        ("2025-00-10", "expected a date that exists on the calendar"),
        ("0000", "expected a date that exists on the calendar"),
        ("25-07-03", "expected a date like"),
        ("2025-7-3", "expected a date like"),
        ("1950s", "expected a date like"),
        ("19XX", "expected a date like"),
        ("", "expected a date like"),
        ("1956\n", "expected a date like"),
        ("١٩٥٦", "expected a date like"),  # Arabic-Indic digits
        ("1956/", "expected a date like"),
        ("1950/1960/1970", "expected a date like"),
        ("../..", "expected a range with at least one known end"),
        ("1990/1980", "expected a range that does not end before it starts"),
        ("1990-05/1990-04-30", "expected a range that does not end before it starts"),
    ],
)
def test_impossible_or_malformed_dates_are_rejected(text, expected):
    with pytest.raises(ValueError) as caught:
        dates.parse(text)
    assert str(caught.value).startswith(expected) and str(caught.value).endswith(f", got '{text}'")


def test_a_date_span_is_frozen():
    with pytest.raises(AttributeError):
        dates.parse("1956").precision = "day"


# --- Frictionless reads the same package ---


def test_frictionless_agrees_that_the_package_is_valid(real_data):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(real_data / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_frictionless_also_rejects_a_bad_date_shape(data):
    frictionless = pytest.importorskip("frictionless")
    change_row(data, "events.csv", date="28 Feb 1921")
    report = frictionless.validate(str(data / "datapackage.json"))
    assert not report.valid
    assert ["constraint-error"] in report.flatten(["type"])


def test_there_is_a_loader_for_every_resource(real_data):
    assert [resource["name"] for resource in load.datapackage()["resources"]] == load.DATASETS
    assert all(len(getattr(load, name)()) > 0 for name in load.DATASETS)


# Where the data come from (afghan_relations.load.data_location)


def test_data_location_prefers_an_explicit_folder(tmp_path, monkeypatch, real_data):
    monkeypatch.setenv("AFGHAN_RELATIONS_DATA", str(real_data))
    assert load.data_location(tmp_path) == (tmp_path, "given as data_dir")
    assert load.data_location() == (real_data, "$AFGHAN_RELATIONS_DATA")


def test_data_location_is_the_clone_data_when_run_from_a_clone(monkeypatch):
    monkeypatch.delenv("AFGHAN_RELATIONS_DATA", raising=False)
    folder, how = load.data_location()
    assert folder == load.REPO / "data" and "clone" in how


def test_data_location_falls_back_to_the_packaged_copy(tmp_path, monkeypatch, real_data):
    """An installed package: no pyproject.toml beside it, its own data/ inside."""
    package = tmp_path / "site-packages" / "afghan_relations"
    shutil.copytree(real_data, package / "data")
    monkeypatch.delenv("AFGHAN_RELATIONS_DATA", raising=False)
    monkeypatch.setattr(load, "PACKAGE_DIR", package)
    monkeypatch.setattr(load, "REPO", package.parent)
    assert load.data_location() == (package / "data", "the copy installed with the package")


def test_no_data_anywhere_is_one_line_saying_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv("AFGHAN_RELATIONS_DATA", raising=False)
    monkeypatch.setattr(load, "PACKAGE_DIR", tmp_path / "afghan_relations")
    monkeypatch.setattr(load, "REPO", tmp_path)
    with pytest.raises(SetupError) as error:
        load.data_location()
    assert "notebook kit" in str(error.value) and "\n" not in str(error.value)
    assert error.value._render_traceback_() == [f"SetupError: {error.value}"]


def test_a_folder_without_datapackage_is_refused_naming_it(tmp_path):
    with pytest.raises(SetupError, match=f"no datapackage.json in {tmp_path}"):
        load.events(data_dir=tmp_path)


def test_require_stops_an_older_package_with_one_line(monkeypatch):
    import afghan_relations

    monkeypatch.setattr(afghan_relations, "__version__", "1.0.0")
    afghan_relations.require("1.0.0")
    with pytest.raises(SetupError, match="needs afghan_relations 1.1.0 or newer, and 1.0.0 is installed"):
        afghan_relations.require("1.1.0")


# --- frictionless does the schema's checks, the book's rules run as frictionless checks ---


def test_the_books_rules_are_frictionless_checks(data):
    frictionless = pytest.importorskip("frictionless")
    from afghan_relations import validate

    line = change_row(data, "recognition_steps.csv", evidence=" ".join(["word"] * 26))
    book = validate.BookPackage(data)
    checks = validate.book_checks(book)
    assert all(isinstance(check, frictionless.Check) for check in checks)
    package = frictionless.Package(str(data / "datapackage.json"))
    report = package.get_resource("recognition_steps").validate(checklist=frictionless.Checklist(checks=checks))
    found = [(e.type, e.field_name, book.table("recognition_steps").line(e.row_number)) for e in report.tasks[0].errors]
    assert found == [("book-cell", "evidence", line)]


def test_of_several_problems_in_a_row_the_leftmost_column_is_reported(data):
    # date is the second column of events.csv, event_type and evidence come later
    line = change_row(data, "events.csv", event_type="treaty_signing", date="1921-13", evidence="")
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'date': expected a date that exists on the calendar, got '1921-13'"
    )


def test_an_earlier_row_is_reported_before_a_later_one(data):
    last = pd.read_csv(data / "events.csv", dtype=str)["event_id"].iloc[-1]
    late = change_row(data, "events.csv", lambda row: True, relationship="afghanistan_china")
    # Any row above the last one; a year-precision row, whatever the data's order.
    early = change_row(
        data,
        "events.csv",
        lambda row: row["date_precision"] == "year" and row["event_id"] != last,
        notes=" ".join(["w"] * 2),
        evidence="",
    )
    assert early < late
    assert error_of(data) == f"data/events.csv, row {early}, column 'evidence': expected a value, got an empty cell"


# --- Text is text: markup passes (pages escape it), characters no text holds do not ---


@pytest.mark.parametrize(
    "character, code",
    [
        ("\x00", "U+0000"),
        ("\x07", "U+0007"),
        ("\x1b", "U+001B"),
        ("\x0c", "U+000C"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
    ],
)
def test_control_characters_are_rejected_naming_file_row_and_column(data, character, code):
    line = change_row(data, "events.csv", title=f"Treaty{character} signed")
    assert error_of(data) == (
        f"data/events.csv, row {line}, column 'title': expected text without control "
        f"characters, got {code} at character 7"
    )


def test_markup_tabs_and_line_breaks_in_a_cell_are_text_and_pass(data):
    change_row(data, "events.csv", title="<script>alert(1)</script> {download}`../README.md` $x$ | \\ %\n\tnext")
    change_row(data, "actors.csv", name="[Name](https://example.com) *x* <img src=x onerror=alert(1)>")
    validate_package(data)


def test_a_resource_path_outside_the_data_folder_is_rejected(data):
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][1]["path"] = "../README.md"
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert error_of(data) == (
        "data/datapackage.json: expected the path of actors to be the name of a CSV file in data/, got '../README.md'"
    )
