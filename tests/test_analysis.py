"""afghan_relations.analysis: each derived fact on small hand-made tables, and the recognition path on the data."""

import math

import pandas as pd
import pytest

from afghan_relations import analysis, load

pytestmark = pytest.mark.fast


def step(step_id, actor, act, target="AFG-IEA", day="2025-07-03", until=None, **more):
    return {
        "step_id": step_id,
        "actor": actor,
        "act": act,
        "target": target,
        "object": "government",
        "level": more.pop("level", None),
        "order_rank": more.pop("order_rank", None),
        "date_min": day,
        "date_max": until or day,
        **more,
    }


@pytest.mark.parametrize(
    "actor, afghan",
    [("AFG", True), ("AFG-IEA", True), ("AFG-KIN", True), ("AFGHAN", False), ("RUS", False), ("ORG-AFG", False)],
)
def test_is_afghan_takes_the_country_and_its_governments_only(actor, afghan):
    assert analysis.is_afghan(actor) is afghan


def test_decimal_year_is_the_share_of_the_year_gone():
    years = analysis.decimal_year(["2020-01-01", "2021-07-02", "2024-12-31", None])
    assert years[0] == 2020.0
    assert years[1] == pytest.approx(2021 + 182 / 365)
    assert years[2] == pytest.approx(2024 + 365 / 366)  # a leap year has 366 days
    assert math.isnan(years[3])


def test_midpoint_year_uses_the_known_end_of_an_open_span(table):
    frame = table(
        [
            {"date_min": "2000-01-01", "date_max": "2001-12-31"},
            {"date_min": "2010-01-01", "date_max": None},
            {"date_min": None, "date_max": "1992-01-01"},
        ]
    )
    middle = analysis.midpoint_year(frame)
    assert middle[0] == pytest.approx(2000 + (1 + 364 / 365) / 2)
    assert middle[1] == 2010.0 and middle[2] == 1992.0


def test_period_of_puts_each_day_in_the_period_that_contains_it(periods):
    got = analysis.period_of(
        pd.to_datetime(["1992-01-01", "2021-07-31", "2021-08-01", "2026-12-31", "1991-12-31"]), periods
    )
    assert list(got.astype(object).where(got.notna(), None)) == [
        "russian_federation",
        "russian_federation",
        "islamic_emirate",
        "islamic_emirate",
        None,
    ]


def test_events_are_counted_in_the_period_of_their_first_possible_day(table, periods):
    events = table(
        [
            {
                "event_id": "E1",
                "relationship": "afghanistan_russia",
                "date_min": "2021-07-31",
                "date_max": "2021-08-31",
            },
            {
                "event_id": "E2",
                "relationship": "afghanistan_russia",
                "date_min": "2021-08-01",
                "date_max": "2021-08-01",
            },
            {"event_id": "E3", "relationship": "context", "date_min": None, "date_max": "2022-01-01"},
            {"event_id": "E4", "relationship": "afghanistan_tajikistan", "date_min": "2000-01-01", "date_max": None},
        ]
    )
    assert list(analysis.events_in_period(events, periods, "islamic_emirate")["event_id"]) == ["E2", "E3"]
    counts = analysis.afghan_russian_events_per_period(events, periods)
    assert counts.to_dict() == {"russian_federation": 1, "islamic_emirate": 1}


def test_the_taliban_return_is_the_first_day_of_the_last_period(real_data):
    periods = load.periods().set_index("period")
    assert periods.loc["islamic_emirate", "start"] == analysis.TALIBAN_RETURN
    assert periods.loc["russian_federation", "end"] == analysis.TALIBAN_RETURN - pd.Timedelta(days=1)


def test_since_taliban_return_keeps_what_may_fall_on_or_after_it(table):
    steps = table(
        [
            step("S1", "RUS", "mission_opened", day="2021-08-01"),
            step("S2", "RUS", "terrorist_listing", day="2003-01-01", until="2003-12-31"),
            step("S3", "TJK", "terrorist_listing", day="2019-01-01", until="2025-12-31"),  # a span reaching past it
            step("S4", "RUS", "mission_opened", day="2001-01-01", until=None),  # an open end: its known day counts
            step("S5", "TJK", "refusal", day="2021-07-31"),
        ]
    )
    steps.loc[3, "date_max"] = pd.NaT
    assert list(analysis.since_taliban_return(steps)["step_id"]) == ["S1", "S3"]
    assert list(analysis.since_taliban_return(steps, actor="RUS")["step_id"]) == ["S1"]


