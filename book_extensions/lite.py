"""Run in your browser: JupyterLite on Pyodide inside the built site, every file served by the site.

Once the pages are read (in a thread while Sphinx writes them, background.py; at the end of a
build that read no page) this writes `_build/html/lite/`, a JupyterLite site whose Python
(Pyodide), packages and extensions are the ones tools/vendor_pyodide.py fetched and
checked into `_build/vendor/lite/`, whose index of installable wheels holds the book's own
package (the wheel `make wheel` built, with its data) and the pure-Python wheels the chapters
need, and whose files are the chapters' notebooks (outputs cleared, so the figures come
from the reader's run). Every chapter page gets a "Run in your browser" entry in its
download menu, opening that chapter's notebook there.

Why not jupyterlite-sphinx: the book needs one link per page, not its directives, and its
incremental lite build once kept a stale configuration that loaded Pyodide from a CDN.
Here the lite part is built clean whenever its make-up changes: the digest of every input
but the notebooks' contents (the vendored files' provenance, the wheel, the configuration,
the notebooks' names, this module and JupyterLite's version) is kept beside the build, and
a change to any of them removes the lite build's folder first. When only notebooks changed
(a chapter's prose or numbers), JupyterLite's own incremental build (its doit task
database) rewrites what depends on them, in a fraction of the time; when nothing changed
(a no-op), the site is kept. Either way the site is then checked: the Pyodide URL is the
site's own copy, the PyPI fallback is off, no configuration names another host, every
Pyodide package matches its hash. Any failure stops the build.

The site is built in _build/lite/site and linked into the HTML output when complete:
JupyterLite gives the output folder's parent, and everything in it, the release date as
its modification time (source_date_epoch), which built in place would make every page of
the book look older than its source, so that Sphinx would write them all again on every
build.

A JupyterLite site needs a web server (`python -m http.server` will do): browsers refuse
its workers and fetches from file://. The button's tooltip says so, and on a page opened
from file:// `_static/run-in-browser.js` (Jupyter Book loads each .js of _static/ on every
page) stops the click with that message instead of opening a Jupyter that cannot start.

The notebooks come from one setting, `lite_notebooks` (a folder of .ipynb named like the
pages, relative to the book's root).
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError
from sphinx.util import logging

from . import background, edition, parallel_execution, reader_notebooks
from .notebook_kit import wheel_path
from .reader_notebooks import KIT_NOTE_TAG, notebook_pages

logger = logging.getLogger(__name__)

VENDOR = Path("_build", "vendor", "lite")  # tools/vendor_pyodide.py writes it
WORK = Path("_build", "lite")  # the lite build's sources, its log and the digest of its inputs
OUTPUT = "lite"  # under the HTML output
CONTENTS = "files"  # the lite build's folder of notebooks (LiteBuildConfig contents)
APP_FOLDER = "app"  # under VENDOR: JupyterLite's application archive (LiteBuildConfig app_archive)
PYODIDE_URL = "./static/pyodide/pyodide.js"  # the site's own Pyodide (the kernel's pyodideUrl)
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
PACKAGE = "afghan_relations"
APPS = ["lab", "notebooks", "tree"]
NOTEBOOK_APP = "notebooks/index.html"
# The Pyodide kernel's name in JupyterLite; a notebook naming another kernel opens a kernel chooser.
KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
INSTALL_CELL = (
    "# Run in your browser: Python here is Pyodide, inside this page. This installs the book's\n"
    "# package and its data from the site itself (nothing comes from another host).\n"
    f"%pip install {PACKAGE}"
)
FILE_NOTE = (
    "The site must be served over http (for example with python -m http.server in the "
    "book's folder): a browser does not run it from a file:// address."
)


def lite_notebook(source):
    """A chapter's notebook for the browser: outputs cleared, Pyodide kernel, install cell first."""
    notebook = nbformat.read(source, as_version=4)
    # the note on running the notebook kit elsewhere; here the install cell says what happens
    notebook.cells = [c for c in notebook.cells if KIT_NOTE_TAG not in c.metadata.get("tags", [])]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL, id="run-in-browser-install"))
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata.pop("widgets", None)  # the build's saved widget state: the reader's run makes its own
    return notebook


