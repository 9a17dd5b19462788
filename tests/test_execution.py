"""How the build executes chapters: data validated once per build, and kernels forked from a warm process
(book_extensions/parallel_execution.py, book_extensions/kernel_fork.py). The build itself, cold and
incremental, is tested in tests/test_rebuild.py."""

import asyncio
import json
import os
import re
import sys
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from afghan_relations import load, validate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from book_extensions import kernel_fork  # noqa: E402


@pytest.fixture
def fresh_loader(monkeypatch):
    """The loader with no memory of folders it validated, and no validation stamp in the environment."""
    monkeypatch.setattr(load, "_validated", {})
    monkeypatch.delenv(load.VALIDATED_ENV, raising=False)
    calls = []
    original = load._validate
    monkeypatch.setattr(load, "_validate", lambda folder: calls.append(folder) or original(folder))
    return calls


def break_a_date(folder):
    """The first event's date made unreadable (date is the second column; the event id before it has no comma)."""
    path = folder / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].split(",")[1] == "date"
    lines[1] = re.sub(r"^([^,]*),[^,]*,", r"\1,not-a-date,", lines[1])
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.fast
def test_loader_validates_without_the_builds_stamp(data, fresh_loader):
    assert len(load.events(data)) > 0
    assert fresh_loader == [data.resolve()]


@pytest.mark.fast
def test_loader_trusts_the_builds_stamp_for_the_same_contents(data, fresh_loader, monkeypatch):
    monkeypatch.setenv(load.VALIDATED_ENV, load.data_digest(data))
    assert len(load.events(data)) > 0
    assert fresh_loader == [], "validated again although the build had validated these very files"


@pytest.mark.fast
def test_loader_validates_files_changed_since_the_build_validated_them(data, fresh_loader, monkeypatch):
    monkeypatch.setenv(load.VALIDATED_ENV, load.data_digest(data))
    break_a_date(data)
    with pytest.raises(validate.DataError, match=r"events\.csv.*row 2.*date"):
        load.events(data)


def _wheel(path, digest, modules):
    """A wheel holding these modules of the package ({name: bytes}) and, unless None, the validated digest."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, code in modules.items():
            archive.writestr(f"afghan_relations/{name}", code)
        archive.writestr("afghan_relations/data/events.csv", "not a module")
        if digest is not None:
            archive.writestr(f"afghan_relations/{load.VALIDATED_STAMP.name}", digest + "\n")
    return path


@pytest.mark.fast
def test_the_build_trusts_the_wheels_validation_only_of_the_same_data_by_the_same_code(data, tmp_path, monkeypatch):
    """parallel_execution.validated_by_the_wheel: `make wheel` validated these files with this package, or no."""
    from sphinx.errors import ExtensionError

    from book_extensions import notebook_kit, parallel_execution

    package = Path(load.__file__).parent
    modules = {path.name: path.read_bytes() for path in package.glob("*.py")}
    digest = load.data_digest(data)
    wheel = tmp_path / "afghan_relations-1.0-py3-none-any.whl"
    monkeypatch.setattr(notebook_kit, "wheel_path", lambda app: wheel)

    def trusted(digest, modules):
        _wheel(wheel, digest, modules)
        return parallel_execution.validated_by_the_wheel(None, data)

    assert trusted(digest, modules)
    assert not trusted("0" * 64, modules)  # the wheel validated other data
    assert not trusted(None, modules)  # a wheel that records no validation
    assert not trusted(digest, {**modules, "validate.py": modules["validate.py"] + b"\n# changed"})  # other rules
    assert not trusted(digest, {name: code for name, code in modules.items() if name != "dates.py"})
    assert not trusted(digest, {**modules, "extra.py": b""})
    break_a_date(data)
    assert not trusted(digest, modules)  # the data changed since
    monkeypatch.setattr(notebook_kit, "wheel_path", lambda app: (_ for _ in ()).throw(ExtensionError("no wheel")))
    assert not parallel_execution.validated_by_the_wheel(None, data)


@pytest.mark.fast
def test_digest_follows_contents_not_times(data):
    before = load.data_digest(data)
    path = data / "events.csv"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",", ";", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime, other contents
    assert load.data_digest(data) != before
    path.write_text(text, encoding="utf-8")
    assert load.data_digest(data) == before


PROBE = """\
import json, os, sys
import matplotlib, numpy, pandas
from pandas._config import config
from ipykernel.kernelapp import IPKernelApp
print(json.dumps({"parent_handle": IPKernelApp.instance().parent_handle,
                  "pandas_defaults": {k: repr(o.defval) for k, o in config._registered_options.items()},
                  "pandas_options": {k: repr(pandas.get_option(k)) for k in config._registered_options},
                  "rcparams": {k: repr(v) for k, v in matplotlib.rcParams.items()},
                  "backend": matplotlib.get_backend(), "numpy": repr(numpy.get_printoptions()),
                  "cwd": os.getcwd(), "path": sys.path, "probe": os.environ.get("BOOK_TEST_PROBE"),
                  "pid": os.getpid(), "parent": os.environ.get("JPY_PARENT_PID"),
                  "gc": __import__("gc").get_threshold(),
                  "ppid": os.getppid(), "pgid": os.getpgid(0), "argv0": os.path.basename(sys.argv[0]),
                  "widgets_loaded": "ipywidgets" in sys.modules,
                  "debugpy": __import__("ipykernel.debugger").debugger._is_debugpy_available,
                  "pydevd_env": os.environ.get("PYDEVD_DISABLE_FILE_VALIDATION")}))
