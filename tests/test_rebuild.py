"""A trustworthy build: offline, deterministic, never stale, and strict about bad input.

Each test works in throw-away copies of the working tree (never in the repository's
own _build/), built with the Makefile's command (BUILD_COMMAND, `make -s
print-build-command`) and PYTHONPATH pointing at the copy, so the copy's package is used:

- `book`: a cold build with the network cut (`unshare -n`; without it, proxies
  pointing nowhere), so it also proves the book builds offline;
- `book2`: a second cold build of the same files in another folder, to compare
  with the first byte for byte (figures, widget SVGs, HTML);
- `rebuilt`: `book` again after one amount in data/aid_flows.csv changed:
  exactly the chapters that load that CSV run again, and the figure and the glued
  number change;
- bad input (a broken cross-reference and an unknown glue key, in one build; a
  failing cell) added to chapters of `book`: the build fails and names the file (and
  the cell), and so does a `make html` with nothing changed after it.

Slow (two cold builds and five incremental ones: about 2 minutes on 2 cores):
`pytest -m "not slow"` skips them; `make test` and CI run them.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from repository import BIN, ROOT, build_command, copy_tree, env_for  # the same copy and build as `make bench`

pytestmark = pytest.mark.slow

BUILD = build_command()
EXECUTING = re.compile(r"/([^/\s]+)\.(?:md|ipynb): Executing notebook")
PARALLEL_EXECUTED = re.compile(r"/([^/\s]+)\.md: Executed notebook in [\d.]+ seconds\n")  # myst-nb's end in [mystnb]
MYST_NB_EXECUTING = re.compile(r"/([^/\s]+)\.md: Executing notebook using")
MYST_NB_CACHED = re.compile(r"/([^/\s]+)\.md: Using cached notebook")
CSV_ROW = re.compile(r"^(AF004,(?:[^,\n]*,){12})1000000000,1000000000,", re.M)
NEW_AMOUNT = "1700000000"  # AF004, Soviet aid 1954-1978: "more than $1 billion" becomes 1.7
# Warnings an offline build must not print (Sphinx's go to the log; -W would also fail on them)
OFFLINE_PROBLEMS = re.compile(
    r"intersphinx|remote image|failed to reach|could not fetch|findfont|"
    r"Max retries|Temporary failure in name resolution|urlopen",
    re.I,
)


def network_cut():
    """A command prefix that runs a command without network, and its name.

    `unshare -n` (root, or unprivileged user namespaces): a new network namespace whose
    only interface is loopback, brought up because the kernel talks to Jupyter over
    127.0.0.1. Without it: proxies pointing at a closed port (stops HTTP(S) fetches only).
    """
    prefix = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
    if (
        shutil.which("unshare")
        and shutil.which("ip")
        and subprocess.run(prefix + ["true"], capture_output=True).returncode == 0
    ):
        return prefix, "unshare -n"
    return [], "proxies pointing at a closed port"


def build(folder, offline=False):
    """(exit status, log, chapters executed)."""
    env = env_for(folder)
    prefix = []
    if offline:
        prefix, how = network_cut()
        if not prefix:
            env.update({k: "http://127.0.0.1:9" for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")})
            env.update(no_proxy="", NO_PROXY="")
    proc = subprocess.run(prefix + BUILD, cwd=folder, env=env, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    return proc.returncode, log, set(EXECUTING.findall(log))


def cold_build(folder, offline=False):
    folder.mkdir(parents=True)
    copy_tree(folder, ROOT)
    imported = subprocess.run(
        [sys.executable, "-c", "import afghan_relations; print(afghan_relations.__file__)"],
        cwd="/",
        env=env_for(folder),
        capture_output=True,
        text=True,
    ).stdout
    assert imported.startswith(str(folder)), f"the copy's package is not the one imported: {imported}"
    rc, log, executed = build(folder, offline=offline)
    assert rc == 0, f"cold build of {folder} failed:\n{log[-5000:]}"
    # Keep the pristine output: later tests rebuild `book` with edits.
    for name in ("html", "jupyter_execute"):
        shutil.copytree(folder / "_build" / name, folder.parent / f"{folder.name}-{name}")
    return {
        "dir": folder,
        "log": log,
        "executed": executed,
        "glue": glue_outputs(folder, "06-aid-flows"),
        "html": folder.parent / f"{folder.name}-html",
        "exec": folder.parent / f"{folder.name}-jupyter_execute",
    }


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return cold_build(tmp_path_factory.mktemp("rebuild") / "book", offline=True)


@pytest.fixture(scope="module")
def book2(tmp_path_factory):
    return cold_build(tmp_path_factory.mktemp("rebuild2") / "book")


@pytest.fixture(scope="module")
def noop(book):
    """`book` built again with nothing changed: the pages' modification times before, and the log."""
    html = book["dir"] / "_build" / "html"
    before = {p: p.stat().st_mtime_ns for p in html.rglob("*.html")}
    rc, log, executed = build(book["dir"])
    assert rc == 0, log[-5000:]
    return {"before": before, "log": re.sub(r"\x1b\[[0-9;]*m", "", log), "executed": executed}


