"""Dates written to the precision the source gives, the days they can mean, and how a reader writes them.

The data write dates in a small profile of EDTF (the Library of Congress's
Extended Date/Time Format, ISO 8601-2), listed in data/README.md:
YYYY-MM-DD (day), YYYY-MM (month), YYYY (year), YYYX such as 195X (decade),
and START/END (range), where START and END are any of those or '..' (open).
The `edtf` library reads each date and gives the first and last day it can
mean. This module adds what the profile needs on top of it:

- edtf reads far more than the profile (seasons such as 1959-21, qualifiers
  such as 1956?, sets, times), so each end must first have a profile shape;
- edtf 5.0.2 cannot read a range with a decade and an open end (`195X/..`,
  `../195X` raise), and accepts a range that ends before it starts, so a range
  is split here and its ends are read one by one;
- edtf accepts days the calendar does not have (1900-02-29), which turning its
  bounds into `datetime.date` catches;
- each end, once it has a profile shape, is read with edtf's own grammar rule for
  that shape (a level-0 date, or a level-1 unspecified digit for YYYX) rather than
  its whole parser, which tries every rule of levels 0 to 2: about 0.3 ms a date
  instead of 3, and every chapter reads the chronology's dates.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass

from edtf.parser import grammar as edtf_grammar
from pyparsing import ParseBaseException

# One end of a date in the profile. [0-9], not \d: \d also matches Arabic-Indic and other digits.
END = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?|[0-9]{3}X")
OPEN = ".."
PRECISIONS = ["day", "month", "year", "decade", "range"]
EXPECTED = "a date like YYYY, YYYY-MM, YYYY-MM-DD, YYYX (decade) or START/END (either end may be '..')"
# English month names, fixed here: strftime's %B and calendar.month_name follow the locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EN_DASH = "\u2013"


@dataclass(frozen=True)
class DateSpan:
    """A date as written, its precision, and the first and last day it can mean (None: open end)."""

    text: str
    precision: str
    earliest: dt.date | None
    latest: dt.date | None


def _day(struct):
    """A datetime.date from edtf's struct_time bound; ValueError for a day the calendar lacks."""
    return dt.date(struct.tm_year, struct.tm_mon, struct.tm_mday)


# edtf's grammar (pyparsing) takes milliseconds a date; the data repeat their dates and the
# validator and the chapters read each several times, so each string is parsed once a process.
@functools.cache
def _end(text, whole):
    """(precision, earliest, latest) of one end (no '/'); ValueError quoting the whole date."""
    if not END.fullmatch(text):
        raise ValueError(f"expected {EXPECTED}, got '{whole}'")
    decade = text.endswith("X")  # the only unspecified digit the profile allows: YYYX
    # A level-0 date has months 01-12 only: YYYY-21 to YYYY-41, seasons in EDTF, do not parse.
    rule = edtf_grammar.unspecified if decade else edtf_grammar.date
    try:
        parsed = rule.parse_string(text, parse_all=True)[0]
        precision = "decade" if decade else parsed.precision  # "day", "month" or "year"
        return precision, _day(parsed.lower_strict()), _day(parsed.upper_strict())
    except (ParseBaseException, ValueError):
        raise ValueError(f"expected a date that exists on the calendar, got '{whole}'") from None


@functools.cache
def parse(text):
    """The DateSpan a date string means; ValueError saying what was expected."""
    if "/" not in text:
        precision, earliest, latest = _end(text, text)
        return DateSpan(text, precision, earliest, latest)
    start, _, end = text.partition("/")
    if start == end == OPEN:
        raise ValueError(f"expected a range with at least one known end, got '{text}'")
    earliest = None if start == OPEN else _end(start, text)[1]
    latest = None if end == OPEN else _end(end, text)[2]
    if earliest and latest and latest < earliest:
        raise ValueError(f"expected a range that does not end before it starts, got '{text}'")
    return DateSpan(text, "range", earliest, latest)


def precision_of(text):
    """The precision code of a date string: day, month, year, decade or range."""
    return parse(text).precision


# Dates for readers: "3 July 2025", "May 1959", "1956", "the 1950s", "1924–1925",
# "May–July 1959", "28 February – 1 March 1921", "from 1956", "until April 1992".


def _words(text):
    """One end as a reader writes it, as a list of words (day, month, year; or 'the 1950s')."""
    precision = precision_of(text)
    if precision == "decade":
        return ["the", f"{text[:3]}0s"]
    year, _, rest = text.partition("-")
    month, _, day = rest.partition("-")
    return ([str(int(day))] if day else []) + ([MONTHS[int(month) - 1]] if month else []) + [year]


def _range_text(start, end):
    """A closed range, the words the two ends share written once: '28–30 June 1921', 'May–July 1959'."""
    first, last = _words(start), _words(end)
    if first == last:
        return " ".join(last)
    shared = 0
    if len(first) == len(last) > 1 and first[-1] == last[-1]:  # same precision, same year
        shared = 2 if len(first) == 3 and first[1] == last[1] else 1  # same month of a day range too
        first = first[:-shared]
    # An unspaced dash joins single words ("1924–1925", "May–July 1959"); a spaced one joins
    # phrases ("28 February – 1 March 1921", "2001 – August 2021").
    joint = EN_DASH if len(first) == 1 and (shared or len(last) == 1) else f" {EN_DASH} "
    return " ".join(first) + joint + " ".join(last)


def for_readers(value):
    """A date as a reader writes it: an EDTF string of the data, or a day (date, datetime, Timestamp).

    Never the codes: '195X' is 'the 1950s', '1956/..' 'from 1956', '../1992-04'
    'until April 1992', '1924/1925' '1924–1925' (en dash, which never breaks a
    line in LaTeX as a hyphen may), '2025-07-03' '3 July 2025'.
    """
    if not isinstance(value, str):
        return " ".join(_words(value.strftime("%Y-%m-%d")))
    span = parse(value)
    if span.precision != "range":
        return " ".join(_words(value))
    start, _, end = value.partition("/")
    if start == OPEN:
        return "until " + " ".join(_words(end))
    if end == OPEN:
        return "from " + " ".join(_words(start))
    return _range_text(start, end)


def sort_key(text):
    """Where a date sorts: by its first possible day, then its last; an open start counts from its end.

    '../1992-04' ("until April 1992") sorts with April 1992, not before every other
    date; an open end lasts for ever, so '1956/..' comes after '1956'.
    """
    span = parse(text)
    return (span.earliest or span.latest, span.latest or dt.date.max)


def in_date_order(frame, *then):
    """The rows of a loaded table (with date_min and date_max) in the order of sort_key, then the columns `then`."""
    first = frame["date_min"].fillna(frame["date_max"])
    order = frame.assign(_first=first, _last=frame["date_max"]).sort_values(
        ["_first", "_last", *then], kind="stable", na_position="last"
    )  # an open end (NaT) last
    return order.drop(columns=["_first", "_last"])
