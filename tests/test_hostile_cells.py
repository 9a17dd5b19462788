"""Data is text, never markup: a book built from hostile cells shows them as text and runs nothing.

A copy of the working tree (as tests/test_rebuild.py makes it) gets cells holding raw
HTML, script, event-handler attributes, Markdown links and emphasis, MyST roles and
directives, pipes, line breaks, backticks, dollars and LaTeX specials, in text columns
that reach pages: event titles (chronology and the July 2025 table), treaty names,
aid descriptions (table and figure labels), an actor's name (tables, glued prose,
figure ticks, widget options and alt text), a period's label (figures, widget
options), a source's title and publisher (table, bibliography), an order claim
(table, figure) and a claim's reason and value (table, decisions). The copy is built
as `make pdf` builds it (HTML, then the PDF), and the test checks that

- each cell's text is on the page, as text (whitespace aside), in HTML and PDF;
- no <script>, event handler or link on any page comes from a cell;
- the widgets' embedded state reads back as JSON holding the cells as text;
- the figures' SVG text holds the cells as written (no mathtext);
- no file was copied into the site by a cell (a {download} role would copy one).

Payloads avoid straight quotes, '--' and '...': Sphinx's smartquotes turns those into
typographic quotes and dashes everywhere, data included, which is typography, not
markup (tests/test_escaping.py covers quotes with the MyST parser alone).

Slow (a cold HTML build and a PDF build of the copy, some minutes on 2 cores).
"""

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from repository import ROOT, build_command, copy_tree, env_for, pdf_name  # the same copy and build as `make bench`

from afghan_relations.figures import HISTORY_ACTS  # the acts the recognition history draws

pytestmark = pytest.mark.slow

