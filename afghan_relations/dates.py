"""Dates written to the precision the source gives (an EDTF subset) and the days they can mean."""
import calendar
import datetime as dt
import re
from dataclasses import dataclass

SHAPES = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{3})X$"), "decade"),
]
EXPECTED = "a date like YYYY, YYYY-MM, YYYY-MM-DD, YYYX (decade) or START/END ('..' for an open end)"


@dataclass(frozen=True)
class DateSpan:
    text: str
    precision: str
    earliest: dt.date | None
    latest: dt.date | None


def _single(text):
    """(precision, earliest, latest) of one date without '/'; ValueError if malformed or impossible."""
    for pattern, precision in SHAPES:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        if precision == "decade":
            return precision, dt.date(parts[0] * 10, 1, 1), dt.date(parts[0] * 10 + 9, 12, 31)
        if precision == "year":
            return precision, dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        if precision == "month":
            year, month = parts
            if not 1 <= month <= 12:
                raise ValueError(f"no month {month} in '{text}'")
            return precision, dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        try:
            day = dt.date(*parts)
        except ValueError:
            raise ValueError(f"no such day: '{text}'") from None
        return precision, day, day
    raise ValueError(f"expected {EXPECTED}, got '{text}'")


def parse(text):
    """The DateSpan a date string means; ValueError naming what is wrong."""
    if "/" not in text:
        precision, earliest, latest = _single(text)
        return DateSpan(text, precision, earliest, latest)
    start, _, end = text.partition("/")
    if start == ".." and end == "..":
        raise ValueError(f"a range needs at least one known end, got '{text}'")
    earliest = None if start == ".." else _single(start)[1]
    latest = None if end == ".." else _single(end)[2]
    if earliest and latest and latest < earliest:
        raise ValueError(f"the range ends before it starts: '{text}'")
    return DateSpan(text, "range", earliest, latest)


def precision_of(text):
    """The precision code of a date string (day, month, year, decade or range)."""
    return parse(text).precision