"""


# Figures with text saved twice each, in both formats a chapter saves: their bytes (the SVG
# without its date), and whether the text sizes were measured once for the kernel.
FIGURES = """\
import hashlib, io, json
import matplotlib.pyplot as plt, matplotlib.text
plt.rcParams["svg.hashsalt"] = "probe"  # the SVG's ids the same in both kernels
sums = []
for title in ("Events per decade", "Treaties", "Events per decade"):
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([1830, 2030], [0, 40]); ax.set_title(title); ax.set_xlabel("Year"); ax.annotate("$x$ 1979", (1979, 20))
    for kind in ("svg", "png", "svg"):
        out = io.BytesIO()
        fig.savefig(out, format=kind, bbox_inches="tight", metadata={"Date": None} if kind == "svg" else {})
        sums.append(hashlib.sha256(out.getvalue()).hexdigest())
    plt.close(fig)
from matplotlib.backends.backend_svg import RendererSVG
print(json.dumps({"sums": sums, "shared": matplotlib.text._get_text_metrics_with_cache.__name__ == "shared",
                  "heights": hasattr(RendererSVG, "_get_font_height_metrics")}))
"""


def run_probe(tmp_path, manager_class=None):
    """What a kernel started the usual way, or forked, says about itself."""
    from nbclient import NotebookClient

    nb = new_notebook(
        cells=[
            new_code_cell(PROBE),
            new_code_cell("import matplotlib.pyplot as plt\nfig, ax = plt.subplots(); ax.plot([0, 1]); fig"),
            new_code_cell(FIGURES),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    options = {"kernel_manager_class": manager_class} if manager_class else {}
    client = NotebookClient(nb, timeout=60, resources={"metadata": {"path": str(tmp_path)}}, **options)
    asyncio.run(client.async_execute())
    said = json.loads(nb.cells[0].outputs[0]["text"])
    return said | json.loads(nb.cells[2].outputs[0]["text"]), nb.cells[1].outputs


def test_forked_kernel_is_started_as_jupyter_starts_one(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("BOOK_TEST_PROBE", "passed through")
    usual, usual_figure = run_probe(tmp_path)
    zygote = kernel_fork.Zygote()
    try:
        forked, forked_figure = run_probe(tmp_path, kernel_fork.kernel_manager_class(zygote))
        assert zygote.process.poll() is None  # still serving
    finally:
        zygote.close()
    assert forked["path"] == usual["path"]
    # the libraries imported ahead decided their defaults as inside a kernel (pandas: display.max_columns 20)
    assert forked["pandas_defaults"] == usual["pandas_defaults"]
    assert forked["pandas_options"] == usual["pandas_options"]
    assert forked["rcparams"] == usual["rcparams"] and forked["backend"] == usual["backend"]
    assert forked["numpy"] == usual["numpy"]
    # the one setting that differs on purpose: a forked kernel collects garbage less often
    assert usual["gc"] == [700, 10, 10] and forked["gc"] == list(kernel_fork.KERNEL_GC_THRESHOLDS)
    # the debugger imported ahead (debugpy), as available as in a kernel started as a process, and
    # the variable that kept its import quiet gone again
    assert forked["debugpy"] == usual["debugpy"]
    assert forked["pydevd_env"] == usual["pydevd_env"] is None
    for said in (usual, forked):
        assert said["cwd"] == str(tmp_path)
        assert said["probe"] == "passed through"  # the environment jupyter_client gives the kernel
        assert said["argv0"] == "ipykernel_launcher.py"
        assert said["pgid"] == said["pid"]  # its own process group, for interrupts
        assert not said["widgets_loaded"]  # ipywidgets registers with the running shell on import
    assert forked["ppid"] == int(forked["parent"]) == zygote.process.pid
    # each watches its parent (ipykernel's ParentPollerUnix) and prints nothing to the build's log
    assert usual["parent_handle"] == int(usual["parent"]) and forked["parent_handle"] == forked["ppid"]
    # text measured and fonts' heights looked up once per forked kernel, not once per figure saved,
    # and every figure the same bytes
    assert forked["shared"] and not usual["shared"]
    assert forked["heights"] and not usual["heights"]
    assert forked["sums"] == usual["sums"]
    # the inline backend draws the same figure, in the same formats
    assert [sorted(o.get("data", {})) for o in forked_figure] == [sorted(o.get("data", {})) for o in usual_figure]
    assert zygote.process.poll() is not None, "the zygote outlived the build"
    printed = capfd.readouterr()
    assert "NOTE" not in printed.out  # ipykernel's note for kernels without a parent
    assert "Debugger warning" not in printed.err  # debugpy's note on frozen modules, imported in the zygote


def test_kernel_starts_as_a_process_when_the_zygote_is_gone(tmp_path):
    zygote = kernel_fork.Zygote()
    zygote.process.kill()
    zygote.process.wait()
    try:
        said, figure = run_probe(tmp_path, kernel_fork.kernel_manager_class(zygote))
    finally:
        zygote.close()
    assert said["ppid"] == os.getpid()  # started by jupyter_client itself, not forked
    assert said["cwd"] == str(tmp_path) and figure


class _Record:
    def __init__(self, uri, seconds, created):
        self.uri, self.data, self.created = uri, {"execution_seconds": seconds}, created


class _Cache:
    def __init__(self, records=()):
        self.records = list(records)

    def list_cache_records(self):
        return self.records


def _chapter_jobs():
    """Every chapter as a job, its notebook read by jupytext-free means: the code cells' sources."""
    jobs = []
    for path in sorted((ROOT / "chapters").glob("*.md")):
        cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)
        jobs.append(
            {
                "docname": f"chapters/{path.stem}",
                "path": path,
                "notebook": new_notebook(cells=[new_code_cell(c) for c in cells]),
            }
        )
    return jobs


