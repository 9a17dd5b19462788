"""Derived tables the chapters, figures and tests share.

Every number the book quotes is computed here from the loaded data, so prose
(through glue), figures and tests cannot drift apart.
"""

from dataclasses import dataclass

import pandas as pd

RUSSIAN_STATES = {"XRE", "XSR", "SUN", "RUS"}
AFGHAN_PREFIX = "AFG"
# The Taliban's return: the first day of the book's last period ('islamic_emirate' in
# periods.csv; tests/test_analysis.py checks they agree). A constant as well as a data row
# because figures and explorers draw "since the Taliban's return" without loading periods.
TALIBAN_RETURN = pd.Timestamp("2021-08-01")
EMIRATE = "AFG-IEA"
TALIBAN = "ORG-TALIBAN"


def is_afghan(actor_id):
    """True for Afghanistan and any of its governments (AFG, AFG-IEA, ...)."""
    return actor_id == AFGHAN_PREFIX or actor_id.startswith(AFGHAN_PREFIX + "-")


def decimal_year(dates):
    """Timestamps as fractional years (1959-07-02 -> 1959.5), NaN stays NaN."""
    dates = pd.to_datetime(pd.Series(dates))
    days_in_year = 365 + dates.dt.is_leap_year.astype(float)
    return dates.dt.year + (dates.dt.day_of_year - 1) / days_in_year  # days since 1 January


def midpoint_year(frame):
    """Middle of each record's [date_min, date_max] as a fractional year."""
    lo, hi = decimal_year(frame["date_min"]), decimal_year(frame["date_max"])
    return lo.where(hi.isna(), (lo + hi) / 2).fillna(hi)


def period_of(dates, periods):
    """The book period (code) each date falls in, as a categorical."""
    codes = list(periods["period"])
    bins = list(periods["start"]) + [periods["end"].iloc[-1] + pd.Timedelta(days=1)]
    return pd.cut(pd.to_datetime(pd.Series(dates)), bins=bins, labels=codes, right=False)


def events_in_period(events, periods, period):
    """Events the book assigns to `period`: by their first possible day (date_min, or date_max if the start is open)."""
    first_day = events["date_min"].fillna(events["date_max"])
    return events[(period_of(first_day, periods) == period).to_numpy()]


def afghan_russian_events_per_period(events, periods):
    """How many events between Afghanistan and a Russian state each period holds (by first day), every period listed."""
    counts = {
        period: int((events_in_period(events, periods, period)["relationship"] == "afghanistan_russia").sum())
        for period in periods["period"]
    }
    return pd.Series(counts, name="events")


def last_possible_days(frame):
    """The last day each row may fall on: date_max, or date_min where the end is open."""
    return frame["date_max"].fillna(frame["date_min"])


def last_possible_day(frame):
    """The latest day any row may fall on: where the recognition ladders' axis ends."""
    return last_possible_days(frame).max()


def since_taliban_return(frame, actor=None):
    """Rows that may fall on or after the Taliban's return (last possible day: date_max, or date_min
    where the end is open), optionally only one actor's: a step dated to a span that reaches past
    the return counts, as the recognition ladders draw it."""
    rows = frame[last_possible_days(frame) >= TALIBAN_RETURN]
    return rows if actor is None else rows[rows["actor"] == actor]


def treaty_counterpart(row):
    """Whom Afghanistan's treaty was with: the labels used by the treaty charts."""
    parties = {row["party_a"], row["party_b"]}
    if not any(is_afghan(p) for p in parties):
        if parties <= RUSSIAN_STATES | {"GBR"} and row["about"] == "AFG":
            return "Britain–Russia about Afghanistan"
        return "Other states"
    other = next(p for p in parties if not is_afghan(p))
    if other in RUSSIAN_STATES:
        return "Russia / USSR"
    if other == "TJK":
        return "Tajikistan"
    return "Other states"


COUNTERPARTS = ["Russia / USSR", "Britain–Russia about Afghanistan", "Tajikistan", "Other states"]


def treaties_with_counterpart(treaties, periods):
    """Treaties with their counterpart and period columns added."""
    out = treaties.copy()
    out["counterpart"] = pd.Categorical(out.apply(treaty_counterpart, axis=1), categories=COUNTERPARTS)
    out["period"] = period_of(out["date_min"], periods).values
    return out


def treaty_counts_by_period(treaties, periods):
    """Number of treaties per period (rows) and subject (columns), zeros kept."""
    t = treaties_with_counterpart(treaties, periods)
    return pd.crosstab(t["period"], t["subject"], dropna=False).reindex(periods["period"], fill_value=0)


def treaty_counts_by_counterpart(treaties, periods):
    """Number of treaties per counterpart, every counterpart listed."""
    t = treaties_with_counterpart(treaties, periods)
    return t["counterpart"].value_counts().reindex(COUNTERPARTS, fill_value=0)


def cumulative_treaties(treaties, periods):
    """Cumulative count of treaties by counterpart over signing years (midpoint of the date range)."""
    t = treaties_with_counterpart(treaties, periods)
    t["year"] = midpoint_year(t)
    t = t.sort_values("year")
    t["cumulative"] = t.groupby("counterpart", observed=False).cumcount() + 1
    return t[["treaty_id", "name", "counterpart", "year", "cumulative"]]


