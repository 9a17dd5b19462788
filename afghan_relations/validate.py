"""Check the data files against datapackage.json; stop at the first problem with one clear line.

Frictionless, the validator of the Frictionless Data standards that datapackage.json follows,
checks everything the schema says: the header, the number of cells, types, required cells,
vocabularies (enum), patterns, bounds, unique ids and foreign keys. The book's own rules, which
a Table Schema cannot state, run in the same pass as frictionless checks (`Check` subclasses
below): dates at a stated precision (EdtfDates) and the days they derive (DerivedDays), word
limits (WordLimits), numbers in plain digits (PlainNumbers), '|'-separated lists of ids
(ListedIds), references whose table is named in another column (NamedTableReferences), and aid
amounts that agree with their qualifier (AmountRules).

Three rules are not frictionless checks, each for a reason given where it is written: the bytes
of a file (read_table), the descriptor (check_descriptor), and which error is reported first
(first_problem). Frictionless finds; this module words what it finds in the book's terms: every
message names the file, the row as an editor numbers its lines, the column, what was expected
and what was found, on one line.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import attrs
import frictionless
from frictionless import Check, Checklist, errors

from . import dates, evidence_rules
from .errors import DataError, read_datapackage  # noqa: F401  (the validator's errors, re-exported)

# Id column -> the column naming the table it points into (Frictionless has no such foreign key).
TABLE_NAMED_BY = {"entity_id": "entity_table", "record_id": "record_table"}
# [0-9] rather than \d, which also matches non-ASCII digits.
NUMBER_SHAPES = {"integer": re.compile(r"-?[0-9]+"), "number": re.compile(r"-?[0-9]+(\.[0-9]+)?")}
TYPES = {"string", "integer", "number", "date"}  # the types load._typed converts
LISTED_CODES = 12  # enums up to this long are spelled out in the message
LABEL_ERRORS = (errors.LabelError, errors.HeaderError)
CELL_COUNT_ERRORS = (errors.MissingCellError, errors.ExtraCellError, errors.BlankRowError)
# Characters no text of the sources can hold: C0 and C1 controls other than tab and line breaks
# (they cannot be typeset, and XML, hence SVG, forbids most of them). Anything else, markup-like
# or not, is text, and each page escapes it for its target (book.myst_text, figures.literal...).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A resource's path: a file name in the data folder, which the appendix links to as it is.
RESOURCE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv")


@dataclass
class Table:
    """One CSV as text: its header, its records, and the editor line each record starts on."""

    file: str
    header: list
    records: list  # one list of cells per data record
    lines: list  # lines[0] is the header's line (1), lines[k] the line of records[k - 1]

    def line(self, row_number):
        """The editor line of frictionless's row number (the header is row 1, a record spanning lines counts once)."""
        return self.lines[row_number - 1]

    def cell(self, row_number, column):
        record = self.records[row_number - 2]
        index = self.header.index(column) if column in self.header else len(record)
        return record[index] if index < len(record) else ""

    def keys(self, columns):
        """The value tuples of these columns, for references into this table."""
        if not all(c in self.header for c in columns):
            return set()
        at = [self.header.index(c) for c in columns]
        return {tuple(r[i] if i < len(r) else "" for i in at) for r in self.records}

    def first_line_with(self, columns, values):
        at = [self.header.index(c) for c in columns]
        for record, line in zip(self.records, self.lines[1:], strict=True):
            if tuple(record[i] if i < len(record) else "" for i in at) == values:
                return line
        return None


def read_table(data_dir, resource):
    """The records of one CSV as strings, with the editor line each starts on.

    The bytes are checked here, not by frictionless, which reads through a byte-order mark
    without a word and reports a bad byte without its line: the book's files are UTF-8 without
    a BOM, and an editor needs the line. The lines map frictionless's record numbers to editor
    lines, which differ once a cell holds a line break.
    """
    file = resource["path"]
    try:
        raw = (Path(data_dir) / file).read_bytes()
    except OSError:
        raise DataError(file, "expected the file that datapackage.json lists, got none") from None
    reader = csv.reader(io.StringIO(_decode(file, raw), newline=""))
    header = next(reader, [])
    records, lines = [], [1]
    start = reader.line_num + 1
    for cells in reader:
        records.append(cells)
        lines.append(start)
        start = reader.line_num + 1
    return Table(file, header, records, lines)