@pytest.mark.fast
def test_a_cold_build_starts_the_chapters_with_explorers_first():
    """With one kernel per core, the chapter that draws most must not start last (the cold build's tail)."""
    from book_extensions import parallel_execution

    order = [job["docname"].split("/")[-1] for job in parallel_execution.longest_first(_chapter_jobs(), _Cache())]
    explorers = {p.stem for p in (ROOT / "chapters").glob("*.md") if "explorer(" in p.read_text(encoding="utf-8")}
    assert len(explorers) >= 3
    assert set(order[: len(explorers)]) == explorers, order
    assert order[-1].startswith("appendix-"), order  # one that draws nothing


@pytest.mark.fast
def test_the_last_chapter_started_event_comes_once_when_no_chapter_waits_for_a_kernel(monkeypatch):
    """execute_all's `all_started`: once, as the last chapter's kernel starts (lite.py starts its clean build
    then): not before, while chapters still wait for a kernel, and not after the chapters have finished."""
    from book_extensions import parallel_execution

    happened = []

    async def execute(notebook, path, nb_config, kernel_manager_class, core, announce, ready):
        happened.append(("kernel", path))
        async with core:
            await asyncio.sleep(0.01)
        happened.append(("finished", path))
        return 0.01, None

    monkeypatch.setattr(parallel_execution, "execute", execute)
    jobs = [{"docname": f"page{i}", "path": f"page{i}", "notebook": None, "nb_config": None} for i in range(7)]

    async def run():
        async for _ in parallel_execution.execute_all(jobs, 2, all_started=lambda: happened.append("all")):
            pass

    asyncio.run(run())
    assert happened.count("all") == 1
    before = happened[: happened.index("all")]
    assert [e for e in before if e[0] == "kernel"] == [("kernel", f"page{i}") for i in range(6)]
    assert happened[happened.index("all") + 1] == ("kernel", "page6")  # the last kernel, right after
    # at most 2 chapters a core (kernels start ahead of a free core) were left to finish, and some were
    finished = sum(e[0] == "finished" for e in before)
    assert len(jobs) - 2 * 2 <= finished < len(jobs)