def flows_between(aid, donors, recipients):
    """Flows whose donors include one of `donors` and recipients one of `recipients` (predicates on ids)."""
    keep = aid["donor"].map(lambda ids: any(donors(i) for i in ids)) & aid["recipient"].map(
        lambda ids: any(recipients(i) for i in ids)
    )
    return aid[keep]


def is_russian_state(actor_id):
    """True for the Russian Empire, Soviet Russia, the USSR and the Russian Federation."""
    return actor_id in RUSSIAN_STATES


def is_afghan_side_of_russian_aid(actor_id):
    """Afghanistan, its governments, or the Northern Alliance that Russia armed against the Taliban."""
    return is_afghan(actor_id) or actor_id == "ORG-NORTHERN-ALLIANCE"


def is_tajik_side(actor_id):
    """Tajikistan or the Tajik groups the sources name (the opposition of the civil war, Jamaat Ansarullah)."""
    return actor_id == "TJK" or actor_id in {"ORG-UTO", "ORG-JAMAAT-ANSARULLAH"}


def is_afghan_side_of_tajik_flows(actor_id):
    """Afghanistan, its governments, or the anti-Taliban National Resistance Front."""
    return is_afghan(actor_id) or actor_id == "ORG-NRF"


def russian_flows_to_afghanistan(aid):
    """Flows from the Russian Empire, Soviet Russia, the USSR or Russia to Afghan recipients (incl. allied factions)."""
    return flows_between(aid, is_russian_state, is_afghan_side_of_russian_aid)


def afghan_tajik_flows(aid):
    """Flows between Tajikistan (or Tajik groups) and Afghanistan (or Afghan groups), either way."""
    tajik, afghan = is_tajik_side, is_afghan_side_of_tajik_flows
    return pd.concat([flows_between(aid, tajik, afghan), flows_between(aid, afghan, tajik)]).drop_duplicates("flow_id")


def stated_total(flows, transaction):
    """Sum of best amounts for one transaction type (commitments and disbursements are never added)."""
    return float(flows.loc[flows["transaction"] == transaction, "amount_best"].sum())


def first_formal_recognition(steps):
    """The earliest formal recognition of the Islamic Emirate: one row."""
    formal = steps[(steps["act"] == "formal_recognition") & (steps["target"] == EMIRATE)]
    return formal.sort_values("date_min").iloc[0]


def the_step(steps, **wanted):
    """The one step whose columns have the wanted values (actor, act, target, object, level, order_rank).

    A value may be a set (any of them). ValueError when no step or more than one matches,
    so a chapter never quotes the wrong row after the data change.
    """
    keep = pd.Series(True, index=steps.index)
    for column, value in wanted.items():
        keep &= steps[column].isin(value) if isinstance(value, (set, frozenset)) else steps[column] == value
    found = steps[keep.fillna(False).astype(bool)]
    if len(found) != 1:
        criteria = ", ".join(f"{column}={value!r}" for column, value in wanted.items())
        ids = ", ".join(found["step_id"]) or "none"
        raise ValueError(f"expected one recognition step with {criteria}, got {len(found)} ({ids})")
    return found.iloc[0]


@dataclass(frozen=True)
class RecognitionPath:
    """Russia's recognition of Afghanistan, from the 'first' of 1919 to the credentials of 2026.

    Each milestone is one row of recognition_steps, chosen by what it is (actor, act,
    target), not by its id; the intervals the chapters quote are computed here once.
    """

    relations_1919: pd.Series  # Soviet Russia, the first country to establish relations
    listing: pd.Series  # the Taliban put on Russia's terrorist list (2003)
    charge: pd.Series  # a Taliban chargé d'affaires accredited in Moscow
    delisting_announced: pd.Series
    delisting: pd.Series  # the Supreme Court's ruling
    recognition: pd.Series  # formal recognition of the Islamic Emirate
    credentials: pd.Series  # the ambassador's credentials accepted

    @property
    def years_between_firsts(self):
        return int(self.recognition["date_min"].year - self.relations_1919["date_min"].year)

    @property
    def years_on_list(self):
        return int(self.delisting["date_min"].year - self.listing["date_min"].year)

    @property
    def days_charge_to_recognition(self):
        return days_between(self.charge["date_min"], self.recognition["date_min"])

    @property
    def days_announced_to_recognition(self):
        return days_between(self.delisting_announced["date_min"], self.recognition["date_min"])

    @property
    def days_recognition_to_credentials(self):
        return days_between(self.recognition["date_min"], self.credentials["date_min"])

    @property
    def months_announced_to_delisting(self):
        return months_between(self.delisting_announced["date_min"], self.delisting["date_min"])

    @property
    def months_delisting_to_recognition(self):
        return months_between(self.delisting["date_min"], self.recognition["date_min"])


