"""Check the data files against datapackage.json; stop at the first problem with one clear line.

Everything checked comes from the schema: columns, required cells, types,
vocabularies, patterns, keys. The only rules written here are the ones a
Frictionless schema cannot say: dates at a stated precision and the days they
derive, word limits, '|'-separated actor lists, references whose table is named
in another column, and the bounds of aid amounts.
"""
import codecs
import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import dates

# Id column -> the column naming the table it points into (Frictionless has no such foreign key).
TABLE_NAMED_BY = {"entity_id": "entity_table", "record_id": "record_table"}
# [0-9] rather than \d, which also matches non-ASCII digits.
NUMBER_SHAPES = {"integer": re.compile(r"-?[0-9]+"), "number": re.compile(r"-?[0-9]+(\.[0-9]+)?")}
TYPES = {"string", "integer", "number", "date"}
LISTED_CODES = 12  # enums up to this long are spelled out in the message


class DataError(Exception):
    """A malformed data file. str() is one line: file, row (as an editor numbers lines), column, expectation."""

    def __init__(self, file, message, row=None, column=None):
        self.file, self.row, self.column = file, row, column
        where = f"data/{file}" + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
        # A cell may hold a line break; the message stays on one line.
        super().__init__(f"{where}: {message}".replace("\r", "\\r").replace("\n", "\\n"))

    def _render_traceback_(self):
        # In Jupyter the one line is the whole message, without a traceback.
        return [f"DataError: {self}"]


@dataclass
class Table:
    file: str
    rows: list   # one dict of strings per record
    lines: list  # the editor line each record starts on


def read_datapackage(data_dir):
    """datapackage.json as a dict."""
    try:
        return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError("datapackage.json", f"expected a readable JSON data package, got {error}") from None


def read_table(data_dir, resource):
    """The records of one CSV as strings, after checking its encoding and its header."""
    file = resource["path"]
    try:
        raw = (Path(data_dir) / file).read_bytes()
    except OSError:
        raise DataError(file, "expected the file that datapackage.json lists, got none") from None
    names = [field["name"] for field in resource["schema"]["fields"]]
    reader = csv.reader(io.StringIO(_decode(file, raw), newline=""))
    header = next(reader, [])
    if header != names:
        raise DataError(file, f"expected the columns {', '.join(names)}, got {_header_difference(names, header)}",
                        row=1)
    rows, lines = [], []
    start = reader.line_num + 1
    for cells in reader:
        if len(cells) != len(names):
            raise DataError(file, f"expected {len(names)} cells, got {len(cells)}", row=start)
        rows.append(dict(zip(names, cells)))
        lines.append(start)
        start = reader.line_num + 1
    return Table(file, rows, lines)


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
    parts = ([f"no column {', '.join(map(repr, missing))}"] if missing else []) + \
            ([f"the extra column {', '.join(map(repr, extra))}"] if extra else [])
    if parts:
        return " and ".join(parts)
    return f"them in the order {', '.join(header)}" if len(header) == len(names) else "a repeated column"


def is_edtf(field):
    # The schema says dateFormat: Frictionless rejects an unknown 'format' on a string field.
    return field.get("dateFormat") == "edtf" or field.get("format") == "edtf"


def cell_problem(field, value):
    """What one cell should have been, or None: required, type, vocabulary, pattern, word limit, date."""
    constraints = field.get("constraints", {})
    if value == "":
        return "expected a value, got an empty cell" if constraints.get("required") else None
    kind = field["type"]
    if kind in NUMBER_SHAPES:
        if not NUMBER_SHAPES[kind].fullmatch(value):
            what = "a whole number" if kind == "integer" else "a number"
            return f"expected {what} in plain digits, got '{value}'"
        if "minimum" in constraints and float(value) < constraints["minimum"]:
            return f"expected a number of at least {constraints['minimum']}, got '{value}'"
        if "maximum" in constraints and float(value) > constraints["maximum"]:
            return f"expected a number of at most {constraints['maximum']}, got '{value}'"
    if kind == "date" and not _is_day(value):
        return f"expected a day that exists, as YYYY-MM-DD, got '{value}'"
    codes = constraints.get("enum")
    if codes is not None and value not in codes:
        listed = ", ".join(codes) if len(codes) <= LISTED_CODES else "see vocabularies.csv"
        return f"expected a code of the vocabulary '{field.get('vocabulary')}' ({listed}), got '{value}'"
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        expected = dates.EXPECTED if is_edtf(field) else f"a value matching {constraints['pattern']}"
        return f"expected {expected}, got '{value}'"
    if "maxWords" in field and len(value.split()) > field["maxWords"]:
        return f"expected at most {field['maxWords']} words, got {len(value.split())}"
    if is_edtf(field):
        try:
            dates.parse(value)
        except ValueError as error:
            return str(error)
    return None