@pytest.mark.fast
def test_a_chapter_run_before_is_placed_by_its_last_time():
    """Chapters never run first (in drawing order), then the others, longest latest run first."""
    from book_extensions import parallel_execution

    jobs = _chapter_jobs()
    path = {job["path"].stem: str(job["path"]) for job in jobs}
    cache = _Cache(
        [
            _Record(path["appendix-index"], 5.0, created=1),
            _Record(path["07-treaty-counts"], 9.0, created=2),
            _Record(path["07-treaty-counts"], 1.0, created=1),  # an older run: not the one that counts
        ]
    )
    order = [job["path"].stem for job in parallel_execution.longest_first(jobs, cache)]
    assert order[-2:] == ["07-treaty-counts", "appendix-index"], order


@pytest.mark.fast
def test_only_a_cold_notebook_build_starts_its_zygote_while_sphinx_sets_up(tmp_path, monkeypatch):
    """Every chapter runs when there is no execution cache yet: then, and only then, the zygote starts early."""
    from types import SimpleNamespace

    from book_extensions import parallel_execution

    def app(mode="cache", **overrides):
        config = SimpleNamespace(overrides={"nb_execution_mode": mode, **overrides})
        return SimpleNamespace(config=config, outdir=str(tmp_path / "_build" / "html"), confdir=str(tmp_path))

    monkeypatch.delenv("BOOK_FORK_KERNELS", raising=False)
    assert parallel_execution.cold_notebook_build(app())
    assert not parallel_execution.cold_notebook_build(app(mode="force"))  # not through the cache
    assert not parallel_execution.cold_notebook_build(
        SimpleNamespace(**{**vars(app()), "config": SimpleNamespace(overrides={})})
    )  # a plain Sphinx project
    (tmp_path / "_build" / ".jupyter_cache").mkdir(parents=True)
    assert not parallel_execution.cold_notebook_build(app())  # chapters may be cached: known once pages are listed
    assert parallel_execution.cold_notebook_build(app(nb_execution_cache_path="elsewhere"))  # that cache does not exist
    monkeypatch.setenv("BOOK_FORK_KERNELS", "0")
    assert not parallel_execution.cold_notebook_build(app(nb_execution_cache_path="elsewhere"))


@pytest.mark.fast
def test_shared_text_metrics_measure_a_text_once_until_a_setting_it_depends_on_changes(monkeypatch):
    """kernel_fork.share_text_metrics: one measurement for every renderer of a kind, a new one when the
    fonts a generic family names change."""
    import matplotlib
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    calls = []

    def measured(renderer, text, fontprop, ismath, dpi):  # matplotlib's signature, counting its calls
        calls.append(text)
        return 1.0, 2.0, 0.5

    monkeypatch.setattr(mtext, "_get_text_metrics_with_cache", measured)
    assert kernel_fork.share_text_metrics()
    measure, font = mtext._get_text_metrics_with_cache, FontProperties(family="sans-serif", size=9)
    for renderer in (RendererAgg(100, 100, 72), RendererAgg(200, 100, 72)):
        assert measure(renderer, "1979", font, False, 72) == (1.0, 2.0, 0.5)
    assert len(calls) == 1  # two renderers, one measurement
    measure(RendererAgg(100, 100, 110), "1979", font, False, 110)
    assert len(calls) == 2  # another dpi
    with matplotlib.rc_context({"font.sans-serif": ["DejaVu Serif"]}):
        measure(RendererAgg(100, 100, 72), "1979", font, False, 72)
    assert len(calls) == 3  # the generic family names another font
    measure(RendererAgg(100, 100, 72), "$x$", font, True, 72)
    assert len(calls) == 4
    with matplotlib.rc_context({"mathtext.fontset": "stix"}):
        measure(RendererAgg(100, 100, 72), "1979", font, False, 72)
        assert len(calls) == 4  # plain text does not depend on the math settings
        measure(RendererAgg(100, 100, 72), "$x$", font, True, 72)
        assert len(calls) == 5  # math does