def test_noop_build_executes_reads_and_writes_nothing(noop):
    """A build with nothing changed finds nothing to do, so no page is written again (JupyterLite
    once dated every page back to the release date, and each build rewrote all of them)."""
    assert noop["executed"] == set()
    assert "no targets are out of date" in noop["log"]
    assert re.search(r"^lite: .*\(unchanged, kept\)$", noop["log"], re.M), noop["log"][-2000:]
    after = {p: p.stat().st_mtime_ns for p in noop["before"]}
    assert after == noop["before"], [str(p) for p in after if after[p] != noop["before"][p]][:5]
    assert len(after) > 14


def lite_markdown(notebook):
    """The Markdown cells of a notebook (or of the notebook at a path): the prose, with the glued values in it."""
    import nbformat

    if isinstance(notebook, Path):
        notebook = nbformat.read(notebook, as_version=4)
    return [c.source for c in notebook.cells if c.cell_type == "markdown"]


def code_chapters(folder):
    return {p.stem for p in (folder / "chapters").glob("*.md") if "{code-cell}" in p.read_text(encoding="utf-8")}


def readers_of(folder, dataset):
    """Chapters whose code loads `dataset` (or every dataset), read from their source (not from
    book_extensions/execution_inputs.py)."""
    pattern = re.compile(rf"\bload\.{dataset}\(|\bload\.DATASETS\b|getattr\(\s*load\b")
    return {p.stem for p in (folder / "chapters").glob("*.md") if pattern.search(p.read_text(encoding="utf-8"))}


def glue_outputs(folder, chapter):
    """{glue key: {mime type: data}} of the chapter's latest execution in the jupyter-cache
    (myst-nb takes the glue outputs out of the notebooks it writes to _build/jupyter_execute)."""
    from jupyter_cache import get_cache

    cache = get_cache(str(folder / "_build" / ".jupyter_cache"))
    record = max((r for r in cache.list_cache_records() if Path(r.uri).stem == chapter), key=lambda r: r.created)
    out = {}
    for cell in cache.get_cache_bundle(record.pk).nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = {
                    mime.split("application/papermill.record/")[-1]: data for mime, data in output["data"].items()
                }
    return out


def figure_files(folder):
    return {
        p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.suffix in (".svg", ".pdf", ".png")
    }


# What may differ between two clean builds of the same files: (regex, replacement) pairs
# applied to both before comparing. Empty: the two differences found (random cell ids in
# the downloadable .ipynb, random widget model ids in the widget pages) were removed at
# their source (book_extensions/execution_inputs.py and style.py), so the whole _build/html is
# byte-identical, even between copies in different folders.
HTML_DIFFERENCES = []


def normalised(text):
    for pattern, repl in HTML_DIFFERENCES:
        text = re.sub(pattern, repl, text)
    return text


# 3. Offline


def test_offline_cold_build_passes_without_network_warnings(book):
    assert book["executed"] == code_chapters(book["dir"]), "a cold build executes every chapter with code"
    # ... all of them in parallel as Sphinx reads (book_extensions/parallel_execution.py), staged exactly
    # as myst-nb stages them: myst-nb then finds every one in the cache and executes none itself.
    assert set(PARALLEL_EXECUTED.findall(book["log"])) == book["executed"]
    assert set(MYST_NB_CACHED.findall(book["log"])) == book["executed"]
    assert not MYST_NB_EXECUTING.findall(book["log"]), "myst-nb executed a chapter the parallel step had run"
    problems = [line for line in book["log"].splitlines() if OFFLINE_PROBLEMS.search(line)]
    assert not problems, f"offline build ({network_cut()[1]}) warned about the network:\n" + "\n".join(problems)


# 4. Deterministic output


def test_figures_identical_across_clean_builds(book, book2):
    ours, theirs = figure_files(book["exec"]), figure_files(book2["exec"])
    assert ours, "no figures in _build/jupyter_execute"
    assert ours.keys() == theirs.keys()
    differ = [str(name) for name in ours if ours[name] != theirs[name]]
    assert not differ, f"figures differ between two clean builds: {differ}"
    assert figure_files(book["html"]) == figure_files(book2["html"]), "_build/html/_images differ"


