"""The reconciliation with the second coding (data/reconciliation/) is reproducible and honest.

tools/reconcile.py matches the book's first coding with an independent second coding,
measures agreement before any correction, and lists every cell of data/ that differs
from the first coding with its reason. These tests rerun it and check the properties
the data appendix relies on.
"""

import subprocess
import sys

import pandas as pd
import pytest

from afghan_relations import load
from afghan_relations.errors import id_columns

pytestmark = pytest.mark.fast  # no built book needed: `make test-fast`

HERE = load.data_dir() / "reconciliation"
KEYS = id_columns(load.datapackage())  # each table's id column, as datapackage.json declares it


def read(name, folder=HERE):
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def changes():
    return read("changes.csv")


def test_committed_outputs_are_what_the_script_computes():
    if load.seeds_dir() is None:
        pytest.skip("../shared/seeds is not beside this checkout")
    result = subprocess.run(
        [sys.executable, "tools/reconcile.py", "--check"], capture_output=True, text=True, cwd=load.data_dir().parent
    )
    assert result.returncode == 0, result.stderr


def test_agreement_is_measured_on_the_matched_pairs_of_each_table():
    summary, agreement = read("summary.csv").set_index("table"), read("agreement.csv")
    for table, rows in agreement.groupby("table"):
        assert (rows["compared"].astype(int) == int(summary.loc[table, "matched"])).all()
        agreed, compared = rows["agreed"].astype(int), rows["compared"].astype(int)
        assert (agreed <= compared).all()
        assert (rows["agreement"].astype(float).round(3) == (agreed / compared).round(3)).all()
    counts = summary.astype({c: int for c in summary.columns})
    assert (counts["matched"] + counts["first_only"] == counts["first_rows"]).all()
    assert (counts["matched"] + counts["second_only"] == counts["second_rows"]).all()


def test_first_coding_snapshot_has_the_rows_the_second_coder_never_saw():
    first = read("events.csv", HERE / "first_coding")
    second = read("events.csv", HERE / "second_coding")
    # Separate id schemes: the second coder numbered its own rows without sight of data/.
    assert first["event_id"].str.startswith("EV").all() and second["event_id"].str.match(r"E[0-9]{3}$").all()


def test_every_change_has_a_reason_and_its_after_value_is_in_the_data(changes):
    assert (changes["reason"].str.split().str.len() >= 5).all()
    for row in changes.itertuples():
        if row.field in ("(new row)", "(row removed)"):
            continue
        table = read(f"{row.table}.csv", load.data_dir()).set_index(KEYS[row.table])
        assert table.loc[row.record_id, row.field] == row.after, (row.table, row.record_id, row.field)


def test_no_first_coding_row_lost_its_id(changes):
    # Chapters cite ids: an existing row is corrected in place, never renumbered.
    for path in sorted((HERE / "first_coding").glob("*.csv")):  # the tables the first coding kept
        table, key = path.stem, KEYS[path.stem]
        before = set(read(path.name, HERE / "first_coding")[key])
        now = set(read(f"{table}.csv", load.data_dir())[key])
        removed = set(changes.query("table == @table and field == '(row removed)'")["record_id"])
        assert before - now == removed


def test_the_errors_named_in_the_issue_are_corrected(changes):
    steps = load.recognition_steps().set_index("step_id")
    # RS004: the Afghan ambassador in Moscow was received by the Soviet Union, not the other way round.
    assert (steps.loc["RS004", "actor"], steps.loc["RS004", "target"]) == ("SUN", "AFG")
    # RS020-RS022: 'envoys' states no rank.
    assert steps.loc[["RS020", "RS021", "RS022"], "level"].isna().all()
    # EV109: the flag raising is dated to the report, not to a day the source does not give.
    events = load.events().set_index("event_id")
    assert events.loc["EV109", "date_precision"] == "range"
    fixed = set(zip(changes["record_id"], changes["field"], strict=True))
    assert {("RS004", "actor"), ("RS004", "target"), ("RS020", "level"), ("EV109", "date")} <= fixed


def test_a_chapter_that_loads_the_reconciliation_is_keyed_on_its_files():
    # The execution cache must re-run the data appendix when tools/reconcile.py rewrites its outputs.
    from book_extensions import execution_inputs

    folder = load.data_dir()
    reads = execution_inputs._datasets('summary = load.reconciliation("summary")\nload.events()', folder)
    assert {
        "events",
        "reconciliation/summary.csv",
        "reconciliation/agreement.csv",
        "reconciliation/changes.csv",
    } <= set(reads)
    assert not any(name.startswith("reconciliation/") for name in execution_inputs._datasets("load.events()", folder))


def test_the_loader_types_the_counts_and_refuses_an_unknown_table():
    assert load.reconciliation("agreement")["agreed"].dtype.kind == "i"
    with pytest.raises(ValueError, match="expected one of summary, agreement, changes, matches"):
        load.reconciliation("nonsense")