def _decode(file, raw):
    if raw.startswith(codecs.BOM_UTF8):
        raise DataError(file, "expected UTF-8 text without a byte-order mark, got one", row=1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DataError(file, f"expected UTF-8 text, got the byte 0x{raw[error.start]:02x}", row=line) from None


def _header_difference(names, header):
    missing = [name for name in names if name not in header]
    extra = [name for name in header if name not in names]
    parts = ([f"no column {', '.join(map(repr, missing))}"] if missing else []) + (
        [f"the extra column {', '.join(map(repr, extra))}"] if extra else []
    )
    if parts:
        return " and ".join(parts)
    return f"them in the order {', '.join(header)}" if len(header) == len(names) else "a repeated column"


def is_edtf(field):
    # The schema says dateFormat: Frictionless rejects an unknown 'format' on a string field.
    return field.get("dateFormat") == "edtf" or field.get("format") == "edtf"


def _as_list(columns):
    return [columns] if isinstance(columns, str) else list(columns)


# --- the book's rules as frictionless checks --------------------------------------------------


class BookRuleError(errors.CellError):
    """A rule of the book's data that a Table Schema cannot state; the note is the book's message."""

    type = "book-rule"
    title = "Book rule"
    description = "A rule of the book's data that a Table Schema cannot state (afghan_relations/validate.py)."
    template = "{note}"


class BookCellError(BookRuleError):
    type = "book-cell"
    title = "Book rule for one cell"


class BookRowError(BookRuleError):
    type = "book-row"
    title = "Book rule across the cells of a row"


class BookReferenceError(BookRuleError):
    type = "book-reference"
    title = "Book rule for a reference into another table"


@attrs.define(kw_only=True, repr=False)
class BookCheck(Check):
    """A check that reads the raw text of cells (frictionless hands checks typed values)."""

    Errors = [BookCellError]
    book: object = None  # the BookPackage: the descriptor as written, and the tables ids point into

    def fields(self):
        return self.book.resources[self.resource.name]["schema"]["fields"]

    @staticmethod
    def raw(row, name):
        """The cell as written (frictionless's row[name] is typed); '' if the row is short or has no such column."""
        if name not in row.field_names:
            return ""
        index = row.field_names.index(name)
        return row.cells[index] if index < len(row.cells) and row.cells[index] is not None else ""

    def problem(self, row, column, message):
        return self.Errors[0].from_row(row, note=message, field_name=column)


@attrs.define(kw_only=True, repr=False)
class PlainText(BookCheck):
    """Cells without control characters; any other character is text, shown as written."""

    type = "book-plain-text"

    def validate_row(self, row):
        for field in self.fields():
            control = CONTROL.search(self.raw(row, field["name"]))
            if control:
                got = f"U+{ord(control.group()):04X} at character {control.start() + 1}"
                yield self.problem(row, field["name"], f"expected text without control characters, got {got}")


@attrs.define(kw_only=True, repr=False)
class PlainNumbers(BookCheck):
    """Numbers in plain digits: frictionless also reads '$200', '2e8' and (as bare numbers) '200 USD'."""

    type = "book-plain-numbers"

    def validate_row(self, row):
        for field in self.fields():
            value = self.raw(row, field["name"])
            if field["type"] in NUMBER_SHAPES and value and not NUMBER_SHAPES[field["type"]].fullmatch(value):
                what = "a whole number" if field["type"] == "integer" else "a number"
                yield self.problem(row, field["name"], f"expected {what} in plain digits, got '{value}'")


@attrs.define(kw_only=True, repr=False)
class WordLimits(BookCheck):
    """A field's `maxWords` (the evidence phrases): not a Table Schema constraint."""

    type = "book-word-limits"

    def validate_row(self, row):
        for field in self.fields():
            words = len(self.raw(row, field["name"]).split())
            if "maxWords" in field and words > field["maxWords"]:
                yield self.problem(row, field["name"], f"expected at most {field['maxWords']} words, got {words}")


@attrs.define(kw_only=True, repr=False)
class EdtfDates(BookCheck):
    """Dates at their stated precision name days that exist (the schema's pattern checks only their shape)."""

    type = "book-edtf-dates"

    def validate_row(self, row):
        for field in self.fields():
            value = self.raw(row, field["name"])
            if is_edtf(field) and value:
                try:
                    dates.parse(value)
                except ValueError as error:
                    yield self.problem(row, field["name"], str(error))


@attrs.define(kw_only=True, repr=False)
class DerivedDays(BookCheck):
    """The precision column and date_min/date_max agree with the date as written."""

    type = "book-derived-days"
    Errors = [BookRowError]

    def validate_row(self, row):
        fields = self.fields()
        date = next((f["name"] for f in fields if is_edtf(f)), None)
        if date is None or not self.raw(row, date):
            return
        try:
            span = dates.parse(self.raw(row, date))
        except ValueError:
            return  # EdtfDates reports it
        written = self.raw(row, date)
        precision = next((f["name"] for f in fields if f.get("vocabulary") == "date_precision"), None)
        if precision and self.raw(row, precision) != span.precision:
            yield self.problem(
                row,
                precision,
                f"expected '{span.precision}', the precision of the {date} "
                f"'{written}', got '{self.raw(row, precision)}'",
            )
            return
        for column, day in (("date_min", span.earliest), ("date_max", span.latest)):
            if column in row.field_names and self.raw(row, column) != (day.isoformat() if day else ""):
                expected = f"'{day.isoformat()}'" if day else "an empty cell (open end)"
                yield self.problem(
                    row, column, f"expected {expected} for the {date} '{written}', got '{self.raw(row, column)}'"
                )
                return


@attrs.define(kw_only=True, repr=False)
class AmountRules(BookCheck):
    """Aid amounts in order (low <= best <= high) and a qualifier that fits them."""

    type = "book-amount-rules"
    Errors = [BookRowError]

    def validate_row(self, row):
        if "amount_best" not in row.field_names:
            return
        amounts = ("amount_low", "amount_best", "amount_high")
        text = {c: self.raw(row, c) for c in (*amounts, "amount_qualifier")}
        try:
            low, best, high = (float(text[c]) if text[c] else None for c in amounts)
        except ValueError:
            return  # not a number: the type check reports it
        problem = _amount_problem(text, low, best, high)
        if problem:
            yield self.problem(row, *problem)


def _amount_problem(text, low, best, high):
    qualifier = text["amount_qualifier"]
    if best is None and qualifier:
        return "amount_qualifier", f"expected an empty cell, as amount_best is empty, got '{qualifier}'"
    if best is not None and not qualifier:
        return "amount_qualifier", "expected a qualifier of amount_best, got an empty cell"
    if qualifier == "at_least" and high is not None:
        return "amount_high", f"expected an empty cell, as 'at_least' has no upper bound, got '{text['amount_high']}'"
    if qualifier == "at_most" and low is not None:
        return "amount_low", f"expected an empty cell, as 'at_most' has no lower bound, got '{text['amount_low']}'"
    upper = "amount_best" if best is not None else "amount_high"
    if low is not None and text[upper] and low > float(text[upper]):
        return "amount_low", f"expected at most {upper} ({text[upper]}), got '{text['amount_low']}'"
    if high is not None and best is not None and high < best:
        return "amount_high", f"expected at least amount_best ({text['amount_best']}), got '{text['amount_high']}'"
    return None


@attrs.define(kw_only=True, repr=False)
class ListedIds(BookCheck):
    """Every id of a '|'-separated list (the schema's `listOf`) exists in the table it names."""

    type = "book-listed-ids"
    Errors = [BookReferenceError]

    def validate_row(self, row):
        for field in self.fields():
            target, cell = field.get("listOf"), self.raw(row, field["name"])
            if target and cell:
                key = self.book.primary_key(target)
                ids = self.book.table(target).keys(key)
                unknown = next((item for item in cell.split("|") if (item,) not in ids), None)
                if unknown is not None:
                    yield self.problem(
                        row,
                        field["name"],
                        f"expected existing {'+'.join(key)}s of "
                        f"{self.book.path(target)} separated by '|', "
                        f"got '{unknown}' in '{cell}'",
                    )


@attrs.define(kw_only=True, repr=False)
class NamedTableReferences(BookCheck):
    """An id whose table another column names (aliases, claims), and a claim's column in that table."""

    type = "book-named-table-references"
    Errors = [BookReferenceError]

    def validate_row(self, row):
        for column, table_column in TABLE_NAMED_BY.items():
            if column in row.field_names and self.raw(row, column):
                target = self.raw(row, table_column)
                if target not in self.book.resources:
                    yield self.problem(
                        row, table_column, f"expected the name of a table in datapackage.json, got '{target}'"
                    )
                    return
                key = self.book.primary_key(target)
                if (self.raw(row, column),) not in self.book.table(target).keys(key):
                    yield self.problem(
                        row,
                        column,
                        f"expected an existing {'+'.join(key)} of "
                        f"{self.book.path(target)}, got '{self.raw(row, column)}'",
                    )
                    return
        # claims: the disputed column must exist in the table the claim is about
        table = self.raw(row, "record_table") if "record_table" in row.field_names else ""
        if "field" in row.field_names and table in self.book.resources:
            columns = [f["name"] for f in self.book.resources[table]["schema"]["fields"]]
            if self.raw(row, "field") not in columns:
                yield self.problem(
                    row, "field", f"expected a column of {self.book.path(table)}, got '{self.raw(row, 'field')}'"
                )


def book_checks(book):
    """The book's rules, in the order their problems are reported within a row."""
    kinds = [PlainText, PlainNumbers, WordLimits, EdtfDates, DerivedDays, AmountRules, ListedIds, NamedTableReferences]
    return [kind(book=book) for kind in kinds]


# --- the package -------------------------------------------------------------------------------


class BookPackage:
    """The descriptor and the tables of one data folder, each table read once."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.descriptor = read_datapackage(data_dir)
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}
        self._tables = {}

    def table(self, name):
        if name not in self._tables:
            self._tables[name] = read_table(self.data_dir, self.resources[name])
        return self._tables[name]

    def path(self, name):
        return self.resources[name]["path"]

    def primary_key(self, name):
        return tuple(_as_list(self.resources[name]["schema"]["primaryKey"]))


def check_descriptor(book):
    """Field types the loader can type, and every enum equal to its vocabulary's codes in vocabularies.csv.

    Not a frictionless check: checks see the rows of one table at a time, and this compares
    the descriptor with the rows of another (vocabularies.csv, where the codes are defined).
    """
    vocabularies = book.table("vocabularies")
    if vocabularies.header != [f["name"] for f in book.resources["vocabularies"]["schema"]["fields"]]:
        return  # its codes cannot be read; frictionless reports its header when the table's turn comes
    codes = {}
    for vocabulary, code in zip(_column(vocabularies, "vocabulary"), _column(vocabularies, "code"), strict=True):
        codes.setdefault(vocabulary, []).append(code)
    for resource in book.descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            where = f"{resource['name']}.{field['name']}"
            if field["type"] not in TYPES:
                raise DataError(
                    "datapackage.json",
                    f"expected the type of {where} to be one of {', '.join(sorted(TYPES))}, got '{field['type']}'",
                )
            enum, vocabulary = field.get("constraints", {}).get("enum"), field.get("vocabulary")
            if enum is None and vocabulary is None:
                continue
            wanted = codes.get(vocabulary)
            if enum != wanted:
                raise DataError(
                    "datapackage.json",
                    f"expected the enum of {where} to equal the codes of the "
                    f"vocabulary '{vocabulary}' in vocabularies.csv, got "
                    f"{_list_difference(enum, wanted)}",
                )


def _column(table, column):
    index = table.header.index(column)
    return [record[index] if index < len(record) else "" for record in table.records]


def _list_difference(got, wanted):
    if got is None:
        return "no enum"
    if wanted is None:
        return "a vocabulary that vocabularies.csv does not have"
    extra = [code for code in got if code not in wanted]
    missing = [code for code in wanted if code not in got]
    if extra or missing:
        return " and ".join(
            ([f"the extra codes {', '.join(extra)}"] if extra else [])
            + ([f"no codes {', '.join(missing)}"] if missing else [])
        )
    return f"them in the order {', '.join(got)}"


# --- frictionless's findings in the book's words -------------------------------------------------


def _field(resource, name):
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


def describe(error, resource, book):
    """(column, message) for one frictionless error in a table of the book, in the book's words."""
    table = book.table(resource["name"])
    fields = resource["schema"]["fields"]
    if isinstance(error, LABEL_ERRORS):
        names = [f["name"] for f in fields]
        return None, f"expected the columns {', '.join(names)}, got {_header_difference(names, table.header)}"
    if isinstance(error, CELL_COUNT_ERRORS):
        got = len(table.records[error.row_number - 2])
        return None, f"expected {len(fields)} cells, got {got}"
    if isinstance(error, errors.ForeignKeyError):
        target = error.reference_name or resource["name"]
        wanted = "+".join(error.reference_field_names)
        cells = "+".join(error.field_cells)
        return error.field_names[0], f"expected an existing {wanted} of {book.path(target)}, got '{cells}'"
    if isinstance(error, (errors.PrimaryKeyError, errors.UniqueError)):
        columns = (
            _as_list(resource["schema"]["primaryKey"])
            if isinstance(error, errors.PrimaryKeyError)
            else [error.field_name]
        )
        values = tuple(table.cell(error.row_number, c) for c in columns)
        first = table.first_line_with(columns, values)
        return columns[
            -1
        ], f"expected a unique {'+'.join(columns)}, got '{'+'.join(values)}' again (first in row {first})"
    if isinstance(error, BookRuleError):
        return error.field_name, error.note
    if isinstance(error, (errors.TypeError, errors.ConstraintError)):
        field = _field(resource, error.field_name)
        value = table.cell(error.row_number, error.field_name)
        return error.field_name, _cell_message(error, field, value)
    return None, f"expected valid data, got: {error.message}"


def _cell_message(error, field, value):
    if isinstance(error, errors.TypeError):
        if field["type"] == "date":
            return f"expected a day that exists, as YYYY-MM-DD, got '{value}'"
        what = {"integer": "a whole number", "number": "a number"}.get(field["type"], f"a {field['type']}")
        return f"expected {what} in plain digits, got '{value}'"
    constraints = field.get("constraints", {})
    constraint = re.match(r'constraint "(\w+)"', error.note)
    constraint = constraint.group(1) if constraint else ""
    if constraint == "required":
        return "expected a value, got an empty cell"
    if constraint == "enum":
        codes = constraints["enum"]
        listed = ", ".join(codes) if len(codes) <= LISTED_CODES else "see vocabularies.csv"
        return f"expected a code of the vocabulary '{field.get('vocabulary')}' ({listed}), got '{value}'"
    if constraint == "pattern":
        expected = dates.EXPECTED if is_edtf(field) else f"a value matching {constraints['pattern']}"
        return f"expected {expected}, got '{value}'"
    if constraint in ("minimum", "maximum"):
        bound = "at least" if constraint == "minimum" else "at most"
        return f"expected a number of {bound} {constraints[constraint]}, got '{value}'"
    return f"expected a value that meets the constraint '{constraint}' ({error.note}), got '{value}'"


# Which of a row's problems is reported first: the header, then the row's shape, then its cells
# (left to right), then rules across its cells, then ids, then references: the order in which a
# person fixing the file would want them.
PHASES = [
    (LABEL_ERRORS, 0),
    (CELL_COUNT_ERRORS, 1),
    ((errors.TypeError, errors.ConstraintError, BookCellError), 2),
    ((BookRowError,), 3),
    ((errors.PrimaryKeyError, errors.UniqueError), 4),
    ((errors.ForeignKeyError, BookReferenceError), 5),
]


def first_problem(found):
    """The error to report of those frictionless found in one table.

    Not left to frictionless: it lists a row's errors in the order its checks ran, all of its
    own before the book's; the book reports the first a reader meets.
    """

    def order(item):
        index, error = item
        row = getattr(error, "row_number", 1) or 1
        phase = next((p for kinds, p in PHASES if isinstance(error, kinds)), len(PHASES))
        return row, phase, getattr(error, "field_number", 0) or 0, index

    return min(enumerate(found), key=order)[1] if found else None


def validate_resource(book, resource, frictionless_resource):
    """Raise DataError for the first problem frictionless and the book's checks find in one table."""
    table = book.table(resource["name"])
    report = frictionless_resource.validate(checklist=Checklist(checks=book_checks(book)))
    error = first_problem([e for task in report.tasks for e in task.errors] + list(report.errors))
    if error is not None:
        column, message = describe(error, resource, book)
        row = table.line(error.row_number) if getattr(error, "row_number", None) else 1
        raise DataError(table.file, message, row=row, column=column)


def check_paths(book):
    """Every resource a CSV file of the data folder, named as it is (the data appendix links to it)."""
    for name, resource in book.resources.items():
        if not RESOURCE_PATH.fullmatch(str(resource.get("path", ""))):
            raise DataError(
                "datapackage.json",
                f"expected the path of {name} to be the name of a CSV file in data/, got '{resource.get('path')}'",
            )


def validate_package(data_dir):
    """Check datapackage.json and every file it lists; raise DataError at the first problem."""
    book = BookPackage(data_dir)
    check_paths(book)  # before any file is opened
    for name in book.resources:
        book.table(name)  # the bytes of every file first
    check_descriptor(book)
    try:
        package = frictionless.Package(book.descriptor, basepath=str(book.data_dir))
    except frictionless.FrictionlessException as error:
        raise DataError("datapackage.json", f"expected a valid data package, got: {error.error.message}") from None
    for resource in book.descriptor["resources"]:
        validate_resource(book, resource, package.get_resource(resource["name"]))
    evidence_rules.check(book, DataError)
    from .geography import check_coordinates  # the reference data must cover the data's places

    check_coordinates(data_dir)


def count_rows(data_dir):
    """(records, files) in the data folder."""
    book = BookPackage(data_dir)
    return sum(len(book.table(name).records) for name in book.resources), len(book.resources)