def test_widget_svg_data_uris_identical(book, book2):
    def uris(html):
        found = {}
        # explorer views: in the widget state (_static/widget-state/, book_extensions/lazy_widgets.py) and,
        # the first of each, in the page; percent-encoded SVG (afghan_relations.widgets.svg_data_uri)
        for page in sorted([*html.rglob("*.html"), *html.glob("_static/widget-state/*.js")]):
            text = page.read_text(encoding="utf-8")
            found[page.relative_to(html)] = re.findall(r"data:image/svg\+xml,([^\"\\\\\s]+)", text)
        return found

    ours, theirs = uris(book["html"]), uris(book2["html"])
    assert sum(map(len, ours.values())), "no widget SVG data URIs found in the HTML"
    assert ours == theirs
    # and the SVGs carry no date
    for blobs in ours.values():
        for blob in blobs:
            assert "<dc:date>" not in unquote(blob)


def test_html_identical_apart_from_stated_differences(book, book2):
    a, b = book["html"], book2["html"]
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b
    differ = []
    for name in sorted(files_a):
        x, y = (a / name).read_bytes(), (b / name).read_bytes()
        if x == y:
            continue
        if name.suffix in (".html", ".js", ".txt", ".inv", ".ipynb", ".md", ".css") and normalised(
            x.decode("utf-8", "replace")
        ) == normalised(y.decode("utf-8", "replace")):
            continue
        differ.append(str(name))
    assert not differ, f"files differ between two clean builds: {differ}"


# 2. A cache that cannot go stale


@pytest.fixture(scope="module")
def rebuilt(book):
    folder = book["dir"]
    csv = folder / "data" / "aid_flows.csv"
    text, n = CSV_ROW.subn(rf"\g<1>{NEW_AMOUNT},{NEW_AMOUNT},", csv.read_text(encoding="utf-8"))
    assert n == 1, "row AF004 with amount 1000000000 not found in data/aid_flows.csv"
    csv.write_text(text, encoding="utf-8")
    rc, log, executed = build(folder)
    assert rc == 0, log[-5000:]
    return {"dir": folder, "log": log, "executed": executed}


def test_csv_edit_reexecutes_exactly_the_chapters_reading_it(book, rebuilt):
    readers = readers_of(book["dir"], "aid_flows")
    assert "06-aid-flows" in readers
    assert rebuilt["executed"] == readers
    assert "07-treaty-counts" not in rebuilt["executed"]  # reads treaties, periods, actors only


def test_csv_edit_updates_the_in_browser_notebooks(book, rebuilt):
    """The lite site is updated in place (JupyterLite's incremental build), and serves the
    reader's notebook of this build, new numbers included."""
    assert re.search(r"^lite: .*\(notebooks updated\)", re.sub(r"\x1b\[[0-9;]*m", "", rebuilt["log"]), re.M)
    from book_extensions import lite

    html = book["dir"] / "_build" / "html"
    for chapter in ("06-aid-flows", "07-treaty-counts"):
        expected = lite_markdown(lite.lite_notebook(html / "_sources" / "chapters" / f"{chapter}.ipynb"))
        assert lite_markdown(html / "lite" / "files" / f"{chapter}.ipynb") == expected, chapter
    before = lite_markdown(book["html"] / "lite" / "files" / "06-aid-flows.ipynb")
    assert lite_markdown(html / "lite" / "files" / "06-aid-flows.ipynb") != before


def test_csv_edit_changes_figure_and_glued_number(book, rebuilt):
    before, after = book["glue"], glue_outputs(book["dir"], "06-aid-flows")
    svg = "image/svg+xml"
    assert before["fig-aid-russia"][svg] != after["fig-aid-russia"][svg], "the aid figure did not change"
    old = float(before["russian_disbursed_bn"]["text/plain"])
    new = float(after["russian_disbursed_bn"]["text/plain"])
    assert new == pytest.approx(old + 0.7), (old, new)
    page = (book["dir"] / "_build" / "html" / "chapters" / "06-aid-flows.html").read_text(encoding="utf-8")
    old_page = (book["html"] / "chapters" / "06-aid-flows.html").read_text(encoding="utf-8")
    assert page.count(f"{new:.1f}") > old_page.count(f"{new:.1f}"), "the glued number in the page did not change"
    # the figure the page shows is the new one
    images = {p.name for p in (book["dir"] / "_build" / "html" / "_images").glob("*.svg")}
    shown = set(re.findall(r'src="\.\./_images/([^"]+\.svg)"', page))
    assert shown and shown <= images
    assert shown != set(
        re.findall(
            r'src="\.\./_images/([^"]+\.svg)"',
            (book["html"] / "chapters" / "06-aid-flows.html").read_text(encoding="utf-8"),
        )
    )


