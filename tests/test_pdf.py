"""The PDF edition (`make pdf` writes _build/latex/<name>.pdf; CI builds it before `make test`).

Checked with poppler-utils (pdfinfo, pdffonts, pdfimages, pdftotext) and the LaTeX log:
the title page, contents, every chapter and every caption are there, references are
resolved, fonts embedded, figures vector, tables inside the margins, widgets replaced by
their print note, no code cells, and the web edition links to the PDF. What is expected
is read from the repository (_toc.yml, chapter sources, CITATION.cff, _config.yml) and
from the built HTML book, not written down here.
"""

import re
import shutil
import subprocess
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from repository import ROOT, config, pdf_name

CONFIG = config()
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
LATEX = ROOT / "_build" / "latex"
STEM = Path(pdf_name()).stem
PDF, TEX, LOG = (LATEX / f"{STEM}.{ext}" for ext in ("pdf", "tex", "log"))
HTML = ROOT / "_build" / "html"
PDF_IN_HTML = HTML / "_static" / PDF.name  # where `make pdf` copies it

# What the PDF is built from: a PDF older than any of these is stale.
SOURCES = [
    ROOT / "_config.yml",
    ROOT / "_toc.yml",
    ROOT / "CITATION.cff",
    ROOT / "book_extensions" / "pdf_book.py",
    *ROOT.glob("chapters/*.md"),
    *ROOT.glob("data/*"),
    *ROOT.glob("afghan_relations/*.py"),
    *ROOT.glob("data/reference/*"),
    *ROOT.glob("book_extensions/*.py"),
]
PAGES = range(35, 81)  # about 50 pages in January 2026; far outside means chapters lost or a layout gone wrong
OVERFULL_LIMIT_PT = 5.0  # a line sticking out further than this is visibly off the text block
WIDGET_LEFTOVERS = (
    "Loading",
    "VBox(",
    "HBox(",
    "Dropdown(",
    "Stack(",
    "HTML(value",
    "widget-view",
    "application/vnd.jupyter",
)


def _skip_reason():
    if not PDF.is_file():
        return f"no {PDF.relative_to(ROOT)}: run `make pdf`"
    newer = [p.relative_to(ROOT) for p in SOURCES if p.stat().st_mtime > PDF.stat().st_mtime]
    if newer:
        return f"{PDF.relative_to(ROOT)} is older than {', '.join(map(str, newer[:3]))}: run `make pdf`"
    missing = [tool for tool in ("pdfinfo", "pdffonts", "pdfimages", "pdftotext") if not shutil.which(tool)]
    if missing:
        return f"{', '.join(missing)} not installed (Debian poppler-utils)"
    return None


pytestmark = [pytest.mark.pdf, pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))]


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@cache
def pages():
    """The text of each page (pdftotext separates pages with form feeds)."""
    return run("pdftotext", "-enc", "UTF-8", str(PDF), "-").split("\f")[:-1]


def squeeze(text):
    """Text compared without layout: no spaces, line breaks or hyphens (TeX hyphenates), any case,
    straight quotes (Sphinx makes them curly)."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text).casefold()


def toc_parts():
    """[(caption, numbered, [docname, ...]), ...] from _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [
        (part.get("caption"), part.get("numbered", False), [c["file"] for c in part["chapters"]])
        for part in toc["parts"]
    ], toc["root"]


def title_of(docname):
    """A chapter's title: the first level-1 heading of its source, Markdown marks removed."""
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    return re.sub(r"[*_`]", "", re.search(r"^# (.+)$", text, re.M).group(1)).strip()


def is_index_page(docname):
    """The web's page linking to the index (label book-index): in print, LaTeX's own index, unnumbered."""
    return "(book-index)=" in (ROOT / f"{docname}.md").read_text(encoding="utf-8")


def expected_headings():
    """[(label, title)]: the PDF's chapters as book_extensions/pdf_book.py arranges them."""
    parts, root = toc_parts()
    headings = [("", title_of(root))]
    number, letter = 0, 0
    for _, numbered, docs in parts:
        for doc in docs:
            title = title_of(doc)
            if numbered:
                number += 1
                headings.append((str(number), title))
            elif "bibliograph" in doc or is_index_page(doc):
                headings.append(("", title))
            else:
                letter += 1
                headings.append(
                    (
                        chr(ord("A") + letter - 1),
                        title.removeprefix("Appendix: ").capitalize() if title.startswith("Appendix: ") else title,
                    )
                )
    return headings


