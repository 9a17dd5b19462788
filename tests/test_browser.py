"""The built HTML book as a reader gets it: served over HTTP on 127.0.0.1, opened in headless Chromium.

Every page loads without console errors and without any request leaving 127.0.0.1; the
explorers render and switch figures with no kernel; axe-core finds no serious or critical
accessibility problem; every image has alt text and the figures' text is dark enough; no page
scrolls sideways on a 390-px phone; every page stays under the weight budget; every link,
image, script and stylesheet the pages name exists; search works offline; every page has the
table of contents and previous/next links.

Needs the built book (`make book`, or `make test`, which builds first) and Debian's chromium,
driven by playwright's Python package (no browser download); skipped with the reason when
either is missing. CI (.ci/run) installs chromium, so there these tests run.
BOOK_HTML=path tests another build of the book; BOOK_SCREENSHOTS=dir also saves screenshots.
"""
import base64
import contextlib
import gzip
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from browser_support import CHROMIUM_ARGS, SiteServer, axe_source, chromium
from bs4 import BeautifulSoup
from repository import ROOT, pdf_name
from repository import toc_files as toc_pages

HTML = Path(os.environ.get("BOOK_HTML") or ROOT / "_build" / "html")
SCREENSHOTS = os.environ.get("BOOK_SCREENSHOTS")
PDF = HTML / "_static" / pdf_name()  # copied there by `make pdf`

# The three explorers: page -> labels of their dropdowns
EXPLORERS = {
    "chapters/06-aid-flows": ["View", "Dollars"],
    "chapters/08-recognition": ["Show"],
    "chapters/appendix-chronology": ["Show"],
}
PAGE_BUDGET = 1_500_000  # bytes per page load, the page and everything it loads
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

pytestmark = [
    pytest.mark.skipif(not (HTML / "index.html").is_file(),
                       reason=f"no built book in {HTML}: run `make book`"),
]
needs_browser = pytest.mark.skipif(
    chromium() is None, reason="no chromium at /usr/bin/chromium (Debian: apt-get install chromium)")


PAGES = [f"{name}.html" for name in toc_pages()] + ["genindex.html", "search.html"]


def site_pages():
    """All HTML pages of the site (not the theme's fragments under _static/ or _sources/)."""
    return sorted(p for p in HTML.rglob("*.html") if p.relative_to(HTML).parts[0] not in ("_static", "_sources"))


# ---------------------------------------------------------------------------------------------
# The browser: one fresh profile for the session; every page is loaded with routing on, which
# also turns Chromium's HTTP cache off, so each page load fetches (and counts) all it needs.

@pytest.fixture(scope="module")
def server():
    with SiteServer(HTML) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if chromium() is None:
        pytest.skip("no chromium at /usr/bin/chromium (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (requirements.txt) not installed")
    with tempfile.TemporaryDirectory(prefix="book-chromium-") as profile, sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium(), headless=True, args=CHROMIUM_ARGS,
            viewport=DESKTOP)
        try:
            yield context
        finally:
            context.close()


class Visit:
    """One page load: what the console said, what was requested, what it weighed."""

    def __init__(self, context, server, path, viewport=DESKTOP):
        self.path, self.server = path, server
        self.errors, self.external, self.failed, self.bodies = [], [], [], {}
        self.page = context.new_page()
        self.page.set_viewport_size(viewport)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console: {m.text} ({(m.location or {}).get('url', '')})"))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.server.base) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _failed(self, request):
        if request.url not in self.external:
            self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response):
        if not response.url.startswith(self.server.base):
            return
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")
            return
        with contextlib.suppress(Exception):  # a redirect or an aborted response has no body
            self.bodies[response.url] = response.body()

    def open(self, query=""):
        self.page.goto(self.server.base + self.path + query, wait_until="load")
        self.wait_for_widgets()
        self.page.wait_for_timeout(300)  # late console errors (async scripts)
        return self

    def wait_for_widgets(self):
        views = self.page.locator(f'script[type="{WIDGET_VIEW}"]').count()
        if views:
            # embed-amd.js renders each widget-view script into a .jupyter-widgets element
            self.page.wait_for_function(
                "n => document.querySelectorAll('.widget-subarea > .jupyter-widgets').length >= n",
                arg=views, timeout=30000)
            self.page.wait_for_timeout(300)

    @property
    def weight(self):
        return sum(len(b) for b in self.bodies.values())

    @property
    def weight_compressed(self):
        """What a static host that gzips its responses would send (the smaller of the two per file)."""
        return sum(min(len(b), len(gzip.compress(b, 6))) for b in self.bodies.values())

    def close(self):
        self.page.close()