def _is_day(text):
    try:
        return dates.precision_of(text) == "day"
    except ValueError:
        return False


def date_problem(fields, row):
    """(column, expectation) if the precision or the derived first and last days do not fit the date."""
    date = next((f["name"] for f in fields if is_edtf(f)), None)
    if date is None or row[date] == "":
        return None
    span = dates.parse(row[date])
    precision = next((f["name"] for f in fields if f.get("vocabulary") == "date_precision"), None)
    if precision and row[precision] != span.precision:
        return precision, f"expected '{span.precision}', the precision of the {date} '{row[date]}', " \
                          f"got '{row[precision]}'"
    for column, day in (("date_min", span.earliest), ("date_max", span.latest)):
        if column in row and row[column] != (day.isoformat() if day else ""):
            expected = f"'{day.isoformat()}'" if day else "an empty cell (open end)"
            return column, f"expected {expected} for the {date} '{row[date]}', got '{row[column]}'"
    return None


def amount_problem(row):
    """(column, expectation) if aid amounts are out of order or their qualifier does not fit them."""
    if "amount_best" not in row:
        return None
    low, best, high = (float(row[c]) if row[c] else None for c in ("amount_low", "amount_best", "amount_high"))
    qualifier = row["amount_qualifier"]
    if best is None and qualifier:
        return "amount_qualifier", f"expected an empty cell, as amount_best is empty, got '{qualifier}'"
    if best is not None and not qualifier:
        return "amount_qualifier", "expected a qualifier of amount_best, got an empty cell"
    if qualifier == "at_least" and high is not None:
        return "amount_high", f"expected an empty cell, as 'at_least' has no upper bound, got '{row['amount_high']}'"
    if qualifier == "at_most" and low is not None:
        return "amount_low", f"expected an empty cell, as 'at_most' has no lower bound, got '{row['amount_low']}'"
    upper = "amount_best" if best is not None else "amount_high"
    if low is not None and row[upper] and low > float(row[upper]):
        return "amount_low", f"expected at most {upper} ({row[upper]}), got '{row['amount_low']}'"
    if high is not None and best is not None and high < best:
        return "amount_high", f"expected at least amount_best ({row['amount_best']}), got '{row['amount_high']}'"
    return None


class Package:
    """The descriptor and the tables of one data folder, each table read (and its header checked) once."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.descriptor = read_datapackage(data_dir)
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}
        self._tables, self._keys = {}, {}

    def table(self, name):
        if name not in self._tables:
            self._tables[name] = read_table(self.data_dir, self.resources[name])
        return self._tables[name]

    def keys(self, name, columns):
        """The set of value tuples of these columns in a table, for foreign keys."""
        if (name, columns) not in self._keys:
            self._keys[name, columns] = {tuple(row[c] for c in columns) for row in self.table(name).rows}
        return self._keys[name, columns]

    def primary_key(self, name):
        return tuple(_as_list(self.resources[name]["schema"]["primaryKey"]))


def _as_list(columns):
    return [columns] if isinstance(columns, str) else list(columns)


def check_descriptor(package):
    """Field types we know, and every enum equal to its vocabulary's codes in vocabularies.csv."""
    codes = {}
    for row in package.table("vocabularies").rows:
        codes.setdefault(row["vocabulary"], []).append(row["code"])
    for resource in package.descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            where = f"{resource['name']}.{field['name']}"
            if field["type"] not in TYPES:
                raise DataError("datapackage.json", f"expected the type of {where} to be one of "
                                                    f"{', '.join(sorted(TYPES))}, got '{field['type']}'")
            enum, vocabulary = field.get("constraints", {}).get("enum"), field.get("vocabulary")
            if enum is None and vocabulary is None:
                continue
            wanted = codes.get(vocabulary)
            if enum != wanted:
                raise DataError("datapackage.json", f"expected the enum of {where} to equal the codes of the "
                                                    f"vocabulary '{vocabulary}' in vocabularies.csv, got "
                                                    f"{_list_difference(enum, wanted)}")