def captions_of(page):
    """Caption texts (without "Fig. 1") of the figures and tables of a built HTML page, in order."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    # .caption-text inside <figcaption> or <caption>: not the sidebar's part captions
    return [span.get_text().strip() for span in soup.select("figcaption .caption-text, caption .caption-text")]


def html_captions():
    if not (HTML / "index.html").is_file():
        pytest.skip("no built HTML book to read the captions from: run `make book`")
    captions = {}
    for page in sorted((HTML / "chapters").glob("*.html")):
        captions[page.stem] = captions_of(page)
    return captions


def test_title_page_has_title_authors_version_and_date():
    first = squeeze(pages()[0])
    released = date.fromisoformat(str(CITATION["date-released"]))
    for part in (
        CONFIG["title"],
        CONFIG["author"],
        f"Version {CITATION['version']}",
        f"{released.day} {released:%B %Y}",
    ):
        assert squeeze(part) in first, f"{part!r} not on the title page"
    info = run("pdfinfo", str(PDF))
    assert re.search(r"^Title:\s+" + re.escape(CONFIG["title"]) + "$", info, re.M)


def test_contents_lists_every_chapter_numbered_as_on_the_web():
    contents = next((i for i, text in enumerate(pages()[:4]) if "Contents" in text.title()), None)
    assert contents is not None, "no Contents page among the first four"
    toc = squeeze("".join(pages()[contents : contents + 3]))
    for label, title in expected_headings():
        assert squeeze(label + title) in toc, f"{label} {title!r} not in the table of contents"


def test_every_chapter_is_in_the_body():
    body = squeeze("".join(pages()[4:]))
    for label, title in expected_headings():
        assert squeeze(title) in body, f"chapter {label} {title!r} missing"


def test_pages_have_running_headers_with_title_and_version():
    header = squeeze(f"{CONFIG['title']}, Version {CITATION['version']}")
    with_header = sum(header in squeeze(text) for text in pages())
    assert with_header > len(pages()) / 2


def test_page_count_is_in_the_expected_range():
    count = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(PDF)), re.M).group(1))
    assert count == len(pages())
    assert count in PAGES, f"{count} pages, expected {PAGES.start}-{PAGES.stop - 1}"


def test_cross_references_are_resolved():
    assert not [i + 1 for i, text in enumerate(pages()) if "??" in text], "unresolved reference (??)"
    log = LOG.read_text(encoding="utf-8", errors="replace")  # the last xelatex run's
    assert not re.findall(r"LaTeX Warning: (?:Hyper r|R)eference .*? undefined", log)
    assert "There were undefined references" not in log


def test_every_font_is_embedded():
    rows = run("pdffonts", str(PDF)).splitlines()[2:]
    assert rows
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, f"fonts not embedded: {not_embedded}"
    assert not [row for row in rows if "Type 3" in row], "bitmap (Type 3) fonts"


def test_figures_are_vector_and_captioned():
    listed = run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    assert not listed, f"raster images in the PDF (figures should be vector): {listed[:5]}"
    tex = TEX.read_text(encoding="utf-8")
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{?([^}]+)\}?([^}]*)\}", tex)
    assert graphics and all(ext == ".pdf" for _, ext in graphics), graphics
    # widths are left to Sphinx, which scales anything wider to the text block
    assert not re.search(r"\\sphinxincludegraphics\[[^]]*(?:width|scale)", tex)
    text = squeeze("".join(pages()))
    for page, captions in html_captions().items():
        for caption in captions:
            assert squeeze(caption) in text, f"caption from {page}.html not in the PDF: {caption[:80]!r}"
    expected = sum(len(c) for c in html_captions().values())
    in_pdf = len(re.findall(r"(?m)^(?:Fig\.|Table) [A-Z0-9.]+: ", "\n".join(pages())))
    assert in_pdf == expected, f"{in_pdf} numbered captions in the PDF, {expected} in the HTML book"


def test_long_tables_break_across_pages():
    tex = TEX.read_text(encoding="utf-8")
    assert "\\begin{longtable}" in tex
    assert "continued from previous page" in "".join(pages())
    # every column of every table wraps its text (a p-column), so none can run off the page
    for spec in re.findall(r"\\begin\{(?:longtable|tabulary)\}(?:\{\\linewidth\}\[t\])?\{(.*)\}\n", tex):
        assert "\\X{" in spec, f"table columns that do not wrap: {spec}"


def test_no_line_runs_off_the_page():
    log = LOG.read_text(encoding="utf-8", errors="replace")  # the last xelatex run's
    overfull = [
        (float(pt), lines)
        for pt, lines in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\) .*?lines (\d+--\d+)", log)
    ]
    too_wide = [f"{pt:.1f}pt at {TEX.name} lines {lines}" for pt, lines in overfull if pt > OVERFULL_LIMIT_PT]
    assert not too_wide, "text sticks out of the text block:\n" + "\n".join(too_wide)


# A line that ends in a number and a hyphen or dash, and a next line that starts with a number:
# a date such as 1957-08-17 or 1924–1925 broken in two.
BROKEN_DATE = re.compile(r"[0-9][-\u2010\u2011\u2013][ \t]*\n[ \t]*[0-9]")


def test_no_date_is_broken_at_a_hyphen_or_dash():
    # -raw: the text in the order TeX set it, so a table cell's lines follow each other
    text = run("pdftotext", "-raw", "-enc", "UTF-8", str(PDF), "-")
    assert re.search(r"[0-9]{4}\u2013[0-9]{4}", text), "expected year ranges such as 1924–1925 in the PDF"
    broken = [text[max(0, m.start() - 30) : m.end() + 10] for m in BROKEN_DATE.finditer(text)]
    assert not broken, "dates broken across lines:\n" + "\n---\n".join(broken)


def test_widgets_print_as_their_note():
    from afghan_relations.widgets import PRINT_NOTE

    text = "".join(pages())
    for leftover in WIDGET_LEFTOVERS:
        assert leftover not in text, f"widget output in the PDF: {leftover!r}"
    explorers = sum(path.read_text(encoding="utf-8").count("WebOnly(") for path in ROOT.glob("chapters/*.md"))
    assert explorers
    assert squeeze(text).count(squeeze(PRINT_NOTE.strip("*"))) == explorers


def test_no_code_cells_are_printed():
    tex = TEX.read_text(encoding="utf-8")
    assert "\\begin{sphinxuseclass}{cell_input}" not in tex, "a notebook cell's code is printed"
    assert "\\begin{sphinxuseclass}{cell_output}" in tex  # the check looks at the right markup


def test_web_edition_links_to_this_pdf():
    if not (HTML / "index.html").is_file():
        pytest.skip("no built HTML book: run `make book`")
    assert PDF_IN_HTML.is_file(), f"{PDF_IN_HTML.relative_to(ROOT)} missing: `make pdf` copies it there"
    assert PDF_IN_HTML.read_bytes() == PDF.read_bytes(), "the PDF in the HTML book is not the one just built"
    for page in sorted((HTML / "chapters").glob("*.html")):
        links = re.findall(r'href="([^"]*' + re.escape(PDF.name) + ')"', page.read_text(encoding="utf-8"))
        assert links, f"{page.name} does not link to the PDF"
        assert all((page.parent / link).resolve() == PDF_IN_HTML.resolve() for link in links), links


def test_bibliography_lists_every_source_and_the_text_cites_author_date():
    import csv

    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        sources = list(csv.DictReader(handle))
    # The Bibliography chapter's first page (its running header is not at the top of the page)
    start = min(
        i
        for i, text in enumerate(pages())
        if i > len(pages()) / 2 and squeeze(text.lstrip()).startswith(squeeze("Bibliography"))
    )
    back = squeeze("".join(pages()[start:]))
    for row in sources:
        assert squeeze(row["title"]) in back, row["source"]
        assert squeeze(row["source"]) in back, row["source"]
    body = squeeze("".join(pages()[:start]))
    for citation in ("(Wikipedia contributors, 2026)", "(Al Jazeera, 2025)", "(RT, 2025)"):
        assert squeeze(citation) in body, citation


def test_index_closes_the_book_with_page_numbers_and_alias_references():
    import csv

    last = [
        i
        for i, text in enumerate(pages())
        if i > len(pages()) / 2 and squeeze(text.lstrip()).startswith(squeeze("Index"))
    ]
    assert last, "no Index page"
    index = "\n".join(pages()[last[0] :])
    count = len(pages())
    for term in ("Kabul", "Gul Hasan", "Mazar-e-Sharif", "Emomali Rahmon", "Tajikistan"):
        match = re.search(rf"^{re.escape(term)},\s*([\d, \n]+)", index, re.M)
        assert match, f"{term} not in the index with page numbers"
        numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
        assert numbers and all(1 <= n <= count for n in numbers), (term, numbers)
    assert "--" not in index, "page ranges should read 4–6, not 4--6"
    with (ROOT / "data" / "aliases.csv").open(encoding="utf-8", newline="") as handle:
        aliases = {row["alias"] for row in csv.DictReader(handle)}
    assert "Mazar-i-Sharif" in aliases
    assert re.search(r"Mazar-i-Sharif,\s*see\s+Mazar-e-Sharif", index), "alias without its see-reference"
