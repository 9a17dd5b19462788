"""Dates written to the precision the source gives (a small EDTF subset) and the days they can mean.

YYYY-MM-DD (day), YYYY-MM (month), YYYY (year), YYYX such as 195X (decade),
and START/END (range), where START and END are any of those or '..' (open).
"""
import calendar
import datetime as dt
import re
from dataclasses import dataclass

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which int() would accept.
SHAPES = {
    "day": re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"),
    "month": re.compile(r"([0-9]{4})-([0-9]{2})"),
    "year": re.compile(r"([0-9]{4})"),
    "decade": re.compile(r"([0-9]{3})X"),
}
PRECISIONS = ["day", "month", "year", "decade", "range"]
EXPECTED = "a date like YYYY, YYYY-MM, YYYY-MM-DD, YYYX (decade) or START/END (either end may be '..')"


@dataclass(frozen=True)
class DateSpan:
    """A date as written, its precision, and the first and last day it can mean (None: open end)."""
    text: str
    precision: str
    earliest: dt.date | None
    latest: dt.date | None


def _bounds(text, whole):
    """(precision, earliest, latest) of one date without '/'; ValueError quoting the whole string."""
    for precision, shape in SHAPES.items():
        match = shape.fullmatch(text)
        if match:
            break
    else:
        raise ValueError(f"expected {EXPECTED}, got '{whole}'")
    numbers = [int(part) for part in match.groups()]
    try:
        if precision == "day":
            return precision, dt.date(*numbers), dt.date(*numbers)
        if precision == "month":
            year, month = numbers
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return precision, dt.date(year, month, 1), dt.date(year, month, last)
        if precision == "year":
            return precision, dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31)
        first = numbers[0] * 10
        return precision, dt.date(first, 1, 1), dt.date(first + 9, 12, 31)
    except ValueError:
        raise ValueError(f"expected a date that exists on the calendar, got '{whole}'") from None


def parse(text):
    """The DateSpan a date string means; ValueError saying what was expected."""
    if "/" not in text:
        precision, earliest, latest = _bounds(text, text)
        return DateSpan(text, precision, earliest, latest)
    start, _, end = text.partition("/")
    if start == end == "..":
        raise ValueError(f"expected a range with at least one known end, got '{text}'")
    earliest = None if start == ".." else _bounds(start, text)[1]
    latest = None if end == ".." else _bounds(end, text)[2]
    if earliest and latest and latest < earliest:
        raise ValueError(f"expected a range that does not end before it starts, got '{text}'")
    return DateSpan(text, "range", earliest, latest)


def precision_of(text):
    """The precision code of a date string: day, month, year, decade or range."""
    return parse(text).precision