def test_treaty_counterparts_name_whom_afghanistan_signed_with():
    def row(a, b, about=""):
        return {"party_a": a, "party_b": b, "about": about}

    assert analysis.treaty_counterpart(row("AFG-KIN", "SUN")) == "Russia / USSR"
    assert analysis.treaty_counterpart(row("XRE", "GBR", "AFG")) == "Britain–Russia about Afghanistan"
    assert analysis.treaty_counterpart(row("XRE", "GBR", "PER")) == "Other states"
    assert analysis.treaty_counterpart(row("TJK", "AFG-IRA")) == "Tajikistan"
    assert analysis.treaty_counterpart(row("AFG", "GBR")) == "Other states"


def test_treaty_counts_keep_empty_periods_and_counterparts(table, periods):
    treaties = table(
        [
            {
                "treaty_id": "T1",
                "name": "A",
                "party_a": "AFG-IRA",
                "party_b": "RUS",
                "about": "",
                "subject": "trade_energy",
                "date_min": "2005-01-01",
                "date_max": "2005-12-31",
            },
            {
                "treaty_id": "T2",
                "name": "B",
                "party_a": "AFG-IEA",
                "party_b": "RUS",
                "about": "",
                "subject": "trade_energy",
                "date_min": "2022-09-01",
                "date_max": "2022-09-30",
            },
            {
                "treaty_id": "T3",
                "name": "C",
                "party_a": "AFG-IRA",
                "party_b": "TJK",
                "about": "",
                "subject": "friendship",
                "date_min": "2010-01-01",
                "date_max": "2010-12-31",
            },
        ]
    )
    by_period = analysis.treaty_counts_by_period(treaties, periods)
    assert by_period.loc["russian_federation"].to_dict() == {"friendship": 1, "trade_energy": 1}
    assert by_period.loc["islamic_emirate"].to_dict() == {"friendship": 0, "trade_energy": 1}
    by_counterpart = analysis.treaty_counts_by_counterpart(treaties, periods)
    assert by_counterpart.to_dict() == {
        "Russia / USSR": 2,
        "Britain–Russia about Afghanistan": 0,
        "Tajikistan": 1,
        "Other states": 0,
    }
    cumulative = analysis.cumulative_treaties(treaties, periods)
    assert list(cumulative["treaty_id"]) == ["T1", "T3", "T2"]  # in order of signing
    assert list(cumulative["cumulative"]) == [1, 1, 2]  # counted per counterpart


def test_flows_are_selected_by_donor_and_recipient(table):
    aid = table(
        [
            {
                "flow_id": "F1",
                "donor": ["SUN"],
                "recipient": ["AFG"],
                "transaction": "disbursement",
                "amount_best": 5.0,
            },
            {
                "flow_id": "F2",
                "donor": ["RUS"],
                "recipient": ["ORG-NORTHERN-ALLIANCE"],
                "transaction": "disbursement",
                "amount_best": 2.0,
            },
            {
                "flow_id": "F3",
                "donor": ["USA"],
                "recipient": ["AFG"],
                "transaction": "disbursement",
                "amount_best": 7.0,
            },
            {
                "flow_id": "F4",
                "donor": ["TJK"],
                "recipient": ["ORG-NRF"],
                "transaction": "commitment",
                "amount_best": 1.0,
            },
            {
                "flow_id": "F5",
                "donor": ["AFG-IEA"],
                "recipient": ["ORG-JAMAAT-ANSARULLAH"],
                "transaction": "pledge",
                "amount_best": None,
            },
            {"flow_id": "F6", "donor": ["SUN"], "recipient": ["AFG"], "transaction": "commitment", "amount_best": 3.0},
        ]
    )
    assert list(analysis.russian_flows_to_afghanistan(aid)["flow_id"]) == ["F1", "F2", "F6"]
    assert sorted(analysis.afghan_tajik_flows(aid)["flow_id"]) == ["F4", "F5"]
    russian = analysis.russian_flows_to_afghanistan(aid)
    assert analysis.stated_total(russian, "disbursement") == 7.0  # commitments are never added to it
    assert analysis.stated_total(russian, "pledge") == 0.0


def test_the_step_finds_exactly_one_or_says_what_it_found(table):
    steps = table(
        [
            step("S1", "RUS", "envoy_accepted", level="charge_d_affaires"),
            step("S2", "RUS", "envoy_accepted", level="ambassador"),
            step("S3", "CHN", "envoy_accepted", level="ambassador"),
        ]
    )
    assert analysis.the_step(steps, actor="RUS", level="charge_d_affaires")["step_id"] == "S1"
    assert analysis.the_step(steps, actor={"CHN", "PAK"}, act="envoy_accepted")["step_id"] == "S3"
    with pytest.raises(
        ValueError,
        match=r"expected one recognition step with actor='RUS', act='envoy_accepted', "
        r"got 2 \(S1, S2\)",
    ):
        analysis.the_step(steps, actor="RUS", act="envoy_accepted")
    with pytest.raises(ValueError, match=r"got 0 \(none\)"):
        analysis.the_step(steps, actor="USA")


