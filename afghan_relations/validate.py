"""Check the data files against datapackage.json; stop at the first bad cell with one clear line.

Everything checked comes from the schema: columns, required cells, types,
vocabularies, patterns, keys. The only rules written here are the ones a
Frictionless schema cannot say: date precision and derived days, word limits,
list-valued actor cells, polymorphic references and the amount bounds.
"""
import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import dates


class DataError(Exception):
    """A malformed data file; str() is one line: file, row (as an editor numbers it), column, expectation."""

    def __init__(self, file, message, row=None, column=None):
        self.file, self.row, self.column = file, row, column
        where = f"data/{file}" + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass
class Table:
    name: str
    file: str
    rows: list        # dicts of strings
    lines: list       # editor line number of each row


def read_schema(data_dir):
    path = Path(data_dir) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError("datapackage.json", f"expected a readable JSON data package ({error})") from None


def read_table(data_dir, resource):
    """Rows of one CSV as strings, after checking its encoding and exact header."""
    file = resource["path"]
    raw = (Path(data_dir) / file).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise DataError(file, f"expected UTF-8 text, got byte 0x{raw[error.start]:02x}", row=line) from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, [])
    expected = [f["name"] for f in resource["schema"]["fields"]]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = (f"missing {missing}" if missing else "") + ("; " if missing and extra else "") + \
                 (f"unexpected {extra}" if extra else "") or "columns out of order"
        raise DataError(file, f"expected the columns {expected}: {detail}", row=1)
    rows, lines = [], []
    line = reader.line_num + 1
    for values in reader:
        if len(values) != len(expected):
            raise DataError(file, f"expected {len(expected)} cells, got {len(values)}", row=line)
        rows.append(dict(zip(expected, values)))
        lines.append(line)
        line = reader.line_num + 1
    return Table(resource["name"], file, rows, lines)


def check_cell(table, line, field, value):
    """Required, type, bounds, vocabulary, pattern, word limit and date syntax of one cell."""
    c = field.get("constraints", {})
    name = field["name"]
    fail = lambda message: DataError(table.file, message, row=line, column=name)
    if value == "":
        if c.get("required"):
            raise fail("expected a value, got an empty cell")
        return
    if field["type"] in ("integer", "number"):
        pattern = r"^-?\d+$" if field["type"] == "integer" else r"^-?\d+(\.\d+)?$"
        if not re.match(pattern, value):
            raise fail(f"expected {'a whole' if field['type'] == 'integer' else 'a'} number, got '{value}'")
        if "minimum" in c and float(value) < c["minimum"]:
            raise fail(f"expected a number of at least {c['minimum']}, got '{value}'")
    if field["type"] == "date":
        try:
            dates.parse(value)
            assert dates.precision_of(value) == "day"
        except (ValueError, AssertionError):
            raise fail(f"expected a day as YYYY-MM-DD, got '{value}'") from None
    if "enum" in c and value not in c["enum"]:
        codes = c["enum"] if len(c["enum"]) <= 12 else c["enum"][:12] + ["..."]
        raise fail(f"expected a code of vocabulary '{field.get('vocabulary')}' ({', '.join(codes)}), got '{value}'")
    if field.get("dateFormat") == "edtf":
        try:
            dates.parse(value)
        except ValueError as error:
            raise fail(str(error)) from None
    if "pattern" in c and not re.match(c["pattern"], value):
        raise fail(f"expected a value matching {c['pattern']}, got '{value}'")
    if "maxWords" in field and len(value.split()) > field["maxWords"]:
        raise fail(f"expected at most {field['maxWords']} words, got {len(value.split())}")


def check_dates(table, line, row):
    """The precision column names the date's precision; date_min/date_max are the days it can mean."""
    column = "period" if "period" in row else "date" if "date" in row else "published" if "published" in row else None
    if column is None or "date_precision" not in row:
        return
    span = dates.parse(row[column])
    if row["date_precision"] != span.precision:
        raise DataError(table.file, f"expected '{span.precision}' for the date '{row[column]}', "
                                    f"got '{row['date_precision']}'", row=line, column="date_precision")
    for key, day in (("date_min", span.earliest), ("date_max", span.latest)):
        if key in row and row[key] != (day.isoformat() if day else ""):
            want = f"'{day.isoformat()}'" if day else "an empty cell (the range is open)"
            raise DataError(table.file, f"expected {want}, derived from '{row[column]}', got '{row[key]}'",
                            row=line, column=key)


