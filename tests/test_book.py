"""The built book: every figure captioned, sourced and described; numbers and tables match the data.

Values are recomputed here from the CSVs with the standard library, independently of the
book's package, so a bug in `afghan_relations` cannot make prose and test agree by accident.
"""
import csv
import datetime as dt
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html"
EXECUTED = REPO / "_build" / "jupyter_execute" / "chapters"
CHAPTERS = sorted((REPO / "chapters").glob("*.md"))

pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists() or not EXECUTED.exists(),
                                reason="the book is not built: run `make book` first")


def rows(name):
    with (REPO / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def day(text):
    return dt.date.fromisoformat(text)


def glued(chapter):
    """{name: text/plain value} of everything a chapter glued."""
    data = json.loads((EXECUTED / f"{chapter}.glue.json").read_text(encoding="utf-8"))
    out = {}
    for name, output in data.items():
        plain = output["data"].get("text/plain", output["data"].get("application/papermill.record/text/plain"))
        if plain is not None:
            out[name] = plain.strip("'\"")
    return out


class Figures(HTMLParser):
    """<figure id=...> elements with their <img> attributes and caption text."""

    def __init__(self):
        super().__init__()
        self.figures, self.current, self.in_caption = {}, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and attrs.get("id"):
            self.current = attrs["id"]
            self.figures[self.current] = {"img": None, "caption": ""}
        elif tag == "img" and self.current:
            self.figures[self.current]["img"] = attrs
        elif tag == "figcaption":
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.in_caption = False
        elif tag == "figure":
            self.current = None

    def handle_data(self, data):
        if self.current and self.in_caption:
            self.figures[self.current]["caption"] += data


def figures_of(page):
    parser = Figures()
    parser.feed((HTML / "chapters" / f"{page}.html").read_text(encoding="utf-8"))
    return parser.figures


def declared_figures(chapter_path):
    return re.findall(r"```\{glue:figure\} (\S+)\n:name: (\S+)", chapter_path.read_text(encoding="utf-8"))


def svg_text(figure):
    return (HTML / "chapters" / figure["img"]["src"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_executed_without_error(chapter):
    notebook = json.loads((EXECUTED / f"{chapter.stem}.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in notebook["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"]
    assert (HTML / "chapters" / f"{chapter.stem}.html").exists()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_has_number_caption_source_and_alt_text(chapter):
    declared = declared_figures(chapter)
    built = figures_of(chapter.stem)
    for _, name in declared:
        figure = built[name]
        assert figure["img"] is not None and (HTML / "chapters" / figure["img"]["src"]).exists()
        assert len(figure["img"].get("alt", "").split()) >= 12, f"{name}: alt text should state the finding"
        caption = " ".join(figure["caption"].split())
        assert re.match(r"Fig\. \d+(\.\d+)? ", caption), name  # appendices and intro are unnumbered
        assert "Source:" in caption and ".csv" in caption, name


def test_every_narrative_and_analytical_chapter_has_a_figure():
    numbered = [c for c in CHAPTERS if re.match(r"\d\d-", c.stem)]
    assert len(numbered) == 8
    assert all(declared_figures(c) for c in numbered)


def test_aid_figure_shows_the_stated_amounts():
    text = svg_text(figures_of("06-aid-flows")["fig-aid-russia"])
    for label in ("more than $1 billion, 1954–78", "$800 million, from 1979", "$200 million, 1973",
                  "$30 million, 2005"):
        assert label in text
    unpriced = [r for r in rows("aid_flows") if not r["amount_best"]
                and any(d in {"XRE", "XSR", "SUN", "RUS"} for d in r["donor"].split("|"))
                and any(x == "AFG" or x.startswith("AFG-") or x == "ORG-NORTHERN-ALLIANCE"
                        for x in r["recipient"].split("|"))]
    for flow in unpriced:  # every flow without an amount is drawn and labelled
        assert flow["description"].replace("'", "&#39;").replace("&", "&amp;")[:30] in text or \
            flow["description"][:30] in text


def test_treaty_figure_legend_counts_equal_the_data():
    text = svg_text(figures_of("07-treaty-counts")["fig-treaty-counts"])
    treaties = rows("treaties")
    russian = {"XRE", "XSR", "SUN", "RUS"}
    afghan = lambda a: a == "AFG" or a.startswith("AFG-")
    with_russia = sum(1 for t in treaties if {t["party_a"], t["party_b"]} & russian
                      and any(afghan(p) for p in (t["party_a"], t["party_b"])))
    about_afghanistan = sum(1 for t in treaties if t["about"] == "AFG")
    assert f"Russia / USSR ({with_russia})" in text
    assert f"Britain–Russia about Afghanistan ({about_afghanistan})" in text
    assert "Tajikistan (0)" in text


def test_recognition_ladder_names_every_state_it_claims():
    text = svg_text(figures_of("08-recognition")["fig-recognition-ladder"])
    for state in ("Russia", "Kazakhstan", "Kyrgyzstan", "China", "Pakistan", "United Arab Emirates",
                  "Tajikistan", "United States", "United Nations"):
        assert state in text
    assert "1st" in text


def test_glued_numbers_equal_values_recomputed_from_the_csvs():
    events, treaties, aid, steps = rows("events"), rows("treaties"), rows("aid_flows"), rows("recognition_steps")
    intro = glued("intro")
    assert int(intro["n_events"]) == len(events)
    assert int(intro["n_sources"]) == len(rows("sources"))
    assert intro["intro_first_recognition"] == "3 July 2025"
    assert int(intro["n_events_tajikistan"]) == sum(e["relationship"] == "afghanistan_tajikistan" for e in events)

    assert int(glued("07-treaty-counts")["n_treaties"]) == len(treaties)
    assert int(glued("06-aid-flows")["n_flows"]) == len(aid)
    assert int(glued("06-aid-flows")["n_tajik_with_amount"]) == 2

    recognition = glued("08-recognition")
    by_id = {s["step_id"]: s for s in steps}
    formal = min((s for s in steps if s["act"] == "formal_recognition" and s["target"] == "AFG-IEA"),
                 key=lambda s: s["date_min"])
    assert recognition["recognizer"] == "Russia" and formal["actor"] == "RUS"
    credentials = next(s for s in steps if s["act"] == "credentials_accepted")
    assert int(recognition["days_recognition_to_credentials"]) == \
        (day(credentials["date_min"]) - day(formal["date_min"])).days == 197
    assert int(recognition["days_charge_to_recognition"]) == \
        (day(formal["date_min"]) - day(by_id["RS014"]["date_min"])).days
    assert int(recognition["n_order_claims"]) == sum(1 for s in steps if s["order_claim"])


def test_generated_tables_have_as_many_rows_as_the_data():
    def table_rows(page, name):
        html = (HTML / "chapters" / f"{page}.html").read_text(encoding="utf-8")
        start = html.index(f'id="{name}"')
        body = html[start:html.index("</table>", start)]
        return body.count("<tr") - 1  # minus the header row
    assert table_rows("appendix-chronology", "tbl-chronology") == len(rows("events"))
    assert table_rows("appendix-discrepancies", "tbl-claims") == len(rows("claims"))
    assert table_rows("07-treaty-counts", "tbl-treaties") == len(rows("treaties"))
    assert table_rows("06-aid-flows", "tbl-aid-amounts") == sum(1 for r in rows("aid_flows") if r["amount_best"])
    assert table_rows("appendix-data", "tbl-datasets") == len(json.loads(
        (REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))["resources"])


def test_discrepancy_appendix_explains_every_claim():
    import html as html_lib

    def plain(text):  # the HTML has typographic quotes; compare letters, not quote styles
        for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
            text = text.replace(curly, straight)
        return " ".join(text.replace('"', "").split())
    page = plain(html_lib.unescape(re.sub(r"<[^>]+>", "", (HTML / "chapters" / "appendix-discrepancies.html")
                                          .read_text(encoding="utf-8"))))
    for claim in rows("claims"):
        assert plain(claim["reason"]) in page, claim["claim_id"]
        assert plain(claim["evidence"]) in page, claim["claim_id"]


@pytest.mark.parametrize("page, views", [("06-aid-flows", 4), ("08-recognition", 13), ("appendix-chronology", 17)])
def test_explorer_state_is_embedded_for_reading_without_a_kernel(page, views):
    # the page's widget state, moved out of the page by book_extensions/lazy_widgets.py
    script = (HTML / "_static" / "widget-state" / f"chapters--{page}.js").read_text(encoding="utf-8")
    state = json.loads(re.search(r"JSON\.stringify\((.*?)\);\n", script, re.S).group(1))
    models = state["state"].values()
    images = [m for m in models if m["model_name"] == "HTMLModel" and "<img" in m["state"].get("value", "")]
    assert len(images) == views
    assert all(' alt="' in m["state"]["value"] for m in images)
    links = [m for m in models if m["model_name"] == "LinkModel"]
    assert links, "views must switch in the browser (jslink), not through a kernel"


def test_no_prose_repeats_the_sources():
    tool = REPO.parent / "shared" / "tools" / "source_overlap.py"
    if not tool.exists():
        pytest.skip("../shared/tools/source_overlap.py is not beside this checkout")
    result = subprocess.run([sys.executable, str(tool), str(REPO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