def test_first_formal_recognition_is_the_earliest(table):
    steps = table(
        [
            step("S1", "XYZ", "formal_recognition", day="2026-01-01"),
            step("S2", "RUS", "formal_recognition", day="2025-07-03"),
            step("S3", "ABC", "formal_recognition", target="AFG-IRA", day="2002-01-01"),
        ]
    )
    assert analysis.first_formal_recognition(steps)["step_id"] == "S2"  # of the Emirate only


def test_russian_recognition_path_picks_each_milestone_by_meaning(real_data):
    steps = load.recognition_steps()
    path = analysis.russian_recognition_path(steps)
    picked = {name: getattr(path, name) for name in path.__dataclass_fields__}
    assert {name: (row["actor"], row["act"]) for name, row in picked.items()} == {
        "relations_1919": ("XSR", "relations_established"),
        "listing": ("RUS", "terrorist_listing"),
        "charge": ("RUS", "envoy_accepted"),
        "delisting_announced": ("RUS", "delisting_announced"),
        "delisting": ("RUS", "terrorist_delisting"),
        "recognition": ("RUS", "formal_recognition"),
        "credentials": ("RUS", "credentials_accepted"),
    }
    assert path.relations_1919["order_rank"] == 1 and path.charge["level"] == "charge_d_affaires"
    # in the order the story tells them
    days = [row["date_min"] for row in picked.values()]
    assert days == sorted(days)
    assert path.recognition["step_id"] == analysis.first_formal_recognition(steps)["step_id"]


def test_the_intervals_of_the_path_are_computed_from_its_days(real_data):
    path = analysis.russian_recognition_path(load.recognition_steps())
    assert path.years_between_firsts == 2025 - 1919 == 106
    assert path.years_on_list == 2025 - 2003
    assert path.days_recognition_to_credentials == 197  # 3 July 2025 to 16 January 2026
    assert path.days_charge_to_recognition == (pd.Timestamp("2025-07-03") - pd.Timestamp("2022-04-09")).days
    assert path.days_announced_to_recognition == (pd.Timestamp("2025-07-03") - pd.Timestamp("2024-05-28")).days
    assert path.months_announced_to_delisting == 11  # May 2024 to April 2025
    assert path.months_delisting_to_recognition == 3


def test_days_and_months_between():
    assert analysis.days_between("2024-02-28", "2024-03-01") == 2
    assert analysis.months_between("2024-05-28", "2025-04-01") == 11
    assert analysis.months_between("2025-04-30", "2025-04-01") == 0


@pytest.mark.parametrize(
    "amount, qualifier, text",
    [
        (1.2e9, "exact", "$1.2 billion"),
        (1e9, "at_least", "more than $1 billion"),
        (4e7, "about", "about $40 million"),
        (3e7, "at_most", "up to $30 million"),
        (2e8, None, "$200 million"),
    ],
)
def test_money_text_writes_amounts_as_the_book_does(amount, qualifier, text):
    assert analysis.money_text(amount, qualifier) == text


def test_constant_dollars_span_the_deflators_of_first_and_last_year(table):
    flows = table(
        [
            {"flow_id": "F1", "amount_best": 100.0, "date_min": "1980-01-01", "date_max": "1989-12-31"},
            {"flow_id": "F2", "amount_best": 100.0, "date_min": "2024-01-01", "date_max": "2024-12-31"},
            {"flow_id": "F3", "amount_best": None, "date_min": "2000-01-01", "date_max": "2000-12-31"},
        ]
    )
    ranges = analysis.constant_dollar_range(flows)
    assert set(ranges) == {"F1", "F2"}  # nothing to deflate without an amount
    low, high = ranges["F1"]
    assert 100 < low < high  # 1989 dollars are worth less than 1980 ones, both less than 2024's
    assert ranges["F2"] == pytest.approx((100.0, 100.0))


def test_conflicts_count_claims_and_name_the_preferred_value(table):
    claims = table(
        [
            {"record_table": "steps", "record_id": "S1", "field": "date", "value": "2026", "rank": "preferred"},
            {"record_table": "steps", "record_id": "S1", "field": "date", "value": "2025", "rank": "normal"},
            {"record_table": "actors", "record_id": "P1", "field": "name", "value": "Gul", "rank": "preferred"},
        ]
    )
    got = analysis.conflicts(claims)
    assert got.to_dict("records") == [
        {"record_table": "steps", "record_id": "S1", "field": "date", "n_claims": 2, "preferred": "2026"},
        {"record_table": "actors", "record_id": "P1", "field": "name", "n_claims": 1, "preferred": "Gul"},
    ]
