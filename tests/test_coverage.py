"""Every dated statement of the sources is coded: the introduction's claim, checked.

The test lists the sentences of the five sources that carry a year, a month, a decade or
an amount of money, and finds each in the data (some coded row's evidence phrase lies in
that sentence) or in data/reconciliation/coverage_exclusions.csv, which says why the
sentence is not a row of its own. For 002 only the report counts, not the unrelated
'Related Articles' block the aggregator appends.
"""

import re

import pandas as pd
import pytest

from afghan_relations import evidence_rules, load

pytestmark = pytest.mark.fast  # no built book needed: `make test-fast`

CODED = ["events", "treaties", "aid_flows", "recognition_steps", "claims"]
MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
DATED = re.compile(
    r"\b(1[7-9][0-9]{2}|20[0-9]{2})\b"  # a year
    r"|\b(1[7-9][0-9]0|20[0-9]0)s\b"  # a decade
    rf"|\b({MONTHS})\b"  # a month ('May' only beside a number: not the verb)
    r"|\bMay\s+[0-9]|[0-9]\s+May\b"
    r"|\$|\bbillions?\b|\bmillions?\b"
)  # an amount
# Evidence counts for a sentence when this many of its characters lie inside it (or all of a shorter sentence).
MIN_SHARED = 20


@pytest.fixture(scope="module")
def texts():
    seeds = load.seeds_dir()
    if seeds is None:
        pytest.skip("../shared/seeds is not beside this checkout: coverage cannot be checked")
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")}
    texts["002_37211eb2e83045b7.txt"] = texts["002_37211eb2e83045b7.txt"].split("Related Articles")[0]
    return texts


@pytest.fixture(scope="module")
def dated_sentences(texts):
    """(source, start, end, sentence) for every sentence that carries a date or an amount."""
    return [
        (name, start, end, text[start:end].strip())
        for name, text in sorted(texts.items())
        for start, end in evidence_rules.sentences(text)
        if DATED.search(text[start:end])
    ]


@pytest.fixture(scope="module")
def evidence_spans(texts):
    """(source, start, end) of every coded row's evidence phrase, at each place it occurs."""
    spans = []
    for name in CODED:
        for row in getattr(load, name)().itertuples():
            text = texts[row.source]
            spans += [(row.source, m.start(), m.end()) for m in re.finditer(re.escape(row.evidence), text)]
    return spans


@pytest.fixture(scope="module")
def exclusions():
    return pd.read_csv(load.data_dir() / "reconciliation" / "coverage_exclusions.csv", dtype=str, keep_default_na=False)


def is_coded(source, start, end, spans):
    return any(s == source and min(end, e) - max(start, b) >= min(MIN_SHARED, end - start) for s, b, e in spans)


def is_excluded(source, sentence, exclusions):
    return any(source == row.source and sentence.startswith(row.sentence_start) for row in exclusions.itertuples())


def test_the_sources_have_dated_sentences_to_check(dated_sentences):
    by_source = pd.Series([s for s, *_ in dated_sentences]).value_counts()
    # Every source dates something; the long Wikipedia article most of all.
    assert set(by_source.index) == {
        "000_a44a4a5e8a621d14.txt",
        "001_65db3d30432e030e.txt",
        "002_37211eb2e83045b7.txt",
        "003_31699e1dbdad6d90.txt",
        "004_977fb2f59cd3cc9a.txt",
    }
    assert by_source.idxmax() == "000_a44a4a5e8a621d14.txt" and by_source.max() > 40


def test_every_dated_sentence_is_coded_or_excluded_with_a_reason(dated_sentences, evidence_spans, exclusions):
    uncovered = [
        f"{source[:3]}: {sentence[:100]}"
        for source, start, end, sentence in dated_sentences
        if not is_coded(source, start, end, evidence_spans) and not is_excluded(source, sentence, exclusions)
    ]
    assert uncovered == [], "dated sentences neither coded nor excluded:\n" + "\n".join(uncovered)


def test_every_exclusion_names_a_dated_sentence_that_is_not_coded(dated_sentences, evidence_spans, exclusions):
    # An exclusion that no longer matches, or that a row now covers, is stale: the list stays honest.
    stale = []
    for row in exclusions.itertuples():
        hits = [
            (s, b, e)
            for s, b, e, sentence in dated_sentences
            if s == row.source and sentence.startswith(row.sentence_start)
        ]
        if len(hits) != 1 or is_coded(*hits[0], evidence_spans):
            stale.append(f"{row.source[:3]}: {row.sentence_start}")
    assert stale == []
    assert (exclusions["reason"].str.split().str.len() >= 4).all()


def test_a_sentence_counts_as_coded_only_where_evidence_lies_in_it():
    spans = [("x", 10, 60)]
    assert is_coded("x", 0, 40, spans)  # 30 characters shared
    assert not is_coded("x", 50, 100, spans)  # 10 characters shared
    assert is_coded("x", 55, 60, spans)  # a sentence shorter than the threshold, wholly inside
    assert not is_coded("y", 0, 40, spans)  # another source
