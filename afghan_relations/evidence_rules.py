"""Rules that tie a coded value to the words of its evidence: the checks that caught errors in reconciliation.

Reconciling the book's coding with an independent second coding (data/reconciliation/)
found three kinds of error a schema cannot see, because each cell was well formed:

- a date more precise than the source: a day, month or year that neither the
  evidence nor a note resolving a relative date ("on Thursday", "last October") states;
- a diplomatic rank or level the evidence does not name ('ambassador' for "envoys");
- actor and target reversed: an Afghan envoy received in Moscow coded as Afghanistan
  accepting a Soviet envoy.

Each rule raises validate.DataError naming the file, the row as an editor numbers it,
and the column. Sentence splitting for the coverage test lives here too, so that the
test and tools/reconcile.py split the sources the same way.
"""

import re

from .dates import MONTHS

# The ranks and offices the level vocabulary names, and the word the evidence must use for each.
# 'state' is the codebook's level for lists and recognition, a kind of step rather than a rank.
LEVEL_WORDS = {
    "ambassador": "ambassador",
    "charge_d_affaires": "charg",
    "embassy": "embass",
    "business_office": "business",
}
STATE_LEVEL_ACTS = {
    "terrorist_listing",
    "delisting_announced",
    "terrorist_delisting",
    "formal_recognition",
    "recognition_withheld",
    "refusal",
    "relations_established",
    "border_recognition",
}
RECEIVING_ACTS = {"envoy_accepted", "credentials_accepted"}
# Adjectives that say whose envoy a phrase is about, and the state they mean.
ENVOY_OF = {
    "Afghan": "AFG",
    "Taliban": "AFG",
    "Russian": "RUS",
    "Soviet": "SUN",
    "Tajik": "TJK",
    "Chinese": "CHN",
    "Pakistani": "PAK",
}
ENVOY = re.compile(
    r"\b(" + "|".join(ENVOY_OF) + r")\b[\w\s-]{0,12}?\b(ambassador|envoys?|appointee|charg)", re.IGNORECASE
)
# The successor states a code's state counts as, for the envoy rule: Soviet Russia and the Soviet Union are Russia.
SAME_STATE = {"SUN": "RUS", "XSR": "RUS", "XRE": "RUS"}
DATED_TABLES = {"events": "date", "treaties": "date", "aid_flows": "period", "recognition_steps": "date"}


def sentences(text):
    """(start, end) of each sentence or line of a source text, for the coverage test and the matching."""
    starts = [0] + [m.end() for m in re.finditer(r"(?<=[.?!”\"'])\s+(?=[A-Z“\"'‘])|\n+", text)]
    ends = starts[1:] + [len(text)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if text[s:e].strip()]


def stated_day_problem(row, date_column):
    """An expectation if a day-precision date's day is stated neither in the evidence nor in the notes."""
    if row["date_precision"] != "day":
        return None
    year, month, day = (int(part) for part in row[date_column].split("-"))
    name = MONTHS[month - 1]
    written = re.compile(rf"\b0?{day} {name}\b|\b{name} 0?{day}\b")
    if written.search(row["evidence"]) or written.search(row.get("notes", "")):
        return None
    return (
        f"expected the day {day} {name} {year} in the evidence or in a note resolving a relative date "
        f"(such as 'Thursday'), got neither: code the date at the precision the source gives"
    )


def stated_level_problem(row):
    """An expectation if a rank or office is coded that the evidence does not name."""
    level = row["level"]
    if level == "state" and row["act"] not in STATE_LEVEL_ACTS:
        return f"expected 'state' only for lists and recognition, got it for the act '{row['act']}'"
    word = LEVEL_WORDS.get(level)
    if word and word not in row["evidence"].lower():
        return (
            f"expected the evidence to name the rank or office '{level}' (the word '{word}…'), got "
            f"'{row['evidence']}': leave the level empty when the source does not state it"
        )
    return None


def state_of(code, countries):
    """The state an actor code belongs to, with the Soviet states counted as Russia."""
    state = countries.get(code) or code.split("-")[0]
    return SAME_STATE.get(state, state)


def envoy_direction_problem(row, countries):
    """An expectation if the receiving state of an envoy is the envoy's own (actor and target reversed)."""
    if row["act"] not in RECEIVING_ACTS:
        return None
    match = ENVOY.search(row["evidence"])
    if not match:
        return None
    envoy_state = SAME_STATE.get(ENVOY_OF[match.group(1).capitalize()], ENVOY_OF[match.group(1).capitalize()])
    if state_of(row["actor"], countries) == envoy_state:
        return (
            f"expected the state that receives the envoy as actor, got '{row['actor']}', the sender of "
            f"'{match.group(0)}': actor and target are reversed"
        )
    return None


def records(table):
    """(record as a dict, editor line) for each record of a validate.Table."""
    # Run after the schema checks: every record has as many cells as the header.
    pairs = zip(table.records, table.lines[1:], strict=True)
    return [(dict(zip(table.header, record, strict=True)), line) for record, line in pairs]


def check(package, error):
    """Raise error(file, message, row=, column=) at the first row that breaks an evidence rule.

    Run after the schema checks, so every cell read here is known to be well formed.
    """
    countries = {row["actor_id"]: row["country"] for row, _ in records(package.table("actors"))}
    for name, date_column in DATED_TABLES.items():
        table = package.table(name)
        for row, line in records(table):
            message = stated_day_problem(row, date_column)
            if message:
                raise error(table.file, message, row=line, column=date_column)
            if name != "recognition_steps":
                continue
            message = stated_level_problem(row)
            if message:
                raise error(table.file, message, row=line, column="level")
            message = envoy_direction_problem(row, countries)
            if message:
                raise error(table.file, message, row=line, column="actor")