def chapter_notebooks(confdir, folder):
    """{page name: notebook path} for every .ipynb in the notebook folder."""
    root = Path(confdir, folder)
    if not root.is_dir():
        raise ExtensionError(f"lite_notebooks: no folder {root}")
    return {f"chapters/{path.stem}": path for path in sorted(root.glob("*.ipynb"))}


def check_vendor(vendor):
    """The vendored files, all present with the sizes recorded when they were verified."""
    provenance = vendor / "PROVENANCE.json"
    if not provenance.is_file():
        raise ExtensionError(f"{provenance} missing: run `python tools/vendor_pyodide.py` (`make book` does)")
    files = json.loads(provenance.read_text())
    bad = [
        name
        for name, info in files.items()
        if not (vendor / name).is_file() or (vendor / name).stat().st_size != info["size"]
    ]
    if bad:
        raise ExtensionError(
            f"{vendor}: {', '.join(bad)} missing or changed since verified: run `python tools/vendor_pyodide.py`"
        )
    return files


def release_epoch(confdir):
    """The edition's release date (CITATION.cff) as a Unix time: the lite site's file dates,
    so that two builds of the same files are byte-identical (tests/test_rebuild.py)."""
    released = edition.citation(confdir)[1]
    return int(datetime(released.year, released.month, released.day, tzinfo=UTC).timestamp())


def app_archive(vendor):
    """JupyterLite's application archive, as tools/vendor_pyodide.py repacked it (gzip without compression)."""
    archives = sorted((vendor / APP_FOLDER).glob("jupyterlite-app-*.tgz"))
    if len(archives) != 1:
        raise ExtensionError(
            f"{vendor / APP_FOLDER}: expected one JupyterLite app archive: run `python tools/vendor_pyodide.py`"
        )
    return archives[0]


def lite_config(vendor, wheel, output, epoch):
    """jupyter_lite_config.json: only our extensions and wheels, nothing from sys.prefix."""
    return {
        "LiteBuildConfig": {
            "app_archive": str(app_archive(vendor)),
            "source_date_epoch": epoch,
            "apps": APPS,
            "contents": [CONTENTS],
            "output_dir": str(output),
            "ignore_sys_prefix": True,
            "federated_extensions": sorted(str(p) for p in (vendor / "extensions").glob("*.whl")),
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
        },
        # ipywidgets needs jupyterlab_widgets installed too: the extension's wheel is also served to piplite
        "PipliteAddon": {
            "piplite_urls": sorted(str(p) for p in (vendor / "pypi").glob("*.whl"))
            + sorted(str(p) for p in (vendor / "extensions").glob("jupyterlab_widgets-*.whl"))
            + [str(wheel)]
        },
    }


def kernel_settings():
    """The Pyodide kernel's settings, set explicitly: the site's Pyodide and no PyPI fallback."""
    return {"pyodideUrl": PYODIDE_URL, "disablePyPIFallback": True}


def lite_json():
    # exposeAppInBrowser: window.jupyterapp, through which the browser tests run the notebooks
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {"exposeAppInBrowser": True, "litePluginSettings": {KERNEL_PLUGIN: kernel_settings()}},
    }


def config_sources(vendor, wheel, output, epoch):
    """{path in the lite build's input folder: bytes}: the two configuration files."""
    return {
        "jupyter_lite_config.json": json.dumps(lite_config(vendor, wheel, output, epoch), indent=2).encode(),
        "jupyter-lite.json": json.dumps(lite_json(), indent=2).encode(),
    }


def notebook_sources(notebooks):
    """{path in the lite build's input folder: bytes}: the notebooks, as the site serves them."""
    return {
        f"{CONTENTS}/{source.name}": nbformat.writes(lite_notebook(source)).encode() for source in notebooks.values()
    }