@pytest.fixture(scope="module")
def visits(browser, server):
    """Every page loaded once at desktop width, with axe-core run on it and the DOM inspected."""
    axe = axe_source()
    records = {}
    for path in PAGES:
        visit = Visit(browser, server, path).open()
        page = visit.page
        page.add_script_tag(content=axe)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        visit.axe = result
        visit.no_alt = page.evaluate("""() => [...document.querySelectorAll('img')]
            .filter(i => !(i.getAttribute('alt') || '').trim())
            .map(i => (i.getAttribute('src') || '').slice(0, 80))""")
        visit.nav = page.evaluate("""() => ({
            toc: [...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')]
                    .map(a => a.getAttribute('href')),
            prev: !!document.querySelector('.prev-next-area a.left-prev'),
            next: !!document.querySelector('.prev-next-area a.right-next'),
        })""")
        records[path] = visit
        if SCREENSHOTS and path.startswith(("chapters/intro", "chapters/06", "chapters/08")):
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS, f"{Path(path).stem}-desktop-1280.png")))
        visit.close()
    return records


@needs_browser
def test_every_page_loads_without_console_errors(visits):
    errors = {path: v.errors for path, v in visits.items() if v.errors}
    assert not errors, errors


@needs_browser
def test_no_page_requests_anything_outside_the_site(visits):
    external = {path: v.external for path, v in visits.items() if v.external}
    assert not external, f"requests that left 127.0.0.1 (aborted): {external}"


@needs_browser
def test_every_request_of_every_page_succeeds(visits):
    failed = {path: v.failed for path, v in visits.items() if v.failed}
    assert not failed, failed


@needs_browser
def test_no_serious_or_critical_accessibility_violation(visits):
    found = {path: [f"{x['id']} ({x['impact']}): {x['help']} at {x['nodes']}" for x in v.axe
                    if x["impact"] in ("serious", "critical")]
             for path, v in visits.items()}
    found = {path: problems for path, problems in found.items() if problems}
    assert not found, found


@needs_browser
def test_every_image_has_alt_text(visits):
    missing = {path: v.no_alt for path, v in visits.items() if v.no_alt}
    assert not missing, missing


@needs_browser
def test_every_page_has_the_contents_and_previous_next_links(visits):
    chapters = [f"{name}.html" for name in toc_pages()]
    problems = {}
    for i, path in enumerate(chapters):
        nav = visits[path].nav
        # the page itself is in the contents as href="#"
        linked = {Path(urlsplit(h).path).name if urlsplit(h).path else Path(path).name for h in nav["toc"]}
        lacking = [Path(c).name for c in chapters[1:] if Path(c).name not in linked]
        wants = {"prev": i > 0, "next": i < len(chapters) - 1}
        bad = [k for k, want in wants.items() if nav[k] != want]
        if lacking or bad:
            problems[path] = {"missing from the contents": lacking, "previous/next wrong": bad}
    assert not problems, problems


@needs_browser
def test_every_page_is_within_the_weight_budget(visits):
    """Each page with everything it loads (figures, scripts, styles, fonts) under 1.5 MB.

    Measured as the bytes a static host sends when it compresses text (as GitHub Pages,
    Netlify, nginx with gzip on do); the uncompressed figure is in the message for comparison.
    """
    report = {path: (v.weight_compressed, v.weight) for path, v in visits.items()}
    over = {path: f"{c / 1e6:.2f} MB compressed ({raw / 1e6:.2f} MB uncompressed)"
            for path, (c, raw) in report.items() if c > PAGE_BUDGET}
    assert not over, over


# ---------------------------------------------------------------------------------------------

