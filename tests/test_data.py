"""The data say what the sources say: provenance, integrity and hand-written spot checks."""

import pandas as pd
import pytest

from afghan_relations import analysis, load
from afghan_relations.errors import id_columns

pytestmark = pytest.mark.fast  # no built book needed: `make test-fast`

DESCRIPTOR = load.datapackage()
# every table whose rows quote their source, and each table's id column, as datapackage.json declares them
DATASETS_WITH_EVIDENCE = [
    r["name"] for r in DESCRIPTOR["resources"] if any(f["name"] == "evidence" for f in r["schema"]["fields"])
]
ID_COLUMNS = id_columns(DESCRIPTOR)
DATED = ["events", "treaties", "aid_flows", "recognition_steps"]


@pytest.fixture(scope="module")
def seed_texts():
    seeds = load.seeds_dir()
    if seeds is None:
        pytest.skip("../shared/seeds is not beside this checkout: evidence cannot be checked against the sources")
    texts = {path.name: path.read_text(encoding="utf-8") for path in seeds.glob("*.txt")}
    # 002's aggregator page appends unrelated 'Related Articles'; only the report is evidence.
    texts["002_37211eb2e83045b7.txt"] = texts["002_37211eb2e83045b7.txt"].split("Related Articles")[0]
    return texts


@pytest.mark.parametrize("name", DATASETS_WITH_EVIDENCE)
def test_every_evidence_phrase_is_verbatim_in_its_source(name, seed_texts):
    table = getattr(load, name)()
    missing = [
        (row[ID_COLUMNS[name]], row["evidence"])
        for _, row in table.iterrows()
        if row["evidence"] not in seed_texts[row["source"]]
    ]
    assert missing == []


@pytest.mark.parametrize("name", DATASETS_WITH_EVIDENCE)
def test_evidence_is_short(name):
    words = getattr(load, name)()["evidence"].str.split().str.len()
    assert words.between(1, 25).all()


def test_unrelated_block_of_002_is_not_used(seed_texts):
    related = (
        load.seeds_dir().joinpath("002_37211eb2e83045b7.txt").read_text(encoding="utf-8").split("Related Articles")[1]
    )
    assert "chloropicrin" in related  # the block exists and is about something else
    for name in DATASETS_WITH_EVIDENCE:
        table = getattr(load, name)()
        from_002 = table[table["source"] == "002_37211eb2e83045b7.txt"]
        assert all(e in seed_texts["002_37211eb2e83045b7.txt"] for e in from_002["evidence"])


@pytest.mark.parametrize("name", list(ID_COLUMNS))
def test_ids_are_unique(name):
    ids = getattr(load, name)()[ID_COLUMNS[name]]
    assert ids.is_unique and ids.notna().all()


@pytest.mark.parametrize("name", DATED)
def test_dates_lie_between_1830_and_2026(name):
    table = getattr(load, name)()
    known = pd.concat([table["date_min"].dropna(), table["date_max"].dropna()])
    assert known.min() >= pd.Timestamp("1830-01-01")
    assert known.max() <= pd.Timestamp("2026-12-31")
    assert (table["date_min"].notna() | table["date_max"].notna()).all()


def test_every_actor_reference_resolves():
    known = set(load.actors()["actor_id"])
    events, aid, treaties, steps = load.events(), load.aid_flows(), load.treaties(), load.recognition_steps()
    referenced = set().union(*events["actors"], *aid["donor"], *aid["recipient"])
    referenced |= set(treaties["party_a"]) | set(treaties["party_b"]) | set(treaties["about"].dropna())
    referenced |= set(steps["actor"]) | set(steps["target"])
    assert referenced - known == set()


def test_every_actor_is_used_or_named_by_an_alias_or_country():
    actors = load.actors()
    events, aid, treaties, steps = load.events(), load.aid_flows(), load.treaties(), load.recognition_steps()
    used = set().union(*events["actors"], *aid["donor"], *aid["recipient"])
    used |= set(treaties["party_a"]) | set(treaties["party_b"]) | set(treaties["about"].dropna())
    used |= set(steps["actor"]) | set(steps["target"]) | set(actors["country"].dropna())
    used |= set(load.aliases()["entity_id"]) | set(load.places()["country"])
    persons = actors["kind"] == "person"  # persons are named in titles and notes, not as parties
    assert set(actors.loc[~persons, "actor_id"]) - used == set()


def test_events_cover_the_whole_story_from_1837_to_january_2026():
    events = load.events()
    assert len(events) > 100
    assert events["date_min"].min() == pd.Timestamp("1837-01-01")
    credentials = events[(events["date"] == "2026-01-16") & (events["event_type"] == "mission")]
    assert len(credentials) == 1
    for relationship in ("afghanistan_russia", "afghanistan_tajikistan", "afghanistan_other", "britain_russia"):
        assert (events["relationship"] == relationship).sum() >= 5


# Spot checks, written by hand from the source texts.


def test_1921_friendship_treaty_with_soviet_russia():
    t = load.treaties().set_index("treaty_id")
    row = t[(t["date"] == "1921-02-28")].iloc[0]
    assert row["subject"] == "friendship" and row["date_precision"] == "day"
    assert {row["party_a"], row["party_b"]} == {"AFG", "XSR"}


def test_1978_twenty_year_friendship_treaty_with_the_ussr():
    t = load.treaties()
    row = t[t["date"] == "1978-12-05"].iloc[0]
    assert {row["party_a"], row["party_b"]} == {"AFG", "SUN"}  # "the two countries signed"
    assert row["subject"] == "friendship" and row["duration_years"] == 20


def test_1907_convention_is_coded_with_real_parties_and_afghanistan_as_subject():
    row = load.treaties().query("date == '1907'").iloc[0]
    assert {row["party_a"], row["party_b"]} == {"XRE", "GBR"} and row["about"] == "AFG"
    assert row["subject"] == "spheres_of_influence"


