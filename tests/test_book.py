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
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from afghan_relations.figures import RECOGNITION_STATES  # the ladder's rows, a choice of the figure

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html"
EXECUTED = REPO / "_build" / "jupyter_execute" / "chapters"
CHAPTERS = sorted((REPO / "chapters").glob("*.md"))

pytestmark = pytest.mark.skipif(
    not (HTML / "index.html").exists() or not EXECUTED.exists(), reason="the book is not built: run `make book` first"
)


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


def figures_of(page):
    """{id: {"img": attributes of its <img> or None, "caption": text}} of the page's <figure id=...> elements."""
    soup = BeautifulSoup((HTML / "chapters" / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    found = {}
    for figure in soup.find_all("figure", id=True):
        img, caption = figure.find("img"), figure.find("figcaption")
        found[figure["id"]] = {
            "img": dict(img.attrs) if img else None,
            "caption": caption.get_text() if caption else "",
        }
    return found


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
    for label in (
        "more than $1 billion, 1954–1978",
        "$800 million, from 1979",
        "$200 million, 1973",
        "$30 million, October 2005",
    ):
        assert label in text
    unpriced = [
        r
        for r in rows("aid_flows")
        if not r["amount_best"]
        and any(d in {"XRE", "XSR", "SUN", "RUS"} for d in r["donor"].split("|"))
        and any(x == "AFG" or x.startswith("AFG-") or x == "ORG-NORTHERN-ALLIANCE" for x in r["recipient"].split("|"))
    ]
    for flow in unpriced:  # every flow without an amount is drawn and labelled
        assert (
            flow["description"].replace("'", "&#39;").replace("&", "&amp;")[:30] in text
            or flow["description"][:30] in text
        )


def test_treaty_figure_legend_counts_equal_the_data():
    text = svg_text(figures_of("07-treaty-counts")["fig-treaty-counts"])
    treaties = rows("treaties")
    russian = {"XRE", "XSR", "SUN", "RUS"}

    def afghan(actor):
        return actor == "AFG" or actor.startswith("AFG-")

    with_russia = sum(
        1
        for t in treaties
        if {t["party_a"], t["party_b"]} & russian and any(afghan(p) for p in (t["party_a"], t["party_b"]))
    )
    about_afghanistan = sum(1 for t in treaties if t["about"] == "AFG")
    assert f"Russia / USSR ({with_russia})" in text
    assert f"Britain–Russia about Afghanistan ({about_afghanistan})" in text
    assert "Tajikistan (0)" in text


def test_recognition_ladder_names_every_state_it_claims():
    text = svg_text(figures_of("08-recognition")["fig-recognition-ladder"])
    for state in (
        "Russia",
        "Kazakhstan",
        "Kyrgyzstan",
        "China",
        "Pakistan",
        "United Arab Emirates",
        "Tajikistan",
        "United States",
        "United Nations",
    ):
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
    formal = min(
        (s for s in steps if s["act"] == "formal_recognition" and s["target"] == "AFG-IEA"), key=lambda s: s["date_min"]
    )
    assert recognition["recognizer"] == "Russia" and formal["actor"] == "RUS"
    credentials = next(s for s in steps if s["act"] == "credentials_accepted")
    assert (
        int(recognition["days_recognition_to_credentials"])
        == (day(credentials["date_min"]) - day(formal["date_min"])).days
        == 197
    )
    assert (
        int(recognition["days_charge_to_recognition"])
        == (day(formal["date_min"]) - day(by_id["RS014"]["date_min"])).days
    )
    assert int(recognition["n_order_claims"]) == sum(1 for s in steps if s["order_claim"])
    # the ladder's rows and span, as the prose and caption give them: the states of the figure with a
    # step since the Taliban's return (August 2021), and the data's last day
    last_days = {s["step_id"]: day(s["date_max"] or s["date_min"]) for s in steps}
    since = [s for s in steps if last_days[s["step_id"]] >= dt.date(2021, 8, 1)]
    assert int(recognition["n_states_in_ladder"]) == len({s["actor"] for s in since} & set(RECOGNITION_STATES))
    assert recognition["ladder_from"] == "August 2021"
    assert recognition["ladder_until"] == f"{max(last_days.values()):%B %Y}"


def test_generated_tables_have_as_many_rows_as_the_data():
    def table_rows(page, name):
        html = (HTML / "chapters" / f"{page}.html").read_text(encoding="utf-8")
        start = html.index(f'id="{name}"')
        body = html[start : html.index("</table>", start)]
        return body.count("<tr") - 1  # minus the header row

    assert table_rows("appendix-chronology", "tbl-chronology") == len(rows("events"))
    assert table_rows("appendix-discrepancies", "tbl-claims") == len(rows("claims"))
    assert table_rows("07-treaty-counts", "tbl-treaties") == len(rows("treaties"))
    assert table_rows("06-aid-flows", "tbl-aid-amounts") == sum(1 for r in rows("aid_flows") if r["amount_best"])
    assert table_rows("appendix-data", "tbl-datasets") == len(
        json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    )


def test_discrepancy_appendix_explains_every_claim():
    import html as html_lib

    def plain(text):  # the HTML has typographic quotes; compare letters, not quote styles
        for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
            text = text.replace(curly, straight)
        return " ".join(text.replace('"', "").split())

    page = plain(
        html_lib.unescape(
            re.sub(r"<[^>]+>", "", (HTML / "chapters" / "appendix-discrepancies.html").read_text(encoding="utf-8"))
        )
    )
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


# A date as the data write it, never as a reader does: a decade (192X), an open end (1956/..,
# ../1992-04, ..–2014), an ISO day or month (1992-04, 2025-07-03).
DATE_CODE = re.compile(r"\b[0-9]{3}X\b|[0-9]/\.\.|\.\./[0-9]|\.\.[\u2013-]|[\u2013-]\.\.|\b[0-9]{4}-[0-9]{2}\b")


def shown_texts():
    """(where, text) of every table and figure caption of every page, every figure's SVG text
    and every widget view's alt text and SVG text."""
    import base64
    import xml.etree.ElementTree as ET

    from bs4 import BeautifulSoup

    def svg_strings(svg):
        return " | ".join(" ".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))

    for page in sorted(HTML.rglob("*.html")):
        where = str(page.relative_to(HTML))
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.select("main table, main figure figcaption"):
            yield f"{where} <{element.name}>", element.get_text(" ")
        for img in soup.select("main figure img[src$='.svg']"):
            yield f"{where} {img['src']}", svg_strings((page.parent / img["src"]).read_bytes())
        for script in soup.find_all("script", type="application/vnd.jupyter.widget-state+json"):
            for model in json.loads(script.string)["state"].values():
                value = model["state"].get("value", "")
                if isinstance(value, str) and "<img" in value:
                    view = BeautifulSoup(value, "html.parser").img
                    yield f"{where} widget alt", view["alt"]
                    data = view["src"].split("base64,", 1)[1]
                    yield f"{where} widget figure", svg_strings(base64.b64decode(data))


def test_no_table_or_figure_shows_a_date_code():
    found, seen = [], 0
    for where, text in shown_texts():
        seen += 1
        found += [
            f"{where}: {m.group()!r} in ...{text[max(0, m.start() - 40) : m.end() + 20]!r}"
            for m in DATE_CODE.finditer(text)
        ]
    assert seen > 50, "too few tables and figures found: is the book built?"
    assert not found, "\n".join(found[:20])