def setup_digest(vendor, wheel, configs):
    """What the site's make-up depends on: the configuration files, the wheel, the vendored files
    (by their recorded hashes), this module's code and JupyterLite's version; not the notebooks."""
    from importlib.metadata import version

    h = hashlib.sha256(version("jupyterlite-core").encode())
    h.update(Path(__file__).read_bytes())
    h.update((vendor / "PROVENANCE.json").read_bytes())
    h.update(hashlib.sha256(Path(wheel).read_bytes()).digest())
    for name, data in sorted(configs.items()):
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def contents_digest(sources):
    """What the site's files depend on: the notebooks as it serves them."""
    h = hashlib.sha256()
    for name, data in sorted(sources.items()):
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def write_sources(work, sources):
    """The lite build's input files, each written only if its bytes differ (JupyterLite's own
    task runner, doit, then rebuilds what depends on the files that changed)."""
    for name, data in sources.items():
        path = work / name
        if not (path.is_file() and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def _link_or_copy(source, destination):
    """A hard link where the filesystem allows (the site's files are replaced, never written in place), else a copy."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def add_status_favicons(output):
    """JupyterLab's pages swap their favicon for static/favicons/favicon-*.ico (busy, notebook, ...),
    which Jupyter Server serves and JupyterLite 0.6 does not ship (a 404 each time the kernel
    is busy). They get the app's own icon."""
    icons = output / "static" / "favicons"
    icons.mkdir(parents=True, exist_ok=True)
    for name in (
        "favicon",
        "favicon-busy-1",
        "favicon-busy-2",
        "favicon-busy-3",
        "favicon-file",
        "favicon-notebook",
        "favicon-terminal",
    ):
        shutil.copyfile(output / "notebooks" / "favicon.ico", icons / f"{name}.ico")


def config_text(path):
    """A JupyterLite configuration as text: the JSON file, or the notebook's metadata (its
    Markdown cell only links JupyterLite's documentation)."""
    data = json.loads(path.read_text())
    return json.dumps(data.get("metadata", {}) if path.suffix == ".ipynb" else data)


def config_problems(output):
    """What is wrong with the built site's configuration: each jupyter-lite.json, the kernel's settings."""
    problems = []
    configs = sorted([*output.rglob("jupyter-lite.json"), *output.rglob("jupyter-lite.ipynb")])
    if not configs:
        return [f"no jupyter-lite.json in {output}"]
    for path in configs:
        text = config_text(path)
        for scheme in ("http://", "https://", "//cdn", "//unpkg"):
            if scheme in text:
                problems.append(f"{path.relative_to(output)} names another host ({scheme})")
    root = json.loads((output / "jupyter-lite.json").read_text())["jupyter-config-data"]
    settings = root.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    for key, value in kernel_settings().items():
        if settings.get(key) != value:
            problems.append(f"jupyter-lite.json: {KERNEL_PLUGIN} {key} is {settings.get(key)!r}, not {value!r}")
    for url in settings.get("pipliteUrls", []):
        if not url.startswith("./") or not (output / url.split("?")[0]).is_file():
            problems.append(f"jupyter-lite.json: pipliteUrls entry {url} is not a file of the site")
    lock = json.loads((output / "static" / "pyodide" / "pyodide-lock.json").read_text())
    served = output / "static" / "pyodide"
    missing = [p["file_name"] for p in lock["packages"].values() if not (served / p["file_name"]).is_file()]
    if missing:
        problems.append(f"static/pyodide lacks {', '.join(missing)}")
    wrong = [
        p["file_name"]
        for p in lock["packages"].values()
        if (served / p["file_name"]).is_file()
        and hashlib.sha256((served / p["file_name"]).read_bytes()).hexdigest() != p["sha256"]
    ]
    if wrong:
        problems.append(f"static/pyodide: {', '.join(wrong)} differ from pyodide-lock.json's sha256")
    return problems


def lite_build_command(work):
    return [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(work / "src")]


# A folder in memory (Linux's /dev/shm), where there is one with room, for the lite build's temporary
# files: the unpacked application takes 62 MB, and a container's /dev/shm may hold only 64 MB.
MEMORY_TMP = Path("/dev/shm")
MEMORY_TMP_ROOM = 512 * 2**20


def lite_build_env():
    """The lite build's environment: the build's, with its temporary folder in memory where there is one.

    A clean lite build unpacks JupyterLite's application (749 files) into a temporary folder, then
    copies it into the site. On the disk, every file of it is an inode to allocate, and ext4 searches
    longer for a free one among the many a clean build has just deleted: half a second of system
    time, at the build's end. In memory that search does not happen."""
    env = dict(os.environ)
    if MEMORY_TMP.is_dir() and os.access(MEMORY_TMP, os.W_OK | os.X_OK):
        free = os.statvfs(MEMORY_TMP)
        if free.f_bavail * free.f_frsize >= MEMORY_TMP_ROOM:
            env["TMPDIR"] = str(MEMORY_TMP)
    return env


def run_lite(work, log):
    """`jupyter lite build` of work/src started, writing to the open file `log` (a Popen)."""
    return subprocess.Popen(
        lite_build_command(work), cwd=work / "src", stdout=log, stderr=subprocess.STDOUT, env=lite_build_env()
    )


def check_lite_build(work, returncode):
    if returncode != 0:
        log = (work / "build.log").read_text()
        raise ExtensionError(f"jupyter lite build failed (log: {work / 'build.log'}):\n{log[-3000:]}")


def finish_site(site, vendor):
    """The site's own Pyodide, provenance and icons, added to JupyterLite's build.

    Pyodide is added after the build rather than handed to the kernel's build add-on: its
    URL is the one kernel_settings() sets, checked after every build, whatever state the add-on keeps.
    Its files are hard links to the vendored ones (38 MB, whose copy took a third of a second of the
    build's end); nothing writes into them, and vendoring replaces files rather than rewriting them."""
    pyodide = site / "static" / "pyodide"
    if not pyodide.is_dir():
        shutil.copytree(vendor / "pyodide", pyodide, copy_function=_link_or_copy)
    shutil.copyfile(vendor / "PROVENANCE.json", site / "PROVENANCE.json")  # where each file came from
    add_status_favicons(site)


def run_lite_build(work, site, vendor):
    """jupyter lite build from work/src into `site` (JupyterLite's tasks that are not up to date), then finish_site."""
    with open(work / "build.log", "w") as log:
        returncode = run_lite(work, log).wait()
    check_lite_build(work, returncode)
    finish_site(site, vendor)


class Paths:
    """Where the lite build reads and writes, and what it is built from, for one Sphinx build."""

    def __init__(self, app):
        confdir = Path(app.confdir)
        self.vendor, self.work, self.output = confdir / VENDOR, confdir / WORK, Path(app.outdir, OUTPUT)
        self.site = self.work / "site"  # built here, then linked into `output` (see the module's docstring)
        self.stamp = self.work / "inputs.json"  # {"setup": digest, "contents": digest or None} of the site
        check_vendor(self.vendor)
        self.wheel = wheel_path(app)  # the wheel `make wheel` built, the notebook kit's too
        self.configs = config_sources(self.vendor, self.wheel, self.site, release_epoch(confdir))
        self.setup = setup_digest(self.vendor, self.wheel, self.configs)

    def built(self):
        return json.loads(self.stamp.read_text()) if self.stamp.is_file() and self.site.is_dir() else {}


def start_lite_setup(app):
    """When the site's make-up changed: its clean build, without notebooks, started in the background.
    It runs on the core the chapters leave free as their execution ends (parallel_execution's
    LAST_STARTED, emitted once a build), then beside Sphinx, which reads and writes the pages on one
    core; the notebooks are added at the end (update_site). Its log is _build/lite/build.log."""
    if app.builder.format != "html":
        return
    paths = Paths(app)
    if paths.built().get("setup") == paths.setup:
        return
    shutil.rmtree(paths.work, ignore_errors=True)  # clean: no state kept from a lite build of other inputs
    write_sources(paths.work / "src", paths.configs)
    (paths.work / "src" / CONTENTS).mkdir()
    log = open(paths.work / "build.log", "w")  # noqa: SIM115 (closed by wait_for_lite_setup, once the build ends)
    app._lite_setup = (paths.setup, run_lite(paths.work, log), log)


def wait_for_lite_setup(app, paths):
    """The background build's outcome, recorded as a site of that make-up without notebooks."""
    setup, process, log = app._lite_setup
    del app._lite_setup
    returncode = process.wait()
    log.close()
    check_lite_build(paths.work, returncode)
    finish_site(paths.site, paths.vendor)
    paths.stamp.write_text(json.dumps({"setup": setup, "contents": None}))


def update_site(app, paths):
    """The lite site in _build/lite/site with this build's notebooks: kept when no input changed;
    JupyterLite's incremental build when only notebooks changed; built clean when anything else did
    (that build started in the background as the last chapter's kernel started, start_lite_setup). It writes
    nothing into the HTML output, which build_lite links it into once Sphinx is done with it.
    Returns (the notebooks' digest, what was done, how many notebooks)."""
    notebooks = notebook_sources(chapter_notebooks(Path(app.confdir), app.config.lite_notebooks))
    contents = contents_digest(notebooks)
    cleaned = hasattr(app, "_lite_setup")
    if cleaned:  # made meanwhile
        wait_for_lite_setup(app, paths)
    built = paths.built()
    if built == {"setup": paths.setup, "contents": contents} and paths.output.is_dir():
        return contents, "unchanged, kept", len(notebooks)
    paths.stamp.unlink(missing_ok=True)
    if built.get("setup") != paths.setup:  # clean: no state kept from a lite build of other inputs
        shutil.rmtree(paths.work, ignore_errors=True)
        cleaned = True
    for folder in (paths.work / "src" / CONTENTS, paths.site / CONTENTS):  # a chapter removed
        for stale in set(folder.glob("*.ipynb")) - {folder / Path(name).name for name in notebooks}:
            stale.unlink()
    write_sources(paths.work / "src", {**paths.configs, **notebooks})
    run_lite_build(paths.work, paths.site, paths.vendor)
    return contents, "built" if cleaned else "notebooks updated", len(notebooks)


def start_site_update(app, env):
    """Once the pages are read (and the readers' notebooks written): the site updated while Sphinx
    writes the pages (background.py); build_lite waits for it."""
    if app.builder.format == "html" and reader_notebooks.written(app):
        background.start(app, "lite", update_site, app, Paths(app))


def build_lite(app, exception):
    """The lite site (update_site, done now when no page was read) linked into the HTML output, checked."""
    pending = getattr(app, "_lite_setup", None)
    if exception is not None or app.builder.format != "html":
        if pending:
            pending[1].kill()
        if background.started(app, "lite"):
            background.finish(app, "lite", failed_build=True)
        elif pending:
            pending[1].wait()
            pending[2].close()
        return
    paths = Paths(app)
    if background.started(app, "lite"):
        contents, state, count = background.finish(app, "lite")
    else:
        contents, state, count = update_site(app, paths)
    if state != "unchanged, kept":  # linked in whole (hard links: a few hundredths of a second)
        shutil.rmtree(paths.output, ignore_errors=True)
        shutil.copytree(paths.site, paths.output, copy_function=_link_or_copy)
    problems = config_problems(paths.output)
    if problems:
        raise ExtensionError("the in-browser Jupyter site is misconfigured:\n" + "\n".join(problems))
    paths.stamp.write_text(json.dumps({"setup": paths.setup, "contents": contents}))
    logger.info(f"lite: {count} notebooks, {PACKAGE} {paths.wheel.name} -> {paths.output} ({state})")


def add_run_button(app, pagename, templatename, context, doctree):
    """A 'Run in your browser' entry in the download menu of each page with a lite notebook."""
    if app.builder.format != "html":
        return
    if pagename not in notebook_pages(app):  # the lite site gets every executed chapter's notebook
        return
    url = context["pathto"](f"{OUTPUT}/{NOTEBOOK_APP}", 1) + f"?path={Path(pagename).name}.ipynb"
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(
                0,
                {
                    "type": "link",
                    "url": url,
                    "text": "Run in your browser",
                    "tooltip": "Run this chapter's notebook in your browser, with nothing installed. " + FILE_NOTE,
                    "icon": "fas fa-play",
                    "label": "run-in-browser-button",
                },
            )


def setup(app):
    # The folder of notebooks the lite site offers, one per page (pages/<name>.ipynb as chapters/<name>).
    # The readers' notebooks (reader_notebooks.py writes them once the pages are read, priority 500).
    app.add_config_value("lite_notebooks", str(Path("_build", "html", "_sources", "chapters")), "env")
    # as the chapters' execution ends (parallel_execution); or, when none runs, before Sphinx reads the pages
    app.connect(parallel_execution.LAST_STARTED, start_lite_setup)
    # once reader_notebooks (priority 500) has written the notebooks, as the pages are written
    app.connect("env-check-consistency", start_site_update, priority=700)
    app.connect("build-finished", build_lite, priority=700)
    # after sphinx-book-theme fills the header buttons (priority 501)
    app.connect("html-page-context", add_run_button, priority=520)