class _Channel:
    """A kernel client's channel holding the messages the test queued; Empty once they are read."""

    def __init__(self, messages):
        self.messages = list(messages)

    async def get_msg(self, timeout=None):
        from queue import Empty

        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def _status(state, parent):
    return {"msg_type": "status", "content": {"execution_state": state}, "parent_header": {"msg_id": parent}}


@pytest.mark.fast
def test_a_forked_kernels_client_is_ready_once_its_kernel_info_is_answered_and_published():
    """kernel_fork.ready_client_class: the client reads IOPub up to the 'idle' of its own kernel_info request,
    leaving what follows; without that 'idle' (IOPub subscribed after the kernel published it) it asks again."""
    reply = {"msg_type": "kernel_info_reply", "content": {"protocol_version": "5.3"}, "parent_header": {}}
    shell, iopub = _Channel([]), _Channel([{"msg_type": "iopub_welcome", "content": {}, "parent_header": {}}])
    published = {  # what the kernel publishes on IOPub as it answers each request, as the client sees it
        "first": [],  # lost: not subscribed yet
        "second": [_status("busy", "second"), _status("idle", "second"), _status("busy", "a cell's")],
    }
    asked = []

    class Client(kernel_fork.ready_client_class()):
        shell_channel, iopub_channel = shell, iopub

        def kernel_info(self):
            request = ["first", "second"][len(asked)]
            asked.append(request)
            shell.messages.append(reply)
            iopub.messages.extend(published[request])
            return request

        async def _async_is_alive(self):
            return True

    asyncio.run(Client().wait_for_ready(timeout=5))
    assert asked == ["first", "second"]
    assert shell.messages == [] and iopub.messages == [_status("busy", "a cell's")]  # not the start-up's: nbclient's


@pytest.mark.fast
def test_a_forked_kernels_client_connects_again_sooner_than_zeromqs_default(monkeypatch):
    """Its sockets, made when the channels start, try again after RECONNECT_MS, not ZeroMQ's 100 ms."""
    import zmq
    from jupyter_client.asynchronous import AsyncKernelClient

    monkeypatch.setattr(AsyncKernelClient, "start_channels", lambda self, *a, **k: None)
    client = kernel_fork.ready_client_class()()
    client.start_channels()
    try:
        assert client.context.getsockopt(zmq.RECONNECT_IVL) == kernel_fork.RECONNECT_MS < 100
        assert client.context.getsockopt(zmq.RECONNECT_IVL_MAX) == kernel_fork.RECONNECT_MAX_MS
        socket = client.context.socket(zmq.DEALER)
        assert socket.getsockopt(zmq.RECONNECT_IVL) == kernel_fork.RECONNECT_MS
        socket.close()
    finally:
        client.context.term()


