"""Run in your browser: the JupyterLite site inside the built book and the Pyodide files it serves.

Fast checks: the vendoring rules of tools/vendor_pyodide.py (the lock's dependency closure;
a carrier's file taken only when its sha256 is the official lock's, refused otherwise), the
provenance of every vendored file, the lite site's configuration (the site's own Pyodide, no
PyPI fallback, no other host named), every chapter's button and its notebook.

Slow checks (marked `lite`): chapters opened through their buttons in headless Chromium, the
site on 127.0.0.1 and every other host unresolvable and blocked; all cells run; each shows at
least as many figures as its HTML page; no error output; no request leaves 127.0.0.1.
`pytest -m 'not lite'` skips them.
"""

import hashlib
import importlib.util
import json
import os
import re
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from browser_support import CHROMIUM_ARGS, SiteServer, chromium
from test_book import figures_of
from test_build import loaded_urls, toc_files

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
LITE = HTML / "lite"
VENDOR = ROOT / "_build" / "vendor" / "lite"
sys.path.insert(0, str(ROOT))
from book_extensions import lite  # noqa: E402


def _vendor_module():
    spec = importlib.util.spec_from_file_location("vendor_pyodide", ROOT / "tools" / "vendor_pyodide.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vendor_pyodide = _vendor_module()
needs_lite = pytest.mark.skipif(
    not (LITE / "jupyter-lite.json").is_file(), reason=f"no lite site in {LITE}: run `make book`"
)
needs_browser = pytest.mark.skipif(chromium() is None, reason="no chromium (Debian: apt-get install chromium)")
CHAPTERS = [name for name in toc_files() if name.startswith("chapters/")]


# --- vendoring rules (no network) ---

LOCK = {
    "info": {"version": "0.27.7"},
    "packages": {
        "pandas": {"file_name": "pandas-2.2.3.whl", "depends": ["numpy", "python-dateutil"], "sha256": "a" * 64},
        "numpy": {"file_name": "numpy-2.0.2.whl", "depends": [], "sha256": "b" * 64},
        "python-dateutil": {"file_name": "python_dateutil-2.9.whl", "depends": ["six"], "sha256": "c" * 64},
        "six": {"file_name": "six-1.16.whl", "depends": [], "sha256": "d" * 64},
        "scipy": {"file_name": "scipy-1.14.whl", "depends": ["numpy"], "sha256": "e" * 64},
    },
}


def test_lock_closure_follows_dependencies_and_nothing_else():
    closure = vendor_pyodide.lock_closure(LOCK, ["pandas"])
    assert list(closure) == ["numpy", "pandas", "python-dateutil", "six"]
    assert closure["pandas"] is LOCK["packages"]["pandas"]  # entries unchanged
    trimmed = vendor_pyodide.trimmed_lock(LOCK, closure)
    assert trimmed["info"] == LOCK["info"] and "scipy" not in trimmed["packages"]


def test_lock_closure_refuses_an_unknown_package():
    with pytest.raises(vendor_pyodide.VendorError, match="matplotlib is not in pyodide-lock.json 0.27.7"):
        vendor_pyodide.lock_closure(LOCK, ["matplotlib"])


def _carrier(tmp_path, files):
    path = tmp_path / "carrier.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(vendor_pyodide.CARRIER["folder"] + name, data)
    return path


def _entry(name, data):
    return {"file_name": name, "depends": [], "sha256": hashlib.sha256(data).hexdigest()}


def test_carrier_files_are_taken_only_when_their_sha256_is_the_locks(tmp_path):
    good, other = b"the official build", b"something else"
    closure = {"six": _entry("six-1.16.whl", good)}
    out = tmp_path / "out"
    out.mkdir()
    provenance = vendor_pyodide.take_from_carrier(_carrier(tmp_path, {"six-1.16.whl": good}), closure, out)
    assert (out / "six-1.16.whl").read_bytes() == good
    assert provenance["pyodide/six-1.16.whl"]["sha256"] == closure["six"]["sha256"]
    assert "untrusted transport" in provenance["pyodide/six-1.16.whl"]["source"]

    with pytest.raises(vendor_pyodide.VendorError, match=r"six-1.16.whl in carrier.whl: sha256 [0-9a-f]{64}"):
        vendor_pyodide.take_from_carrier(_carrier(tmp_path, {"six-1.16.whl": other}), closure, out)
    with pytest.raises(vendor_pyodide.VendorError, match="six-1.16.whl .pyodide-lock.json. is not in carrier.whl"):
        vendor_pyodide.take_from_carrier(_carrier(tmp_path, {"numpy.whl": good}), closure, out)


def test_the_app_archive_is_repacked_with_the_same_tar_and_no_compression(tmp_path):
    """JupyterLite's application archive, vendored as the same tar stream in a gzip that stores it (fast
    to read, three times a lite build), the same bytes every time."""
    import gzip
    import io
    import tarfile

    original = tmp_path / "jupyterlite-app-9.9.9.tgz"
    with tarfile.open(original, "w:gz") as tar:
        files = {"package/package.json": b'{"jupyterlite": {"apps": ["lab"]}}', "package/a.js": b"x" * 5000}
        for name, text in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
    provenance = vendor_pyodide.uncompressed_app(original, tmp_path / "app")
    repacked = tmp_path / "app" / original.name
    first = repacked.read_bytes()
    assert gzip.decompress(first) == gzip.decompress(original.read_bytes())
    assert len(first) > len(gzip.decompress(first))  # stored, not compressed
    assert vendor_pyodide.uncompressed_app(original, tmp_path / "app") == provenance
    assert repacked.read_bytes() == first
    (entry,) = provenance.values()
    assert list(provenance) == ["app/jupyterlite-app-9.9.9.tgz"]
    assert entry["sha256"] == hashlib.sha256(first).hexdigest()
    assert hashlib.sha256(original.read_bytes()).hexdigest() in entry["source"]


def test_the_lite_build_keeps_its_temporary_files_in_memory_where_it_can(tmp_path, monkeypatch):
    """TMPDIR of the lite build: the folder in memory when it is there, writable and roomy, else the build's own."""
    monkeypatch.setenv("TMPDIR", "/the/builds/own")
    monkeypatch.setattr(lite, "MEMORY_TMP", tmp_path)
    assert lite.lite_build_env()["TMPDIR"] == str(tmp_path)
    monkeypatch.setattr(lite, "MEMORY_TMP", tmp_path / "absent")
    assert lite.lite_build_env()["TMPDIR"] == "/the/builds/own"
    monkeypatch.setattr(lite, "MEMORY_TMP", tmp_path)
    free = os.statvfs(tmp_path)
    monkeypatch.setattr(lite, "MEMORY_TMP_ROOM", free.f_bavail * free.f_frsize + 2**30)  # too little room
    assert lite.lite_build_env()["TMPDIR"] == "/the/builds/own"


@pytest.mark.skipif(not (VENDOR / "PROVENANCE.json").is_file(), reason="run `make book` (tools/vendor_pyodide.py)")
def test_every_vendored_file_has_its_recorded_sha256_and_source():
    provenance = json.loads((VENDOR / "PROVENANCE.json").read_text())
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert on_disk - {"PROVENANCE.json", "VENDORED.json"} == set(provenance)
    for name, info in provenance.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == info["sha256"], name
    lock = json.loads((VENDOR / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == vendor_pyodide.PYODIDE["version"]
    # every package of the (cut-down) lock ships, with the lock's sha256; pandas 2.2, matplotlib 3.8, numpy 2.0
    for entry in lock["packages"].values():
        assert provenance[f"pyodide/{entry['file_name']}"]["sha256"] == entry["sha256"]
    versions = {name: lock["packages"][name]["version"] for name in ("numpy", "pandas", "matplotlib")}
    assert versions == {"numpy": "2.0.2", "pandas": "2.2.3", "matplotlib": "3.8.4"}
    assert provenance["pyodide/pyodide.asm.wasm"]["source"].startswith("npm pyodide@0.27.7")
    # JupyterLite's application: the installed jupyterlite-core's, which the lite build is told to use
    app = vendor_pyodide.installed_app_archive()
    assert f"sha256 {hashlib.sha256(app.read_bytes()).hexdigest()}" in provenance[f"app/{app.name}"]["source"]
    config = lite.lite_config(VENDOR, Path("w.whl"), Path("out"), 0)["LiteBuildConfig"]
    assert config["app_archive"] == str(VENDOR / "app" / app.name)


# --- when the lite site is built again ---


def _inputs(tmp_path):
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "PROVENANCE.json").write_text('{"pyodide/pyodide.js": {"size": 1}}')
    wheel = tmp_path / "afghan_relations-1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    configs = {"jupyter-lite.json": b"{}", "jupyter_lite_config.json": b'{"LiteBuildConfig": {}}'}
    notebooks = {f"{lite.CONTENTS}/intro.ipynb": b'{"cells": []}', f"{lite.CONTENTS}/06-aid-flows.ipynb": b"{}"}
    return vendor, wheel, configs, notebooks


def test_the_notebooks_change_the_contents_digest_only(tmp_path):
    """Notebooks edited, added or removed: JupyterLite's incremental build, not a clean one (the
    setup digest is made without them)."""
    vendor, wheel, configs, notebooks = _inputs(tmp_path)
    contents = lite.contents_digest(notebooks)
    edited = dict(notebooks, **{f"{lite.CONTENTS}/intro.ipynb": b'{"cells": ["new prose"]}'})
    added = dict(notebooks, **{f"{lite.CONTENTS}/new.ipynb": b"{}"})
    assert len({contents, lite.contents_digest(edited), lite.contents_digest(added)}) == 3


@pytest.mark.parametrize("change", ["configuration", "wheel", "vendored files"])
def test_anything_else_changes_the_setup_digest(tmp_path, change):
    """A change of make-up means a clean lite build (no state kept from the earlier one)."""
    vendor, wheel, configs, _ = _inputs(tmp_path)
    setup = lite.setup_digest(vendor, wheel, configs)
    if change == "configuration":
        configs["jupyter_lite_config.json"] = b'{"LiteBuildConfig": {"apps": ["lab"]}}'
    elif change == "wheel":
        wheel.write_bytes(b"another wheel")
    else:
        (vendor / "PROVENANCE.json").write_text('{"pyodide/pyodide.js": {"size": 2}}')
    assert lite.setup_digest(vendor, wheel, configs) != setup


def test_sources_are_rewritten_only_where_their_bytes_changed(tmp_path):
    """JupyterLite's incremental build goes by the files' times: an unchanged file keeps its time."""
    _, _, configs, notebooks = _inputs(tmp_path)
    sources = {**configs, **notebooks}
    work = tmp_path / "src"
    lite.write_sources(work, sources)
    times = {name: (work / name).stat().st_mtime_ns for name in sources}
    time.sleep(0.01)
    edited = dict(sources, **{f"{lite.CONTENTS}/intro.ipynb": b'{"cells": ["new prose"]}'})
    lite.write_sources(work, edited)
    changed = {name for name in sources if (work / name).stat().st_mtime_ns != times[name]}
    assert changed == {f"{lite.CONTENTS}/intro.ipynb"}
    assert (work / lite.CONTENTS / "intro.ipynb").read_bytes() == edited[f"{lite.CONTENTS}/intro.ipynb"]


# --- the built lite site (no browser) ---


@needs_lite
def test_no_lite_configuration_points_at_another_host():
    """Every jupyter-lite.json of the site, and the build's own configuration, name only the site's files."""
    assert lite.config_problems(LITE) == []
    configs = sorted(LITE.rglob("jupyter-lite.json")) + [ROOT / lite.WORK / "src" / "jupyter_lite_config.json"]
    assert len(configs) >= 4  # the root and one per app
    configs += sorted(LITE.rglob("jupyter-lite.ipynb"))
    for path in configs:
        assert not re.search(r"https?:|//[a-z]", lite.config_text(path)), path
    settings = json.loads((LITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"][lite.KERNEL_PLUGIN]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js" and kernel["disablePyPIFallback"] is True
    assert (LITE / "static" / "pyodide" / "pyodide.asm.wasm").is_file()


@needs_lite
def test_no_lite_page_loads_from_another_host():
    pages = sorted(LITE.rglob("*.html"))
    assert len(pages) >= 4  # the root and one per app
    external = {
        str(p.relative_to(LITE)): url
        for p in pages
        for tag, url in loaded_urls(p)
        if re.match(r"(https?:)?//", url, re.I)
    }
    assert external == {}


@needs_lite
def test_the_configuration_check_catches_a_cdn(tmp_path):
    """The build's check fails on the trap the issue names: a Pyodide URL pointing at a CDN."""
    import shutil

    copy = tmp_path / "lite"
    shutil.copytree(LITE, copy, ignore=shutil.ignore_patterns("*.whl", "*.wasm", "*.zip", "build", "extensions"))
    config = json.loads((copy / "jupyter-lite.json").read_text())
    config["jupyter-config-data"]["litePluginSettings"][lite.KERNEL_PLUGIN]["pyodideUrl"] = (
        "https://cdn.example.org/pyodide/v0.27.7/full/pyodide.js"
    )
    (copy / "jupyter-lite.json").write_text(json.dumps(config))
    lock = json.loads((copy / "static" / "pyodide" / "pyodide-lock.json").read_text())
    (copy / "static" / "pyodide" / lock["packages"]["numpy"]["file_name"]).write_bytes(b"not numpy")
    problems = lite.config_problems(copy)
    assert any("numpy-2.0.2" in p and "differ from pyodide-lock.json" in p for p in problems)
    assert any("names another host" in p for p in problems)
    assert any("pyodideUrl" in p for p in problems)
    assert any("static/pyodide lacks" in p for p in problems)  # the wheels left out of the copy


def run_buttons(page):
    text = (HTML / f"{page}.html").read_text(encoding="utf-8")
    return re.findall(r'<a href="([^"]+)"[^>]*\n?[^>]*class="[^"]*btn-run-in-browser-button', text)


@needs_lite
def test_every_chapter_has_a_run_button_opening_its_notebook():
    index = json.loads((LITE / "pypi" / "all.json").read_text())
    assert "afghan-relations" in index or "afghan_relations" in index
    for page in CHAPTERS:
        buttons = run_buttons(page)
        assert len(buttons) == 1, page
        url = urlsplit(buttons[0])
        assert url.path == "../lite/notebooks/index.html"
        name = parse_qs(url.query)["path"][0]
        assert name == f"{Path(page).name}.ipynb"
        notebook = nbformat.read(LITE / "files" / name, as_version=4)
        first = notebook.cells[0]
        assert first.cell_type == "code" and "%pip install afghan_relations" in first.source
        assert notebook.metadata.kernelspec.name == "python"
        assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), page


@needs_lite
@needs_browser
def test_run_button_from_a_file_url_says_to_serve_the_site(browser_site):
    site, browser = browser_site
    page = browser.new_page()
    try:
        page.goto((HTML / "chapters" / "01-imperial.html").as_uri())
        page.click(".dropdown-download-buttons > button")
        messages = []
        page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
        page.click("a.btn-run-in-browser-button")
        page.wait_for_timeout(500)
        assert len(messages) == 1 and "served over http" in messages[0] and "python -m http.server" in messages[0]
        assert page.context.pages == [page]  # no JupyterLite tab opened
    finally:
        page.close()


# --- in the browser (slow) ---

# Chapters run in the browser: the first, one with constant dollars (cpi) and a widget, and
# one whose figures use ipywidgets and the recognition analysis.
BROWSER_CHAPTERS = ["chapters/01-imperial", "chapters/06-aid-flows", "chapters/08-recognition"]
RUN_TIMEOUT = 600  # seconds per chapter; about 90 s on a loaded 2-core machine
# The one line matplotlib writes to stderr on its first import in a fresh Pyodide.
FONT_CACHE = "Matplotlib is building the font cache"

CELL_STATE = """() => {
  const cells = [...window.jupyterapp.shell.currentWidget.content.model.cells].filter(c => c.type === 'code');
  const outputs = cells.flatMap(c => c.outputs.toJSON());
  return {
    run: cells.filter(c => c.executionCount !== null).length,
    cells: cells.length,
    figures: outputs.filter(o => o.data && (o.data['image/png'] || o.data['image/svg+xml'])).length,
    errors: outputs.filter(o => o.output_type === 'error' || (o.name === 'stderr' && !o.text.includes('FONT_CACHE')))
                   .map(o => o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : o.text),
  };
}""".replace("FONT_CACHE", FONT_CACHE)  # the JavaScript's braces rule out str.format


@pytest.fixture(scope="module")
def browser_site():
    from playwright.sync_api import sync_playwright

    with SiteServer(HTML) as site, sync_playwright() as p:
        # every host but the site's resolves to nothing; requests that try anyway are blocked and recorded
        browser = p.chromium.launch(
            executable_path=chromium(),
            args=CHROMIUM_ARGS + ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        yield site, browser
        browser.close()


@pytest.mark.lite
@pytest.mark.slow
@needs_lite
@needs_browser
@pytest.mark.parametrize("page", BROWSER_CHAPTERS)
def test_chapter_reruns_in_the_browser_from_the_site_alone(browser_site, page):
    site, browser = browser_site
    context = browser.new_context()
    outside, failed = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site.base) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    context.on("requestfailed", lambda r: failed.append(r.url) if r.url.startswith(site.base) else None)
    context.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        chapter = context.new_page()
        chapter.goto(site.base + f"{page}.html")
        chapter.click(".dropdown-download-buttons > button")
        with context.expect_page() as opened:
            chapter.click("a.btn-run-in-browser-button")
        notebook = opened.value
        notebook.wait_for_function(
            "window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=120_000,
        )
        notebook.evaluate(
            "async () => { const w = window.jupyterapp.shell.currentWidget;"
            " await w.sessionContext.ready; await w.sessionContext.session.kernel.info; }"
        )
        notebook.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        deadline = time.monotonic() + RUN_TIMEOUT
        state = notebook.evaluate(CELL_STATE)
        while time.monotonic() < deadline and not state["errors"] and state["run"] < state["cells"]:
            time.sleep(3)
            state = notebook.evaluate(CELL_STATE)
        notebook.wait_for_function(
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'", timeout=60_000
        )
        state = notebook.evaluate(CELL_STATE)
    finally:
        context.close()
    assert state["errors"] == [], f"{page}: {state['errors']}"
    assert state["run"] == state["cells"], f"{page}: {state['run']} of {state['cells']} cells ran"
    assert state["figures"] >= len(figures_of(Path(page).name)) >= 1, f"{page}: {state['figures']} figures"
    assert outside == [], f"{page}: requests to other hosts: {outside[:10]}"
    assert failed == [], f"{page}: failed requests: {failed[:10]}"