def test_csv_restored_with_its_old_mtime_is_noticed(book, rebuilt):
    """`cp -p`, `tar x`, `rsync -a` restore a file with an old mtime, which Sphinx's own
    dependency check misses; book_extensions/execution_inputs.py compares the inputs' contents, so the pages go
    back to the original outputs (here from the execution cache)."""
    folder = rebuilt["dir"]
    shutil.copy2(ROOT / "data" / "aid_flows.csv", folder / "data" / "aid_flows.csv")  # keeps the old mtime
    rc, log, _ = build(folder)
    assert rc == 0, log[-3000:]
    pattern = r'src="\.\./_images/([^"]+\.svg)"'
    page = (folder / "_build" / "html" / "chapters" / "06-aid-flows.html").read_text(encoding="utf-8")
    original = (book["html"] / "chapters" / "06-aid-flows.html").read_text(encoding="utf-8")
    assert re.findall(pattern, page) == re.findall(pattern, original), "the page kept the edited CSV's figure"


# 5. Bad input fails the build and names the page


@pytest.fixture
def edited(rebuilt):
    """Append text to chapters of the built copy (one build for all), then put them back."""
    folder = rebuilt["dir"]
    saved = {}

    def edit(**texts):
        for chapter, text in texts.items():
            path = folder / "chapters" / f"{chapter}.md"
            saved.setdefault(path, path.read_text(encoding="utf-8"))
            path.write_text(saved[path] + text, encoding="utf-8")
        return build(folder)

    yield edit
    for path, text in saved.items():
        path.write_text(text, encoding="utf-8")


BROKEN_REFERENCE = "\nSee {ref}`no-such-label-for-the-test`.\n"
UNKNOWN_GLUE_KEY = "\nThere are {glue:text}`no_such_glue_key_for_the_test` of them.\n"


def test_broken_reference_and_unknown_glue_key_fail_the_build_and_a_noop_rebuild(rebuilt, edited):
    """Both errors in one build (each names its page), then `make html` with nothing changed fails again:
    Sphinx repeats only the warnings of pages it reads again, so `make html` must rebuild all after a failure."""
    rc, log, _ = edited(**{"appendix-bibliography": BROKEN_REFERENCE, "07-treaty-counts": UNKNOWN_GLUE_KEY})
    assert rc != 0
    assert re.search(r"chapters/appendix-bibliography\.md:\d+: WARNING: .*no-such-label-for-the-test", log), log[-3000:]
    assert re.search(r"chapters/07-treaty-counts\.md:\d+: WARNING: .*no_such_glue_key_for_the_test", log), log[-3000:]
    folder = rebuilt["dir"]
    stamp = folder / "_build" / ".installed-test"
    stamp.touch()
    make = ["make", "html", f"VENV={BIN.parent}", f"INSTALLED={stamp}"]
    (folder / "_build" / "build-ok").unlink(missing_ok=True)  # the failed build left no stamp
    proc = subprocess.run(make, cwd=folder, env=env_for(folder), capture_output=True, text=True)
    assert proc.returncode != 0, "a rebuild with nothing changed passed a book with a broken reference"
    assert "no-such-label-for-the-test" in proc.stdout + proc.stderr


def test_cell_error_fails_the_build_naming_page_and_cell(edited):
    rc, log, executed = edited(
        **{"07-treaty-counts": '\n```{code-cell} ipython3\nraise ValueError("deliberate error for the test")\n```\n'}
    )
    assert rc != 0
    assert "07-treaty-counts" in executed
    assert re.search(r"chapters/07-treaty-counts\.md.*(Executing notebook failed|CellExecutionError)", log), log[-3000:]
    assert 'raise ValueError("deliberate error for the test")' in log  # the failing cell, quoted
    assert "ValueError: deliberate error for the test" in re.sub(r"\x1b\[[0-9;]*m", "", log)


def test_bad_data_stops_the_build_before_any_chapter_runs(rebuilt):
    """The build validates the data once, before executing anything, and names file, row and column."""
    path = rebuilt["dir"] / "data" / "events.csv"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    assert lines[0].split(",")[1] == "date"
    lines[1] = re.sub(r"^([^,]*),[^,]*,", r"\1,18x7,", lines[1])
    path.write_text("".join(lines), encoding="utf-8")
    try:
        rc, log, executed = build(rebuilt["dir"])
    finally:
        path.write_text(original, encoding="utf-8")
    assert rc != 0
    assert "the data are not valid: data/events.csv, row 2, column 'date'" in log, log[-3000:]
    assert not executed
