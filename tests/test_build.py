"""Properties of the built HTML book (`make book` writes _build/html; `make test` builds first).

The book must be complete (every page in _toc.yml), strict (built with warnings as
errors) and readable offline: no page loads anything from another host, and widget
pages use the vendored require.js and ipywidgets manager (tools/vendor_js.py).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from repository import ROOT, build_command, toc_files

BUILD = ROOT / "_build"
HTML = BUILD / "html"
BUILD_LOG = BUILD / "build.log"
BUILD_OK = BUILD / "build-ok"  # written by the Makefile only after a successful -W build
WIDGET_JS = ("require-config.js", "require.js", "embed-amd.js")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

pytestmark = pytest.mark.skipif(
    not (HTML / "index.html").is_file(), reason="no built book in _build/html: run `make book`"
)


def pages():
    """The book's HTML pages (not the theme's template fragments under _static/, nor the in-browser
    Jupyter under lite/, which needs http and tests/test_lite.py checks)."""
    return sorted(
        p for p in HTML.rglob("*.html") if p.relative_to(HTML).parts[0] not in ("_static", "_sources", "lite")
    )


# The URLs a browser fetches by itself when it opens a page: (tag, attribute) of each kind of load.
LOADING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
}
LOADING_LINK_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "prefetch",
}


def loaded_urls(page):
    """[(tag, url)] of everything the page loads, in document order."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    loads = []
    for element in soup.find_all(True):
        url = element.get(LOADING.get(element.name, ""))
        if url:
            loads.append((element.name, url))
        elif element.name == "link" and element.get("href"):
            rels = {rel.lower() for rel in element.get("rel") or []}  # BeautifulSoup splits rel into a list
            if rels & LOADING_LINK_RELS:
                loads.append(("link", element["href"]))
    return loads


def test_every_toc_page_is_built():
    assert (HTML / "index.html").is_file()
    missing = [f for f in toc_files() if not (HTML / f"{f}.html").is_file()]
    assert not missing, f"pages in _toc.yml with no HTML: {missing}"


def test_built_with_warnings_as_errors():
    assert BUILD_OK.is_file(), "no _build/build-ok: the last `make book` did not finish"
    command = BUILD_OK.read_text().split()
    assert command == [Path(build_command()[0]).name, *build_command()[1:]], "not the Makefile's BUILD_COMMAND"
    assert "-W" in command and "-n" in command, command
    stamp = BUILD_OK.stat().st_mtime
    newer = [p.relative_to(HTML) for p in pages() if p.stat().st_mtime > stamp]
    assert not newer, f"pages written after the last strict build (built by hand?): {newer[:5]}"
    log = re.sub(r"\x1b\[[0-9;]*m", "", BUILD_LOG.read_text(encoding="utf-8"))
    assert "build succeeded" in log
    problems = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    assert not problems, problems[:10]


def test_no_page_loads_from_another_host():
    external = {}
    for page in pages():
        urls = [f"<{tag}> {url}" for tag, url in loaded_urls(page) if re.match(r"(https?:)?//", url, re.I)]
        if urls:
            external[str(page.relative_to(HTML))] = urls
    assert not external, f"pages that fetch from other hosts: {external}"


def test_widget_javascript_is_vendored_and_used():
    static = HTML / "_static" / "ipywidgets"
    for name in WIDGET_JS:
        assert (static / name).is_file(), f"{name} not in _build/html/_static/ipywidgets"
    assert "define(" in (static / "embed-amd.js").read_text(encoding="utf-8")[:2000]
    assert (static / "html-manager.LICENSE.txt").is_file()
    assert (static / "requirejs.LICENSE.txt").is_file()

    with_widgets, without = [], []
    for page in pages():
        (with_widgets if WIDGET_STATE in page.read_text(encoding="utf-8") else without).append(page)
    for page in with_widgets:
        scripts = [
            Path(url.split("?")[0]).name
            for tag, url in loaded_urls(page)
            if tag == "script" and "_static/ipywidgets/" in url
        ]
        # In this order: the config, require.js, then the manager that defines AMD modules.
        assert scripts == list(WIDGET_JS), f"{page.relative_to(HTML)} loads {scripts}"
    for page in without:
        # The 3.6 MB bundle belongs only on pages that have widgets.
        assert not any("ipywidgets/" in url for _, url in loaded_urls(page)), page.relative_to(HTML)


def test_chapters_offer_the_executed_notebook_for_download():
    for name in toc_files():
        page = HTML / f"{name}.html"
        if (ROOT / f"{name}.md").read_text(encoding="utf-8").find("kernelspec:") < 0:
            continue  # not a notebook
        notebook = HTML / "_sources" / f"{name}.ipynb"
        assert notebook.is_file(), notebook
        assert f"_sources/{name}.ipynb" in page.read_text(encoding="utf-8"), page


def chromium():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not chromium(), reason="no chromium (Debian: apt-get install chromium)")
def test_pages_work_offline_in_a_browser():
    """Open every page from file:// with every other request refused; widgets must render."""
    sync_api = pytest.importorskip("playwright.sync_api")
    report = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            for page_path in pages():
                name = str(page_path.relative_to(HTML))
                page = browser.new_page()
                outside, failed = [], []

                def route(r, outside=outside):
                    if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                        r.continue_()
                    else:
                        outside.append(r.request.url)
                        r.abort()

                page.route("**/*", route)
                page.on(
                    "requestfailed",
                    lambda r, failed=failed, outside=outside: r.url not in outside and failed.append(r.url),
                )
                page.goto(page_path.as_uri(), wait_until="load")
                views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
                if WIDGET_STATE in page_path.read_text(encoding="utf-8") and views:
                    # embed-amd.js replaces each widget-view script with the rendered widget
                    page.wait_for_selector(".jupyter-widgets", timeout=20000)
                    page.wait_for_timeout(500)
                    rendered = page.locator(".widget-subarea > .jupyter-widgets").count()
                    if rendered < views:
                        report[name] = f"{rendered} of {views} widgets rendered"
                page.wait_for_timeout(200)
                if outside:
                    report[name] = f"requests to other hosts: {outside[:5]}"
                if failed:
                    report[name] = f"missing local files: {failed[:5]}"
                page.close()
        finally:
            browser.close()
    assert not report, report
