"""afghan_relations.dates: reading the data's EDTF dates, writing them for readers, sorting them."""

import datetime as dt

import edtf
import pandas as pd
import pytest

from afghan_relations import dates, load

pytestmark = pytest.mark.fast
D = dt.date


@pytest.mark.parametrize(
    "text, precision, earliest, latest",
    [
        ("2025-07-03", "day", D(2025, 7, 3), D(2025, 7, 3)),
        ("1959-05", "month", D(1959, 5, 1), D(1959, 5, 31)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("1956", "year", D(1956, 1, 1), D(1956, 12, 31)),
        ("195X", "decade", D(1950, 1, 1), D(1959, 12, 31)),
        ("1924/1925", "range", D(1924, 1, 1), D(1925, 12, 31)),
        ("1956/..", "range", D(1956, 1, 1), None),
        ("../1992-04", "range", None, D(1992, 4, 30)),
        ("195X/..", "range", D(1950, 1, 1), None),  # a form edtf 5.0.2 cannot read whole
        ("../195X", "range", None, D(1959, 12, 31)),
    ],
)
def test_parse_gives_precision_and_the_first_and_last_day(text, precision, earliest, latest):
    span = dates.parse(text)
    assert (span.text, span.precision, span.earliest, span.latest) == (text, precision, earliest, latest)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1959-21", "exists on the calendar"),  # an EDTF season (spring 1959), not a month
        ("1900-02-29", "exists on the calendar"),  # edtf itself accepts it
        ("2025-02-30", "exists on the calendar"),
        ("1959-13", "exists on the calendar"),
        ("0000", "exists on the calendar"),
        ("1956?", "a date like YYYY"),  # EDTF qualifiers are outside the data's profile
        ("1956~", "a date like YYYY"),
        ("19XX", "a date like YYYY"),
        ("2025-07-03T10:00", "a date like YYYY"),
        ("\u0661\u0669\u0665\u0666", "a date like YYYY"),  # Arabic-Indic digits
        ("1956/", "a date like YYYY"),
        ("../..", "at least one known end"),
        ("1960/1950", "does not end before it starts"),  # edtf accepts it
    ],
)
def test_parse_rejects_what_the_profile_does_not_allow(text, expected):
    with pytest.raises(ValueError, match=expected) as caught:
        dates.parse(text)
    assert f"'{text}'" in str(caught.value)


def test_every_date_of_the_data_reads_as_edtf_reads_it(real_data):
    """The bounds are edtf's own wherever edtf reads the whole string."""
    descriptor = load.datapackage(real_data)
    seen = 0
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"] if f.get("dateFormat") == "edtf"]
        table = pd.read_csv(real_data / resource["path"], dtype=str, keep_default_na=False)
        for text in (v for f in fields for v in table[f] if v):
            span, parsed = dates.parse(text), edtf.parse_edtf(text)
            low, high = parsed.lower_strict(), parsed.upper_strict()
            assert span.earliest == (D(*low[:3]) if span.earliest else None) or low == float("-inf"), text
            assert span.latest == (D(*high[:3]) if span.latest else None) or high == float("inf"), text
            seen += 1
    assert seen > 100


def _as_edtfs_whole_parser_reads(text):
    """(precision, earliest, latest) by edtf.parse_edtf, the parser of every EDTF level, or None
    where the profile refuses it (a season, a day the calendar lacks, no date at all)."""
    try:
        parsed = edtf.parse_edtf(text)
        if isinstance(parsed, edtf.Season):
            return None
        precision = "decade" if isinstance(parsed, edtf.Unspecified) else parsed.precision
        return precision, D(*parsed.lower_strict()[:3]), D(*parsed.upper_strict()[:3])
    except (edtf.EDTFParseException, ValueError):
        return None