def russian_recognition_path(steps):
    """Russia's milestones towards recognizing Afghanistan's governments (see RecognitionPath)."""
    russia = {"actor": "RUS"}
    return RecognitionPath(
        relations_1919=the_step(steps, actor=RUSSIAN_STATES, act="relations_established", order_rank=1),
        listing=the_step(steps, **russia, act="terrorist_listing", target=TALIBAN),
        charge=the_step(steps, **russia, act="envoy_accepted", level="charge_d_affaires", target=EMIRATE),
        delisting_announced=the_step(steps, **russia, act="delisting_announced", target=TALIBAN),
        delisting=the_step(steps, **russia, act="terrorist_delisting", target=TALIBAN),
        recognition=the_step(steps, **russia, act="formal_recognition", target=EMIRATE),
        credentials=the_step(steps, **russia, act="credentials_accepted", target=EMIRATE),
    )


def days_between(earlier, later):
    """Whole days from one timestamp to another."""
    return int((pd.Timestamp(later) - pd.Timestamp(earlier)).days)


def months_between(earlier, later):
    """Calendar months from one date's month to another's (May 2024 to April 2025 is 11): for month-precision steps."""
    earlier, later = pd.Timestamp(earlier), pd.Timestamp(later)
    return (later.year - earlier.year) * 12 + later.month - earlier.month


CPI_BASE_YEAR = 2024


def constant_dollar_range(flows, base_year=CPI_BASE_YEAR):
    """Each stated amount in `base_year` dollars (US CPI-U, the `cpi` package's bundled BLS series).

    A total over a span cannot be deflated exactly without its yearly split, so
    the range runs from the amount deflated at the span's last year (low) to
    the amount deflated at its first year (high). An open end uses the known year.
    Returns {flow_id: (low, high)}.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpi warns that its bundled series is not today's; it is pinned on purpose
        import cpi

        out = {}
        for row in flows[flows["amount_best"].notna()].itertuples():
            first = row.date_min.year if not pd.isna(row.date_min) else row.date_max.year
            last = row.date_max.year if not pd.isna(row.date_max) else first
            values = [cpi.inflate(row.amount_best, year, to=base_year) for year in (first, last)]
            out[row.flow_id] = (min(values), max(values))
    return out


def money_text(amount, qualifier):
    """'$1.2 billion', 'more than $1 billion', 'about $40 million': an amount as the book writes it."""
    words = {"at_least": "more than ", "about": "about ", "at_most": "up to "}.get(qualifier, "")
    return f"{words}${amount / 1e9:g} billion" if amount >= 1e9 else f"{words}${amount / 1e6:g} million"


def conflicts(claims):
    """One row per disagreement (record, field): how many claims, and the value the book follows."""
    keys = ["record_table", "record_id", "field"]
    preferred = claims[claims["rank"] == "preferred"].set_index(keys)["value"]
    counted = claims.groupby(keys, observed=True, sort=False).size().rename("n_claims")
    return counted.to_frame().join(preferred.rename("preferred")).reset_index()


def _name_pattern(names):
    import re

    return re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def event_places(events, places, aliases):
    """(event_id, place_id) for every place an event is located at or names.

    An event's `place` is where the source locates it; a place (or a spelling of it in
    aliases.csv) named in its title or notes is there too ("Samarkand and Kokand",
    "a consulate in Mazar-i-Sharif"), so each place of an event gets the event's date.
    """
    spellings = {name: pid for pid, name in zip(places["place_id"], places["name"], strict=True)}
    spellings.update(
        {
            a: pid
            for a, pid, table in zip(aliases["alias"], aliases["entity_id"], aliases["entity_table"], strict=True)
            if table == "places"
        }
    )
    pattern = _name_pattern(spellings)
    pairs = []
    for row in events.itertuples():
        found = [] if pd.isna(row.place) else [row.place]
        text = " ".join(str(t) for t in (row.title, row.notes) if not pd.isna(t))
        found += [spellings[m] for m in pattern.findall(text)]
        pairs += [(row.event_id, pid) for pid in dict.fromkeys(found)]
    return pd.DataFrame(pairs, columns=["event_id", "place_id"])


def russian_advance(events, periods, places, aliases):
    """The imperial era's events in which the Russian Empire acted at a place: one row per place and event.

    Columns place_id, name, year (of the event's first possible day), event_type, title; by year.
    """
    imperial = events_in_period(events, periods, "imperial")
    russian = imperial[imperial["actors"].map(lambda actors: "XRE" in actors)]
    located = event_places(russian, places, aliases).merge(russian, on="event_id")
    located = located.merge(places[["place_id", "name"]], on="place_id")
    located["year"] = located["date_min"].fillna(located["date_max"]).dt.year
    return located.sort_values(["year", "event_id"])[["place_id", "name", "year", "event_type", "title"]]


def unplaced_border_events(events):
    """Armed clashes involving Tajikistan or the Tajik opposition that the sources place nowhere on the map."""
    involved = events["actors"].map(lambda actors: bool({"TJK", "ORG-UTO"} & set(actors)))
    return events[involved & (events["event_type"] == "armed_conflict") & events["place"].isna()].sort_values(
        "date_min"
    )