@needs_browser
@pytest.mark.parametrize("page_name", sorted(EXPLORERS))
def test_explorer_renders_and_switches_figures_without_a_kernel(browser, server, page_name):
    visit = Visit(browser, server, f"{page_name}.html").open()
    page = visit.page
    try:
        selects = page.locator(".jupyter-widgets.widget-dropdown select")
        labels = page.locator(".jupyter-widgets.widget-dropdown label").all_inner_texts()
        assert [label.strip() for label in labels] == EXPLORERS[page_name]

        def shown():
            """The explorer's figure now visible: its src (an SVG data URI) and alt."""
            return page.evaluate("""() => [...document.querySelectorAll('.widget-stack img, .jupyter-widgets img')]
                .filter(i => i.offsetParent !== null && i.getBoundingClientRect().height > 0)
                .map(i => [i.src, i.alt])""")

        first = shown()
        assert len(first) == 1, f"{len(first)} explorer figures visible"
        assert first[0][0].startswith("data:image/")
        for i in range(selects.count()):
            select = selects.nth(i)
            options = select.locator("option").all_inner_texts()
            assert len(options) >= 2, options
            before = shown()
            select.select_option(index=1)
            page.wait_for_timeout(300)
            after = shown()
            assert len(after) == 1, f"{len(after)} figures visible after choosing {options[1]!r}"
            assert after[0][0] != before[0][0], f"choosing {options[1]!r} in {labels[i]!r} did not change the figure"
            assert after[0][1], "the new figure has no alt text"
            select.select_option(index=0)
            page.wait_for_timeout(300)
            assert shown() == before, f"choosing {options[0]!r} again did not bring the first figure back"
        assert not visit.errors, visit.errors
        assert not visit.external, visit.external
    finally:
        visit.close()


@needs_browser
@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_on_a_phone(browser, server, path):
    visit = Visit(browser, server, path, viewport=PHONE).open()
    page = visit.page
    try:
        widths = page.evaluate("""() => ({
            scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,
            wide: [...document.querySelectorAll('img, svg, table, pre, .jupyter-widgets')]
                .filter(e => e.offsetParent !== null)
                .map(e => [e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                           ? '.' + e.className.split(' ')[0] : ''), e.getBoundingClientRect().right])
                .filter(([_, right]) => right > window.innerWidth + 1)
                .map(([what, right]) => `${what} ends at ${Math.round(right)} px`),
            figures: [...document.querySelectorAll('figure img, .cell_output img, .jupyter-widgets img')]
                .filter(e => e.offsetParent !== null)
                .map(e => [e.getBoundingClientRect().width, e.naturalWidth]),
        })""")
        assert widths["scroll"] <= widths["inner"], (
            f"scrolls sideways: {widths['scroll']} px wide in a {widths['inner']} px window; "
            f"too wide: {widths['wide'][:5]}")
        for shown, _natural in widths["figures"]:
            assert shown <= PHONE["width"], f"a figure {shown} px wide on a {PHONE['width']} px phone"
        if SCREENSHOTS and path.startswith(("chapters/intro", "chapters/06", "chapters/08")):
            page.screenshot(path=str(Path(SCREENSHOTS, f"{Path(path).stem}-phone-390.png")))
    finally:
        visit.close()


@needs_browser
def test_search_works_offline(browser, server):
    visit = Visit(browser, server, "search.html").open("?q=Taliban")
    page = visit.page
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=20000)
        hits = page.locator("#search-results ul.search li a").all_inner_texts()
        assert hits, "no search results for Taliban"
        assert any("Taliban" in h or "Recognition" in h or "Emirate" in h for h in hits), hits
        assert not visit.errors and not visit.external, (visit.errors, visit.external)
    finally:
        visit.close()


# ---------------------------------------------------------------------------------------------
# Static checks of the built files (no browser needed).

LINK_ATTRIBUTES = {"a": "href", "img": "src", "script": "src", "link": "href",
                   "source": "src", "iframe": "src", "object": "data"}


class Links:
    """The URLs a page names (tag, url) and the ids a fragment can point at."""

    def __init__(self, page):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        self.ids = {element["id"] for element in soup.find_all(id=True)}
        self.ids |= {a["name"] for a in soup.find_all("a", attrs={"name": True})}
        self.urls = [(element.name, element[LINK_ATTRIBUTES[element.name]])
                     for element in soup.find_all(list(LINK_ATTRIBUTES))
                     if element.get(LINK_ATTRIBUTES[element.name])]


def parse(page):
    return Links(page)