def test_each_shape_reads_as_edtfs_whole_parser_reads_it():
    """dates.py reads an end with edtf's rule for its shape; edtf's full parser (3 ms a string) agrees
    on 1,200 strings of those shapes, valid and not (months 00 and 13-25, days 00 and 29-33, year 0000)."""
    import random

    rng = random.Random(13)
    texts = set()
    for _ in range(300):
        year, month, day = rng.randint(0, 2100), rng.randint(0, 25), rng.randint(0, 33)
        texts |= {f"{year:04d}", f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}-{day:02d}", f"{year // 10:03d}X"}
    texts |= {"1900-02-29", "2000-02-29", "2021-02-29", "2020-21", "1959-24", "000X"}
    refused = 0
    for text in sorted(texts):
        expected = _as_edtfs_whole_parser_reads(text)
        try:
            span = dates.parse(text)
            got = (span.precision, span.earliest, span.latest)
        except ValueError:
            got = None
        assert got == expected, text
        refused += got is None
    assert 100 < refused < len(texts) - 100  # both kinds well represented


@pytest.mark.parametrize(
    "text, words",
    [
        ("2025-07-03", "3 July 2025"),
        ("2026-01-16", "16 January 2026"),
        ("1959-05", "May 1959"),
        ("1956", "1956"),
        ("192X", "the 1920s"),
        ("1924/1925", "1924\u20131925"),
        ("1954/1978", "1954\u20131978"),
        ("2021-08/2021-12", "August\u2013December 2021"),
        ("2025-07-03/2025-07-04", "3\u20134 July 2025"),
        ("1957-08-17/1957-09-04", "17 August \u2013 4 September 1957"),
        ("2016-12/2017-04", "December 2016 \u2013 April 2017"),
        ("2001/2021-08", "2001 \u2013 August 2021"),
        ("2025-04/2025-07-03", "April 2025 \u2013 3 July 2025"),
        ("1956/..", "from 1956"),
        ("1989-02/..", "from February 1989"),
        ("../1992-04", "until April 1992"),
        ("../2014-03", "until March 2014"),
        ("195X/..", "from the 1950s"),
        ("1956/1956", "1956"),
    ],
)
def test_for_readers_writes_each_precision_as_a_reader_does(text, words):
    assert dates.for_readers(text) == words


def test_for_readers_takes_a_day_as_date_datetime_or_timestamp():
    assert dates.for_readers(D(1919, 2, 28)) == "28 February 1919"
    assert dates.for_readers(dt.datetime(2025, 7, 3, 15, 0)) == "3 July 2025"
    assert dates.for_readers(pd.Timestamp("2026-01-16")) == "16 January 2026"


def test_for_readers_never_shows_a_code_or_a_hyphen(real_data):
    descriptor = load.datapackage(real_data)
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"] if f.get("dateFormat") == "edtf"]
        table = pd.read_csv(real_data / resource["path"], dtype=str, keep_default_na=False)
        for text in (v for f in fields for v in table[f] if v):
            words = dates.for_readers(text)
            assert not any(code in words for code in ("X", "/", "..", "-")), (text, words)


def test_sort_key_puts_an_open_start_at_its_end_and_an_open_end_at_its_start():
    texts = ["1993", "../1992-04", "1956/..", "195X", "1992-04-15", "1956", "1924/1925"]
    assert sorted(texts, key=dates.sort_key) == [
        "1924/1925",
        "195X",
        "1956",
        "1956/..",
        "1992-04-15",
        "../1992-04",
        "1993",
    ]


def test_in_date_order_sorts_open_starts_where_they_belong_then_by_the_given_column():
    texts = ["1993", "../1992-04", "1956/..", "1956", "1992-04"]
    frame = pd.DataFrame(
        {
            "id": ["E5", "E4", "E3", "E2", "E1"],
            "date": texts,
            "date_min": pd.to_datetime([dates.parse(t).earliest for t in texts]),
            "date_max": pd.to_datetime([dates.parse(t).latest for t in texts]),
        }
    )
    ordered = dates.in_date_order(frame, "id")
    # 1956/.. and 1956 share a first day; the open end (no last day) sorts after the closed one
    assert list(ordered["date"]) == ["1956", "1956/..", "1992-04", "../1992-04", "1993"]
    assert list(ordered.columns) == ["id", "date", "date_min", "date_max"]
    tied = dates.in_date_order(frame.assign(date_max=frame["date_min"]), "id")
    assert list(tied["id"][:2]) == ["E2", "E3"]  # same first and last day: by the tie column