HTML_BUILD = build_command()  # as `make html` and `make pdf` build the book
PDF_BUILD = [*build_command(), "--builder", "pdflatex"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PDF_NAME = pdf_name()

# Each payload is tagged (Q01, Q02...) so that a page, a figure or the PDF can be searched for it.
PAYLOADS = {
    "img": "<img src=x onerror=alert(101)>",
    "script": "<script>alert(102)</script>",
    "handler": "<b onmouseover=alert(103)>bold</b> <a href=javascript:alert(104)>a</a>",
    "link": "[click](https://example.com/q) <https://example.org/q>",
    "emphasis": "*em* **strong** _under_",
    "role": "{download}`../README.md`",
    "role_named": "{download}`config <../_config.yml>`",
    "directive": ":::{danger}\nboom\n:::",
    "fence": "```{note}\nnoted\n```",
    "pipe": "left | right",
    "newline": "one\ntwo",
    "backtick": "`tick` and ``two``",
    "dollar": "$x^2$ and $y$",
    "latex": r"\ { } % & # _ ^ ~ \textbf{b} \\",
    "substitution": "{{ sub }}",
    "entity": "&amp; &lt;b&gt;",
}
TAGS = {name: f"Q{i:02d}" for i, name in enumerate(PAYLOADS, 1)}


def cell(name):
    return f"{TAGS[name]} {PAYLOADS[name]}"


def shown(text):
    """A cell as a page shows it: whitespace (line breaks included) squeezed to single spaces."""
    return " ".join(text.split())


def edit_csv(path, key, changes):
    """Set cells of the rows whose key column has the given values: {key value: {column: text}}."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = csv.reader(handle)
    done = set()
    for record in records:
        row_key = record[header.index(key)]
        for column, value in changes.get(row_key, {}).items():
            record[header.index(column)] = value
            done.add(row_key)
    assert done == set(changes), f"{path.name}: no rows {set(changes) - done}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *records])
    path.write_text(out.getvalue(), encoding="utf-8")


def rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def poison(data):
    """Put the payloads into the copy's data; return {tag: the pages (stems) that must show it}."""
    events = rows(data / "events.csv")
    day_of_recognition = [e["event_id"] for e in events if e["date"] == "2025-07-03"]
    others = [e["event_id"] for e in events if e["date"] != "2025-07-03"]
    names = list(PAYLOADS)
    # every payload in an event title (the chronology lists them all), two on the day of recognition
    titled = day_of_recognition[:2] + others[: len(names) - 2]
    changes = {event: {"title": cell(name)} for event, name in zip(titled, names, strict=True)}
    edit_csv(data / "events.csv", "event_id", changes)
    expect = {TAGS[name]: {"appendix-chronology"} for name in names}
    for name in names[:2]:
        expect[TAGS[name]].add("04-taliban-return")

    treaties = rows(data / "treaties.csv")
    edit_csv(
        data / "treaties.csv",
        "treaty_id",
        {treaties[0]["treaty_id"]: {"name": cell("pipe")}, treaties[-1]["treaty_id"]: {"name": cell("role")}},
    )
    expect[TAGS["pipe"]].add("07-treaty-counts")
    expect[TAGS["role"]].add("07-treaty-counts")

    flows = rows(data / "aid_flows.csv")
    with_amount = next(f["flow_id"] for f in flows if f["amount_best"])
    edit_csv(data / "aid_flows.csv", "flow_id", {with_amount: {"description": cell("latex")}})
    expect[TAGS["latex"]].add("06-aid-flows")

    # Russia's name: tables (chapter 8's order claims), glued prose ("recognizer"), figure ticks, widgets
    edit_csv(data / "actors.csv", "actor_id", {"RUS": {"name": cell("dollar") + " " + PAYLOADS["script"]}})
    expect[TAGS["dollar"]].add("08-recognition")

    periods = rows(data / "periods.csv")
    edit_csv(data / "periods.csv", "period", {periods[1]["period"]: {"label": cell("img") + " $z$"}})

    sources = rows(data / "sources.csv")
    edit_csv(
        data / "sources.csv", "source", {sources[0]["source"]: {"title": cell("link"), "publisher": cell("emphasis")}}
    )
    for name in ("link", "emphasis"):
        expect[TAGS[name]] |= {"intro", "appendix-bibliography"}

    # a stated order of a step between Russia and Afghanistan: a table row and a label of the history figure
    steps = rows(data / "recognition_steps.csv")
    claimed = next(s["step_id"] for s in steps if s["order_rank"] and s["actor"] == "RUS" and s["act"] in HISTORY_ACTS)
    edit_csv(data / "recognition_steps.csv", "step_id", {claimed: {"order_claim": cell("backtick")}})
    expect[TAGS["backtick"]].add("08-recognition")

    claims = rows(data / "claims.csv")
    not_a_date = next(c["claim_id"] for c in claims if c["field"] not in ("date", "period", "published"))
    edit_csv(
        data / "claims.csv",
        "claim_id",
        {not_a_date: {"value": cell("fence")}, claims[0]["claim_id"]: {"reason": cell("directive")}},
    )
    expect[TAGS["fence"]].add("appendix-discrepancies")
    expect[TAGS["directive"]].add("appendix-discrepancies")
    return expect


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "book"
    folder.mkdir()
    copy_tree(folder, ROOT)
    expect = poison(folder / "data")
    env = env_for(folder)
    check = subprocess.run(
        [sys.executable, "-m", "afghan_relations", "validate"], cwd=folder, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, f"the hostile cells should pass validation (they are text):\n{check.stderr}"
    for command in (HTML_BUILD, PDF_BUILD):
        proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(command[1:])} failed:\n{(proc.stdout + proc.stderr)[-6000:]}"
    pdf = folder / "_build" / "latex" / PDF_NAME
    assert pdf.is_file(), f"no {pdf}"
    return {"dir": folder, "html": folder / "_build" / "html", "pdf": pdf, "expect": expect}


def page_soup(html, stem):
    return BeautifulSoup((html / "chapters" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")


def all_pages(html):
    for page in sorted(html.rglob("*.html")):
        yield page, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def test_every_hostile_cell_is_one_piece_of_text_on_its_pages(hostile):
    """Whole in one text node: no element (<em>, <a>, <code>, <img>, an admonition) was made of any part."""
    missing = []
    for name in PAYLOADS:
        for stem in sorted(hostile["expect"][TAGS[name]]):
            soup, want = page_soup(hostile["html"], stem), shown(cell(name))
            if not any(want in shown(text) for text in soup.find_all(string=True)):
                missing.append(f"{stem}: {cell(name)!r}")
    assert not missing, "not shown as one piece of text:\n" + "\n".join(missing)


# Attributes whose value a browser shows or reads out as text, never runs or follows.
TEXT_ATTRIBUTES = {"title", "alt", "aria-label"}


def test_no_script_handler_or_link_on_any_page_comes_from_a_cell(hostile):
    found = []
    for page, soup in all_pages(hostile["html"]):
        for element in soup.find_all(True):
            where = f"{page.relative_to(hostile['html'])}: <{element.name}>"
            # the widget state is JSON in a script element that no browser runs (checked below)
            if element.name == "script" and element.get("type") != WIDGET_STATE and "alert(" in element.get_text():
                found.append(f"{where} runs {element.get_text()[:80]!r}")
            for attribute, value in element.attrs.items():
                if attribute in TEXT_ATTRIBUTES:  # shown as text (a tooltip, alt text): data may say anything there
                    continue
                value = " ".join(value) if isinstance(value, list) else value
                if any(bad in value for bad in ("alert(", "javascript:", "example.com", "example.org")):
                    found.append(f"{where} {attribute}={value[:80]!r}")
    assert not found, "\n".join(found)


def test_widget_state_reads_back_with_the_cells_as_text(hostile):
    """The explorers' state: a JavaScript file per page (book_extensions/lazy_widgets.py) holding the
    JSON as an object literal; it must be one JSON document, with the cells inside it as strings."""
    checked = 0
    for script in sorted((hostile["html"] / "_static" / "widget-state").glob("*.js")):
        text = script.read_text(encoding="utf-8")
        literal = re.search(r"JSON\.stringify\((.*?)\);\n", text, re.S)
        assert literal, f"{script.name}: no state object"
        assert text.count("JSON.stringify(") == 1, f"{script.name}: data ended the object literal"
        labels = json.dumps(json.loads(literal.group(1)))  # the whole literal is one JSON document
        if "08-recognition" in script.name:
            assert TAGS["dollar"] in labels  # Russia's name, in the Dropdown options
        checked += 1
    assert checked >= 3, "expected the three explorers' widget state"
    for page in sorted(hostile["html"].rglob("*.html")):  # and none left in a page, where data could end it
        assert 'widget-state+json">' not in page.read_text(encoding="utf-8"), page.name


def svg_texts(svg):
    return [" ".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_figure_labels_hold_the_cells_as_written(hostile):
    texts = []
    for svg in (hostile["html"] / "_images").glob("*.svg"):
        texts += svg_texts(svg.read_bytes())
    joined = "\n".join(texts)
    russia = shown(cell("dollar") + " " + PAYLOADS["script"])
    assert russia in joined, "Russia's name is not a tick label as written (mathtext?)"
    assert shown(cell("img") + " $z$") in joined, "the period label is not shown as written"
    assert shown(cell("backtick")) in joined, "the order claim does not label the recognition history as written"


def test_no_file_is_copied_into_the_site_by_a_cell(hostile):
    html = hostile["html"]
    copied = sorted(p.name for p in html.rglob("*") if p.name in ("README.md", "_config.yml"))
    assert not copied, f"a cell's {{download}} role copied {copied} into the site"
    data_files = {p.name for p in (ROOT / "data").rglob("*") if p.is_file()}  # what the chapters link to
    downloads = {p.name for p in (html / "_downloads").rglob("*") if p.is_file()}
    assert downloads <= data_files, f"downloads that are not data files: {downloads - data_files}"


def pdf_text(pdf, *options):
    return subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


# pdftotext writes TeX's glyphs for \textasciitilde and \textasciicircum as the spacing accents.
PDF_GLYPHS = str.maketrans({"\u02dc": "~", "\u02c6": "^"})


def test_pdf_shows_every_hostile_cell_as_its_text(hostile):
    # -raw keeps the order TeX drew the text in, so a table cell's lines stay together; a long
    # cell wraps in its column, and TeX may hyphenate a word at a line's end
    text = pdf_text(hostile["pdf"], "-raw").translate(PDF_GLYPHS)
    readings = {shown(text), shown(re.sub(r"-\n", "", text))}
    missing = [cell(n) for n in PAYLOADS if not any(shown(cell(n)) in reading for reading in readings)]
    assert not missing, "not in the PDF as text: " + ", ".join(map(repr, missing))