def test_every_internal_link_resolves():
    """Every <a href>, <img src>, <script src>, <link href> of every page names a file that
    exists in the site, and every #anchor into a page of the site names an id on it."""
    parsed = {page: parse(page) for page in site_pages()}
    broken = []
    for page, parser in parsed.items():
        for tag, url in parser.urls:
            split = urlsplit(url)
            if split.scheme or url.startswith("//"):
                continue  # external links to read (<a>) are fine; loads are tested in the browser
            path, fragment = urldefrag(url)
            target = (page.parent / unquote(split.path)).resolve() if split.path else page
            if target.is_dir():
                target = target / "index.html"
            if target == PDF.resolve() and not PDF.is_file():
                continue  # `make pdf` copies it there; test_chapters_link_their_notebook_data_and_pdf says so
            if not target.is_file() or not target.is_relative_to(HTML.resolve()):
                broken.append(f"{page.relative_to(HTML)}: <{tag}> {url}")
            elif fragment and target.suffix == ".html" and target in parsed and fragment not in parsed[target].ids:
                broken.append(f"{page.relative_to(HTML)}: <{tag}> {url} (no id {fragment!r})")
    assert not broken, f"{len(broken)} broken: {broken[:20]}"


def test_chapters_link_their_notebook_data_and_pdf():
    """Each chapter's executed .ipynb, the CSV downloads and the PDF are linked and present."""
    links = {page.relative_to(HTML).as_posix(): [url for tag, url in parse(page).urls if tag == "a"]
             for page in site_pages()}
    for name in toc_pages():
        source = (ROOT / f"{name}.md").read_text(encoding="utf-8")
        if "kernelspec:" in source:
            assert any(u.endswith(f"_sources/{name}.ipynb") for u in links[f"{name}.html"]), name
    csvs = sorted({u for urls in links.values() for u in urls if u.endswith(".csv") and "_downloads/" in u})
    assert csvs, "no page links a CSV download"
    pdf_links = {page: [u for u in urls if u.endswith(".pdf")] for page, urls in links.items()}
    if not any(pdf_links.values()):
        pytest.skip("no page links the PDF yet (the PDF edition adds the link)")
    unlinked = [page for page in (f"{n}.html" for n in toc_pages()) if not pdf_links[page]]
    assert not unlinked, f"pages without the PDF link: {unlinked}"
    if not PDF.is_file():
        pytest.skip("the pages link the PDF, but it is not built: run `make pdf`")


# Contrast of the figures' own text: the figures are SVG with real <text>; every text colour
# must reach 4.5:1 (WCAG AA for text) against the white figure background.

def _luminance(hex_colour):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


NAMED = {"black": "#000000", "white": "#ffffff"}


def _fill(style, inherited):
    m = re.search(r"(?:^|;)\s*fill:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|black|white)\b", style or "")
    if not m:
        return inherited
    value = NAMED.get(m.group(1), m.group(1))
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.lower()


def svg_text_colours(svg_bytes):
    """(colour, text) of every <text> in an SVG, colour inherited down the tree (default black)."""
    found = []

    def walk(node, fill):
        fill = _fill(node.get("style"), fill)
        fill = node.get("fill", fill) if (node.get("fill") or "").startswith("#") else fill
        tag = node.tag.rsplit("}", 1)[-1]
        if tag in ("text", "tspan") and (node.text or "").strip():
            found.append((fill, node.text.strip()))
        for child in node:
            walk(child, fill)

    walk(ET.fromstring(svg_bytes), "#000000")
    return found


def figure_svgs():
    """Every SVG figure the site's pages show: <img> files (not stale ones left in _images/) and explorer views."""
    for page in site_pages():
        text = page.read_text(encoding="utf-8")
        for src in sorted(set(re.findall(r'<img[^>]+src="([^"]+\.svg)"', text))):
            svg = (page.parent / src).resolve()
            yield f"{page.relative_to(HTML)} {svg.name}", svg.read_bytes()
        for i, data in enumerate(re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", text)):
            yield f"{page.relative_to(HTML)} explorer view {i + 1}", base64.b64decode(data)


def test_figure_text_has_enough_contrast():
    low = {}
    count = 0
    for name, svg in figure_svgs():
        for colour, text in svg_text_colours(svg):
            count += 1
            ratio = contrast(colour, "#ffffff")
            if ratio < 4.5:
                low.setdefault(name, set()).add(f"{text[:30]!r} in {colour} ({ratio:.1f}:1)")
    assert count, "no SVG text found in the figures (are they still SVG with svg.fonttype none?)"
    assert not low, {k: sorted(v)[:5] for k, v in low.items()}