@pytest.mark.fast
def test_shared_font_heights_are_matplotlibs_found_once_per_font_and_dpi(monkeypatch):
    """kernel_fork.share_font_heights: texts laid out as without it, each font's tables read once per dpi."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG

    def extents(fig):
        renderer = fig.canvas.get_renderer()
        return [t.get_window_extent(renderer).bounds for t in fig.texts]

    fig = plt.figure(dpi=110)
    for i, size in enumerate((7.5, 9, 9, 12)):
        fig.text(0.1, 0.2 * i, "Tajikistan 1992\nsecond line", fontsize=size)
    before = extents(fig)
    found = []
    monkeypatch.setattr(
        kernel_fork, "_font_heights", lambda prop, dpi, f=kernel_fork._font_heights: found.append(dpi) or f(prop, dpi)
    )
    try:
        assert kernel_fork.share_font_heights()
        assert not kernel_fork.share_font_heights()  # once installed, not again
        assert extents(fig) == before  # the same floats, so the same figures' bytes
        assert extents(fig) == before
        assert found == [110.0, 110.0, 110.0]  # three sizes, one lookup each: the second pass found them all
        fig.set_dpi(72)
        extents(fig)
        assert found[3:] == [72.0, 72.0, 72.0]  # another dpi, other pixels
    finally:
        del RendererAgg._get_font_height_metrics, RendererSVG._get_font_height_metrics
        plt.close(fig)


# Sphinx reads the pages while the chapters execute in a thread (parallel_execution.Execution): each page
# waits until its chapter is cached. The kernels are replaced here by a schedule of chapters finishing.


class _Zygote:
    closed = False

    def close(self):
        self.closed = True


class _App:
    def __init__(self):
        self.emitted = []

    def emit(self, event):
        self.emitted.append(event)


def _execution(monkeypatch, tmp_path, finishing, validate=lambda app: None, ready=None):
    """An Execution whose chapters (`finishing`, docnames) finish in that order once `ready` (an Event) is set."""
    import threading

    from book_extensions import parallel_execution

    ready = ready or threading.Event()
    jobs = [{"docname": d} for d in finishing]

    async def execute_all(jobs, n, manager, validated, all_started):
        all_started()
        while not ready.is_set():
            await asyncio.sleep(0.005)
        for job in jobs:
            yield job, 0.1, None

    monkeypatch.setattr(parallel_execution, "execute_all", execute_all)
    monkeypatch.setattr(parallel_execution, "validate_data_once", validate)
    monkeypatch.setattr(parallel_execution, "cache_executed", lambda cache, job, seconds: type("R", (), {"pk": 1}))
    zygote = _Zygote()
    app = _App()
    return parallel_execution.Execution(app, jobs, 2, zygote, str(tmp_path / "cache")), app, zygote, ready


@pytest.mark.fast
def test_pages_are_read_cached_first_then_in_the_order_their_chapters_start():
    from book_extensions import parallel_execution

    docnames = ["a", "b", "c", "d", "e"]
    jobs = [{"docname": "d"}, {"docname": "b"}, {"docname": "e"}]
    assert parallel_execution.reading_order(docnames, jobs) == ["a", "c", "d", "b", "e"]


@pytest.mark.fast
def test_a_page_waits_until_its_chapter_is_cached(monkeypatch, tmp_path):
    import threading

    from book_extensions import parallel_execution

    execution, app, zygote, ready = _execution(monkeypatch, tmp_path, ["b", "a"])
    execution.wait("not executed here")  # at once
    waited = threading.Thread(target=execution.wait, args=("a",))
    waited.start()
    waited.join(0.2)
    assert waited.is_alive()  # its chapter has not run yet
    ready.set()
    waited.join(5)
    assert not waited.is_alive()
    execution.finish()
    assert zygote.closed and app.emitted == [parallel_execution.LAST_STARTED]


@pytest.mark.fast
def test_bad_data_stop_the_first_page_that_waits_with_the_loaders_message(monkeypatch, tmp_path):
    from sphinx.errors import ExtensionError

    def invalid(app):
        raise ExtensionError("the data are not valid: data/events.csv, row 2, column 'date'")

    execution, _, zygote, ready = _execution(monkeypatch, tmp_path, ["a", "b"], validate=invalid)
    ready.set()
    with pytest.raises(ExtensionError, match="row 2, column 'date'"):
        execution.wait("b")
    with pytest.raises(ExtensionError, match="row 2, column 'date'"):
        execution.finish()
    assert zygote.closed


@pytest.mark.fast
def test_a_build_that_fails_meanwhile_stops_the_chapters(monkeypatch, tmp_path):
    import time

    execution, _, zygote, _ = _execution(monkeypatch, tmp_path, ["a"])  # never ready: runs until stopped
    time.sleep(0.05)
    started = time.perf_counter()
    execution.cancel()
    assert time.perf_counter() - started < 2 and not execution.thread.is_alive() and zygote.closed


@pytest.mark.fast
def test_a_build_that_fails_at_once_stops_the_chapters_before_they_start(monkeypatch, tmp_path):
    from book_extensions import parallel_execution

    monkeypatch.setattr(parallel_execution.Execution, "_execute", _stopped_before_started(parallel_execution))
    execution, _, zygote, _ = _execution(monkeypatch, tmp_path, ["a"])
    execution.cancel()  # before the thread has its task
    assert not execution.thread.is_alive() and zygote.closed
    with pytest.raises(asyncio.CancelledError):
        execution.finish()


def _stopped_before_started(parallel_execution):
    """Execution._execute as it is, started late: the build's failure comes before the thread's task exists."""
    original = parallel_execution.Execution._execute

    async def late(self):
        while not self.stopping.is_set():
            await asyncio.sleep(0.001)
        return await original(self)

    return late
