"""Reconcile the book's coding of the sources with an independent second coding.

    python3 tools/reconcile.py          # write data/reconciliation/{matches,summary,agreement,changes}.csv
    python3 tools/reconcile.py --check  # fail if the committed outputs are not what the inputs give

Inputs, all committed under data/reconciliation/:
- first_coding/: the book's tables as they stood before reconciliation (a frozen copy);
- second_coding/: the independent coding (ids E001, R001, A001, T001), made from the
  five sources without sight of data/, with the coder's notes;
- reasons.csv: why each row of data/ differs from first_coding/ (the adjudication).

Matching works as the double-coded event datasets do (UCDP, ACLED): two rows are the
same record when they cite the same source, their evidence phrases overlap in the
text or lie in the same sentence, and their dates can mean a common day. Each pair
gets a score (evidence overlap first, then actors, type and title words) and pairs
are taken greedily, best first, one to one. Rows left over in the same table are then
paired across sources only when date, type and most actors agree and the titles share
words. Agreement is measured on the matched pairs only, field by field, BEFORE any
correction; rows only one coder found are counted apart.

Standard library only, so that the script runs without the book's environment.
Why not a record-linkage library (recordlinkage, splink): the pairs are few (under
200), and the decisive feature, where a phrase sits in a source text, is not one of
their comparators.
"""

import argparse
import csv
import io
import re
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from afghan_relations.errors import id_columns, read_datapackage  # noqa: E402  (standard library only, like this script)
from afghan_relations.evidence_rules import sentences  # noqa: E402  (standard library only, like this script)

DATA = REPO / "data"
HERE = DATA / "reconciliation"
SEEDS = REPO.parent / "shared" / "seeds"

ID = id_columns(read_datapackage(DATA))  # each table's id column, as datapackage.json declares it
MATCHED_TABLES = ["events", "recognition_steps", "aid_flows", "treaties"]
DATE = {"events": "date", "recognition_steps": "date", "aid_flows": "period", "treaties": "date"}
TYPE = {"events": "event_type", "recognition_steps": "act", "aid_flows": "kind", "treaties": "instrument"}
# Each coder's own words for a row; a step has none but its act, so the act stands in.
TITLE = {"events": "title", "recognition_steps": "act", "aid_flows": "description", "treaties": "name"}
# The fields compared, per table: (label in agreement.csv, how to read the value of a row).
FIELDS = {
    "events": [
        ("date", "date"),
        ("date_precision", "date_precision"),
        ("event_type", "event_type"),
        ("relationship", "relationship"),
        ("actors (all)", "actors:set"),
        ("acting party (first actor)", "actors:first"),
        ("place", "place"),
    ],
    "recognition_steps": [
        ("date", "date"),
        ("date_precision", "date_precision"),
        ("actor", "actor"),
        ("target", "target"),
        ("object", "object"),
        ("act", "act"),
        ("level", "level"),
        ("order_rank", "order_rank"),
    ],
    "aid_flows": [
        ("date", "period"),
        ("date_precision", "date_precision"),
        ("donor", "donor:set"),
        ("recipient", "recipient:set"),
        ("kind", "kind"),
        ("transaction", "transaction"),
        ("aggregation", "aggregation"),
        ("certainty", "certainty"),
        ("amount_qualifier", "amount_qualifier"),
        ("amount_best", "amount_best"),
    ],
    "treaties": [
        ("date", "date"),
        ("date_precision", "date_precision"),
        ("parties", "parties"),
        ("instrument", "instrument"),
        ("subject", "subject"),
        ("date_kind", "date_kind"),
        ("duration_years", "duration_years"),
    ],
}
CHANGE_TABLES = ["events", "treaties", "aid_flows", "recognition_steps", "claims", "actors"]
NEW_ROW = "(new row)"
REMOVED = "(row removed)"
WORD = re.compile(r"[a-z0-9]+")
STOP = {"the", "a", "an", "of", "to", "in", "and", "for", "on", "with", "its", "by", "as", "at", "from"}


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path, header, rows):
    path.write_text(as_csv(header, rows), encoding="utf-8")


def as_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[row[c] for c in header] for row in rows])
    return out.getvalue()


def source_texts():
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    # 002's aggregator page appends unrelated 'Related Articles': not evidence.
    texts["002_37211eb2e83045b7.txt"] = texts["002_37211eb2e83045b7.txt"].split("Related Articles")[0]
    return texts


class Locator:
    """Where an evidence phrase sits in its source: character span and sentence numbers."""

    def __init__(self, texts):
        self.texts = texts
        # The same split as the coverage test's, so that 'same sentence' means one thing.
        self.starts = {name: [start for start, _ in sentences(text)] for name, text in texts.items()}

    def span(self, source, evidence):
        at = self.texts[source].find(evidence)
        return None if at < 0 else (at, at + len(evidence))

    def sentences(self, source, evidence):
        span = self.span(source, evidence)
        if span is None:
            return set()
        starts = self.starts[source]
        first = max(i for i, s in enumerate(starts) if s <= span[0])
        last = max(i for i, s in enumerate(starts) if s < span[1])
        return set(range(first, last + 1))