def check_amounts(table, line, row):
    """aid_flows: low <= best <= high, and a qualifier exactly when there is an amount."""
    if "amount_best" not in row:
        return
    fail = lambda column, message: DataError(table.file, message, row=line, column=column)
    low, best, high = (float(row[k]) if row[k] else None for k in ("amount_low", "amount_best", "amount_high"))
    qualifier = row["amount_qualifier"]
    if best is None:
        if qualifier or low is not None or high is not None:
            raise fail("amount_best", "expected an amount where a qualifier or bound is given, got an empty cell")
        return
    if not qualifier:
        raise fail("amount_qualifier", "expected a qualifier (exact, about, at_least, at_most) for the amount")
    if qualifier == "at_least" and high is not None:
        raise fail("amount_high", "expected an empty cell: 'at_least' has no upper bound")
    if qualifier == "at_most" and low is not None:
        raise fail("amount_low", "expected an empty cell: 'at_most' has no lower bound")
    if low is not None and low > best:
        raise fail("amount_low", f"expected at most amount_best ({row['amount_best']}), got '{row['amount_low']}'")
    if high is not None and high < best:
        raise fail("amount_high", f"expected at least amount_best ({row['amount_best']}), got '{row['amount_high']}'")


def check_unique(table, resource):
    """Primary key and unique columns: report the repeat and the row of the first occurrence."""
    keys = resource["schema"].get("primaryKey", [])
    unique = [f["name"] for f in resource["schema"]["fields"] if f.get("constraints", {}).get("unique")]
    for columns in [keys] + [[u] for u in unique if [u] != keys]:
        seen = {}
        for row, line in zip(table.rows, table.lines):
            key = tuple(row[c] for c in columns)
            if key in seen:
                raise DataError(table.file, f"expected a unique value, got '{'/'.join(key)}' again "
                                            f"(first in row {seen[key]})", row=line, column=columns[0])
            seen[key] = line


def check_references(tables, resources):
    """Foreign keys, '|'-separated actor lists, aliases' and claims' polymorphic references."""
    ids = {r["name"]: {tuple(row[k] for k in r["schema"]["primaryKey"]) for row in tables[r["name"]].rows}
           for r in resources}
    single = lambda name: {k[0] for k in ids[name]}
    for resource in resources:
        table = tables[resource["name"]]
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for row, line in zip(table.rows, table.lines):
            for fk in resource["schema"].get("foreignKeys", []):
                column, target = fk["fields"], fk["reference"]["resource"]
                if row[column] and row[column] not in single(target):
                    raise DataError(table.file, f"expected an existing {fk['reference']['fields']} of {target}.csv, "
                                                f"got '{row[column]}'", row=line, column=column)
            for column, field in fields.items():
                if field.get("listOf") and row[column]:
                    for item in row[column].split("|"):
                        if item not in single(field["listOf"]):
                            raise DataError(table.file, f"expected '|'-separated existing actor_ids of actors.csv, "
                                                        f"got '{item}'", row=line, column=column)
            if resource["name"] == "aliases" and row["entity_id"] not in single(row["entity_table"]):
                raise DataError(table.file, f"expected an existing id of {row['entity_table']}.csv, got '{row['entity_id']}'",
                                row=line, column="entity_id")
            if resource["name"] == "claims" and row["record_id"] not in single(row["record_table"]):
                raise DataError(table.file, f"expected an existing id of {row['record_table']}.csv, got '{row['record_id']}'",
                                row=line, column="record_id")
            if resource["name"] == "claims" and row["field"] not in \
                    [f["name"] for f in next(r for r in resources if r["name"] == row["record_table"])["schema"]["fields"]]:
                raise DataError(table.file, f"expected a column of {row['record_table']}.csv, got '{row['field']}'",
                                row=line, column="field")


def check_vocabularies(schema, vocabulary_table):
    """Every enum in datapackage.json equals the codes vocabularies.csv lists for its vocabulary."""
    codes = {}
    for row in vocabulary_table.rows:
        codes.setdefault(row["vocabulary"], []).append(row["code"])
    for resource in schema["resources"]:
        for field in resource["schema"]["fields"]:
            enum = field.get("constraints", {}).get("enum")
            if enum is not None and enum != codes.get(field.get("vocabulary")):
                raise DataError("datapackage.json", f"expected the enum of {resource['name']}.{field['name']} to "
                                                    f"equal the codes of vocabulary '{field.get('vocabulary')}' "
                                                    f"in vocabularies.csv")


def validate_package(data_dir):
    """Check every file; return (rows, files) or raise DataError at the first problem."""
    schema = read_schema(data_dir)
    resources = schema["resources"]
    tables = {r["name"]: read_table(data_dir, r) for r in resources}
    check_vocabularies(schema, tables["vocabularies"])
    for resource in resources:
        table = tables[resource["name"]]
        for row, line in zip(table.rows, table.lines):
            for field in resource["schema"]["fields"]:
                check_cell(table, line, field, row[field["name"]])
            check_dates(table, line, row)
            check_amounts(table, line, row)
        check_unique(table, resource)
    check_references(tables, resources)
    return sum(len(t.rows) for t in tables.values()), len(tables)