def test_russia_on_3_july_2025_is_the_earliest_formal_recognition_of_the_emirate():
    steps = load.recognition_steps()
    first = analysis.first_formal_recognition(steps)
    assert first["actor"] == "RUS" and first["date"] == "2025-07-03"
    assert first["order_rank"] == 1
    formal = steps[(steps["act"] == "formal_recognition") & (steps["target"] == "AFG-IEA")]
    assert (formal["date_min"] >= first["date_min"]).all()


def test_1973_agreement_is_200_million_dollars():
    aid = load.aid_flows()
    row = aid[aid["period"] == "1973"].iloc[0]
    assert row["amount_best"] == 200_000_000 and row["amount_qualifier"] == "exact"
    assert row["transaction"] == "commitment" and row["treaty_id"] == "TR011"


def test_1954_1978_aid_is_one_span_of_more_than_a_billion():
    aid = load.aid_flows()
    rows = aid[aid["period"] == "1954/1978"]
    assert len(rows) == 1  # never spread into yearly rows
    row = rows.iloc[0]
    assert row["amount_qualifier"] == "at_least" and row["amount_low"] == row["amount_best"] == 1e9
    assert pd.isna(row["amount_high"]) and row["aggregation"] == "multi_year_total"
    assert row["date_min"] == pd.Timestamp("1954-01-01") and row["date_max"] == pd.Timestamp("1978-12-31")


def test_flows_without_amount_are_kept():
    aid = load.aid_flows()
    rifles = aid[aid["quantity"].fillna("").str.contains("Kalashnikov")]
    assert len(rifles) == 1 and pd.isna(rifles.iloc[0]["amount_best"])
    assert aid["amount_best"].isna().sum() > aid["amount_best"].notna().sum()


def test_crimea_recognition_is_third_after_syria_and_venezuela():
    steps = load.recognition_steps()
    crimea = steps[(steps["actor"] == "AFG-IRA") & (steps["act"] == "border_recognition")].iloc[0]
    assert crimea["order_rank"] == 3 and crimea["date"] == "2014-03"
    earlier = steps[steps["actor"].isin(["SYR", "VEN"])]
    assert len(earlier) == 2 and (earlier["date_max"] <= crimea["date_max"]).all()


def test_russian_terrorist_listing_2003_and_delisting_april_2025():
    steps = load.recognition_steps()
    russia = steps[(steps["actor"] == "RUS") & (steps["target"] == "ORG-TALIBAN")]
    assert list(russia.sort_values("date_min")["act"]) == [
        "terrorist_listing",
        "delisting_announced",
        "terrorist_delisting",
    ]
    assert list(russia.sort_values("date_min")["date"]) == ["2003", "2024-05-28", "2025-04"]


def test_tajikistan_relations_established_15_june_1992_and_refusal_in_2021():
    steps = load.recognition_steps()
    tjk = steps[steps["actor"] == "TJK"].set_index("act")
    assert tjk.loc["relations_established", "date"] == "1992-06-15"
    # 'Following the Taliban takeover in 2021': the source gives the start, not an end.
    assert tjk.loc["refusal", "date"] == "2021-08/.." and tjk.loc["refusal", "target"] == "AFG-IEA"


def test_dates_keep_their_precision_and_are_never_padded():
    events = load.events()
    may_1959 = events[events["date"] == "1959-05"].iloc[0]
    assert may_1959["date_precision"] == "month"
    assert (may_1959["date_min"], may_1959["date_max"]) == (pd.Timestamp("1959-05-01"), pd.Timestamp("1959-05-31"))
    assert not events["date"].str.contains(r"-01-01$").any()


# Conflicts between sources.


def test_preferred_claims_are_the_values_in_the_main_tables():
    claims = load.claims()
    keys = {
        "events": "event_id",
        "treaties": "treaty_id",
        "aid_flows": "flow_id",
        "recognition_steps": "step_id",
        "actors": "actor_id",
    }
    for claim in claims[claims["rank"] == "preferred"].itertuples():
        table = getattr(load, claim.record_table)().set_index(keys[claim.record_table])
        held = table.loc[claim.record_id, claim.field]
        # Actor lists load as Python lists; the claim writes them as in the CSV, '|'-separated.
        held = "|".join(held) if isinstance(held, list) else str(held)
        assert held == claim.value, claim.claim_id


def test_every_conflict_has_one_preferred_claim_and_an_alternative():
    conflicts = analysis.conflicts(load.claims())
    claims = load.claims()
    per_group = claims.groupby(["record_table", "record_id", "field"], observed=True)["rank"]
    assert (per_group.apply(lambda r: (r == "preferred").sum()) == 1).all()
    assert (conflicts["n_claims"] >= 2).all()


def test_known_disagreements_are_recorded():
    claims = load.claims()
    credentials = set(claims.query("record_id == 'RS030' and field == 'date'")["value"])
    assert credentials == {"2025-07-03", "2026-01-16"}
    names = set(claims.query("record_id == 'PER-GUL-HASAN'")["value"])
    assert names == {"Gul Hasan", "Gul Hassan", "Ghulam Hassan"}
    assert set(claims.query("record_id == 'TR006' and field == 'date'")["value"]) == {"1921", "1928"}


def test_aliases_cover_the_spellings_the_sources_use():
    aliases = load.aliases()
    by_entity = aliases.groupby("entity_id")["alias"].apply(set)
    assert {"Gul Hasan", "Gul Hassan", "Ghulam Hassan"} <= by_entity["PER-GUL-HASAN"]
    assert {"Mazar-e-Sharif", "Mazar-i-Sharif"} <= by_entity["mazar-e-sharif"]