def bounds(row):
    low = date.fromisoformat(row["date_min"]) if row["date_min"] else date.min
    high = date.fromisoformat(row["date_max"]) if row["date_max"] else date.max
    return low, high


def dates_overlap(a, b):
    (a0, a1), (b0, b1) = bounds(a), bounds(b)
    return a0 <= b1 and b0 <= a1


def words(text):
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a | b else 1.0


def actor_set(table, row):
    if table == "events":
        return set(row["actors"].split("|")) - {""}
    if table == "recognition_steps":
        return {row["actor"], row["target"]}
    if table == "aid_flows":
        return set(row["donor"].split("|")) | set(row["recipient"].split("|"))
    return {row["party_a"], row["party_b"]}


def evidence_overlap(locator, a, b):
    """Shared characters of the two evidence phrases over the shorter one (0 when apart)."""
    sa, sb = locator.span(a["source"], a["evidence"]), locator.span(b["source"], b["evidence"])
    if sa is None or sb is None:
        return 0.0
    shared = min(sa[1], sb[1]) - max(sa[0], sb[0])
    return max(shared, 0) / min(sa[1] - sa[0], sb[1] - sb[0])


def pair_score(locator, table, a, b):
    """How alike two rows are, or None when they cannot be the same record."""
    if not dates_overlap(a, b):
        return None
    # Titles are each coder's own words, so they weigh less than the quoted evidence, but they
    # tell apart two records drawn from one sentence (the gas wells and the occupation they fell in).
    description = 0.3 * (a[TYPE[table]] == b[TYPE[table]]) + 0.6 * jaccard(
        words(a[TITLE[table]]), words(b[TITLE[table]])
    )
    actors = 0.3 * jaccard(actor_set(table, a), actor_set(table, b))
    if a["source"] == b["source"]:
        overlap = evidence_overlap(locator, a, b)
        same_sentence = bool(
            locator.sentences(a["source"], a["evidence"]) & locator.sentences(b["source"], b["evidence"])
        )
        if overlap > 0 or same_sentence:
            return "evidence", overlap + 0.5 * same_sentence + actors + description
    # The same act quoted from another sentence or source: only when the dates overlap (tested above), the
    # type and most actors agree and the titles share words.
    if (
        a[TYPE[table]] == b[TYPE[table]]
        and jaccard(actor_set(table, a), actor_set(table, b)) >= 0.5
        and jaccard(words(a[TITLE[table]]), words(b[TITLE[table]])) >= 0.25
    ):
        return "content", actors + description
    return None


def match(locator, table, first, second):
    """One-to-one pairs (first row, second row, method, score), best score first, greedily."""
    candidates = []
    for a in first:
        for b in second:
            scored = pair_score(locator, table, a, b)
            if scored:
                method, score = scored
                # Pairs found through the evidence always beat pairs found by content alone.
                candidates.append((method == "evidence", score, a[ID[table]], b[ID[table]], method))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    taken_a, taken_b, pairs = set(), set(), []
    for _, score, id_a, id_b, method in candidates:
        if id_a not in taken_a and id_b not in taken_b:
            taken_a.add(id_a)
            taken_b.add(id_b)
            pairs.append((id_a, id_b, method, round(score, 3)))
    return pairs


def value(row, how, countries):
    column, _, mode = how.partition(":")
    if column == "parties":
        return "|".join(sorted({row["party_a"], row["party_b"]}))
    cell = row[column]
    if mode == "set":
        return "|".join(sorted(set(cell.split("|"))))
    if mode == "first":
        return cell.split("|")[0]
    if column in ("amount_best", "duration_years") and cell:
        return str(float(cell))
    return cell


def compare(table, pairs, first, second, countries):
    """Per matched pair, the fields whose values differ; per field, (compared, agreed)."""
    by_first = {r[ID[table]]: r for r in first}
    by_second = {r[ID[table]]: r for r in second}
    tally = {label: [0, 0] for label, _ in FIELDS[table]}
    differing = {}
    for id_a, id_b, _, _ in pairs:
        a, b = by_first[id_a], by_second[id_b]
        differing[id_a] = []
        for label, how in FIELDS[table]:
            same = value(a, how, countries) == value(b, how, countries)
            tally[label][0] += 1
            tally[label][1] += same
            if not same:
                differing[id_a].append(label)
    return tally, differing