def _list_difference(got, wanted):
    if got is None:
        return "no enum"
    if wanted is None:
        return "a vocabulary that vocabularies.csv does not have"
    extra = [code for code in got if code not in wanted]
    missing = [code for code in wanted if code not in got]
    if extra or missing:
        return " and ".join(([f"the extra codes {', '.join(extra)}"] if extra else []) +
                            ([f"no codes {', '.join(missing)}"] if missing else []))
    return f"them in the order {', '.join(got)}"


def reference_problem(package, resource, row):
    """(column, expectation) for the first reference to a record that does not exist."""
    schema = resource["schema"]
    for key in schema.get("foreignKeys", []):
        columns, target = tuple(_as_list(key["fields"])), key["reference"]["resource"] or resource["name"]
        values = tuple(row[c] for c in columns)
        if all(values) and values not in package.keys(target, tuple(_as_list(key["reference"]["fields"]))):
            wanted = "+".join(_as_list(key["reference"]["fields"]))
            return columns[0], f"expected an existing {wanted} of {package.resources[target]['path']}, " \
                               f"got '{'+'.join(values)}'"
    for field in schema["fields"]:
        target, cell = field.get("listOf"), row[field["name"]]
        if target and cell:
            ids = package.keys(target, package.primary_key(target))
            unknown = next((item for item in cell.split("|") if (item,) not in ids), None)
            if unknown is not None:
                wanted = "+".join(package.primary_key(target))
                return field["name"], f"expected existing {wanted}s of {package.resources[target]['path']} " \
                                      f"separated by '|', got '{unknown}' in '{cell}'"
    for column, table_column in TABLE_NAMED_BY.items():
        if column in row and row[column]:
            target = row[table_column]
            if target not in package.resources:
                return table_column, f"expected the name of a table in datapackage.json, got '{target}'"
            if (row[column],) not in package.keys(target, package.primary_key(target)):
                wanted = "+".join(package.primary_key(target))
                return column, f"expected an existing {wanted} of {package.resources[target]['path']}, " \
                               f"got '{row[column]}'"
    # claims: the disputed column must exist in the table the claim is about.
    if "field" in row and row.get("record_table") in package.resources:
        columns = [f["name"] for f in package.resources[row["record_table"]]["schema"]["fields"]]
        if row["field"] not in columns:
            return "field", f"expected a column of {package.resources[row['record_table']]['path']}, " \
                            f"got '{row['field']}'"
    return None


def check_resource(package, resource):
    """Every record of one table, top to bottom, each check in turn; raise at the first problem."""
    table, fields, schema = package.table(resource["name"]), resource["schema"]["fields"], resource["schema"]
    unique = [tuple(_as_list(schema["primaryKey"]))] if schema.get("primaryKey") else []
    unique += [(f["name"],) for f in fields if f.get("constraints", {}).get("unique") and (f["name"],) not in unique]
    first_seen = {columns: {} for columns in unique}
    for row, line in zip(table.rows, table.lines):
        for field in fields:
            message = cell_problem(field, row[field["name"]])
            if message:
                raise DataError(table.file, message, row=line, column=field["name"])
        problem = date_problem(fields, row) or amount_problem(row)
        if problem:
            raise DataError(table.file, problem[1], row=line, column=problem[0])
        for columns, seen in first_seen.items():
            key = tuple(row[c] for c in columns)
            if key in seen:
                raise DataError(table.file, f"expected a unique {'+'.join(columns)}, got '{'+'.join(key)}' again "
                                            f"(first in row {seen[key]})", row=line, column=columns[-1])
            seen[key] = line
        problem = reference_problem(package, resource, row)
        if problem:
            raise DataError(table.file, problem[1], row=line, column=problem[0])


def validate_package(data_dir):
    """Check datapackage.json and every file it lists; raise DataError at the first problem."""
    package = Package(data_dir)
    check_descriptor(package)
    for resource in package.descriptor["resources"]:
        check_resource(package, resource)
    from .geography import check_coordinates  # the reference data must cover the data's places
    check_coordinates(data_dir)


def count_rows(data_dir):
    """(records, files) in the data folder."""
    package = Package(data_dir)
    return sum(len(package.table(name).rows) for name in package.resources), len(package.resources)