def reconcile():
    """The four outputs as {file name: (header, rows)}."""
    locator = Locator(source_texts())
    countries = {}
    matches, summary, agreement = [], [], []
    for table in MATCHED_TABLES:
        first = read(HERE / "first_coding" / f"{table}.csv")
        second = read(HERE / "second_coding" / f"{table}.csv")
        pairs = match(locator, table, first, second)
        tally, differing = compare(table, pairs, first, second, countries)
        for id_a, id_b, method, score in pairs:
            matches.append(
                {
                    "table": table,
                    "first_id": id_a,
                    "second_id": id_b,
                    "method": method,
                    "score": score,
                    "differing_fields": "|".join(differing[id_a]),
                }
            )
        paired_a, paired_b = {p[0] for p in pairs}, {p[1] for p in pairs}
        matches += [
            {
                "table": table,
                "first_id": r[ID[table]],
                "second_id": "",
                "method": "first_only",
                "score": "",
                "differing_fields": "",
            }
            for r in first
            if r[ID[table]] not in paired_a
        ]
        matches += [
            {
                "table": table,
                "first_id": "",
                "second_id": r[ID[table]],
                "method": "second_only",
                "score": "",
                "differing_fields": "",
            }
            for r in second
            if r[ID[table]] not in paired_b
        ]
        summary.append(
            {
                "table": table,
                "first_rows": len(first),
                "second_rows": len(second),
                "matched": len(pairs),
                "first_only": len(first) - len(pairs),
                "second_only": len(second) - len(pairs),
            }
        )
        for label, (compared, agreed) in tally.items():
            agreement.append(
                {
                    "table": table,
                    "field": label,
                    "compared": compared,
                    "agreed": agreed,
                    "agreement": f"{agreed / compared:.3f}" if compared else "",
                }
            )
    return {
        "matches.csv": (["table", "first_id", "second_id", "method", "score", "differing_fields"], matches),
        "summary.csv": (["table", "first_rows", "second_rows", "matched", "first_only", "second_only"], summary),
        "agreement.csv": (["table", "field", "compared", "agreed", "agreement"], agreement),
        "changes.csv": (["table", "record_id", "field", "before", "after", "reason"], changes()),
    }


def changes():
    """Every cell of data/ that differs from the first coding, and every new row, with its reason."""
    reasons = {(r["table"], r["record_id"], r["field"]): r["reason"] for r in read(HERE / "reasons.csv")}
    used, rows, missing = set(), [], []
    for table in CHANGE_TABLES:
        key = ID[table]
        before = {r[key]: r for r in read(HERE / "first_coding" / f"{table}.csv")}
        for row in read(DATA / f"{table}.csv"):
            old = before.get(row[key])
            cells = (
                [(NEW_ROW, "", summary_of(table, row))]
                if old is None
                else [(c, old[c], row[c]) for c in row if row[c] != old[c]]
            )
            for field, was, now in cells:
                reason = reasons.get((table, row[key], field)) or reasons.get((table, row[key], "*"))
                used.add((table, row[key], field) if (table, row[key], field) in reasons else (table, row[key], "*"))
                if not reason:
                    missing.append(f"{table} {row[key]} {field}")
                rows.append(
                    {
                        "table": table,
                        "record_id": row[key],
                        "field": field,
                        "before": was,
                        "after": now,
                        "reason": reason or "",
                    }
                )
        # A removed row is a change like any other: it needs a reason (ids are never reused).
        for rid in sorted(set(before) - {r[key] for r in read(DATA / f"{table}.csv")}):
            reason = reasons.get((table, rid, REMOVED))
            used.add((table, rid, REMOVED))
            if not reason:
                missing.append(f"{table} {rid} {REMOVED}")
            rows.append(
                {
                    "table": table,
                    "record_id": rid,
                    "field": REMOVED,
                    "before": summary_of(table, before[rid]),
                    "after": "",
                    "reason": reason or "",
                }
            )
    if missing:
        sys.exit("data/reconciliation/reasons.csv: no reason for " + "; ".join(missing))
    stale = [" ".join(k) for k in reasons if k not in used]
    if stale:
        sys.exit("data/reconciliation/reasons.csv: reasons for no change: " + "; ".join(stale))
    return rows


def summary_of(table, row):
    """What a new row says, in one cell of changes.csv."""
    column = {
        "events": "title",
        "treaties": "name",
        "aid_flows": "description",
        "recognition_steps": "act",
        "claims": "value",
        "actors": "name",
    }[table]
    date_column = {"events": "date", "treaties": "date", "aid_flows": "period", "recognition_steps": "date"}
    when = f" ({row[date_column[table]]})" if table in date_column else ""
    if table == "recognition_steps":
        return f"{row['actor']} {row['act']} {row['target']}{when}"
    if table == "claims":
        return f"{row['record_table']} {row['record_id']} {row['field']}: {row['value']} ({row['rank']})"
    return row[column] + when


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed outputs instead of writing")
    args = parser.parse_args()
    stale = []
    for name, (header, rows) in reconcile().items():
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != as_csv(header, rows):
                stale.append(name)
        else:
            write(path, header, rows)
    if stale:
        sys.exit(f"data/reconciliation: {', '.join(stale)} out of date; run python3 tools/reconcile.py")


if __name__ == "__main__":
    main()
