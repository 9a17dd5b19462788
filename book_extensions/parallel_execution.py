"""Execute the chapters the execution cache lacks in parallel, one kernel per core, while Sphinx reads the pages.

myst-nb (`execute_notebooks: cache`) executes a chapter while Sphinx reads its page,
so the chapters run one after another and most of a cold build is kernels starting
one at a time. Sphinx can read pages in parallel (`-j`), but Jupyter Book does not
offer it, and parallel readers would share one SQLite cache. Instead, when Sphinx
has listed the pages it will read (`env-before-read-docs`), this hook:

1. builds each page's notebook exactly as myst-nb will: the page's text after every
   `source-read` handler (execution_inputs adds the hashes of the chapter's inputs to its
   first code cell, and the cache key must include them), read by myst-nb's own reader,
   with myst-nb's kernel aliases and per-notebook configuration;
2. looks each one up in myst-nb's jupyter-cache (`_build/.jupyter_cache`), with
   jupyter-cache's own hash, and keeps the ones not there;
3. executes those concurrently with nbclient (the client myst-nb and jupyter-cache
   use), at most one kernel per core, longest first, in the same working directory
   and with the same timeout and error settings as myst-nb, in a thread of its own
   (`Execution`), and returns: Sphinx reads the pages meanwhile, those of chapters that
   need not run first, then the others in the order their chapters started
   (`reading_order`), each page waiting until its chapter is cached (`source-read`), so
   the reading, in this process, overlaps the execution in the kernels';
4. stores each executed notebook as myst-nb does (project record, then cache bundle
   with its execution time).

myst-nb then finds every chapter in the cache ("Using cached notebook"). A chapter
that fails here is not cached: myst-nb executes it again while reading and reports
the error with page and cell, as before, so a broken chapter fails the build as it
always did. jupyter-cache's own parallel executor is not used because it reads the
notebooks from disk, without the inputs comment, so its cache keys would never match.

The data are validated once here, not in every kernel, while the first kernels start, unless the
book's wheel records that `make wheel` validated these files with this code; no cell runs before
they have passed (see `validate_data_once`), and bad data stop the build at the first page that
waits. A cold build, whose every chapter runs, starts the kernels' zygote while Sphinx is still
setting up (`cold_notebook_build`).
"""

import asyncio
import contextlib
import functools
import os
import re
import threading
import time
from concurrent.futures import Future
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import sphinx_domains

from . import kernel_fork

logger = logging.getLogger(__name__)

# Emitted (with the application only) once the kernel of the last chapter to execute is starting: what is
# left of the execution is at most two chapters a core, mostly waiting for kernels to answer, so a core
# comes free from then on. lite.py starts its clean build there rather than after the last chapter.
# When pages are read but no chapter executes, it is emitted before they are read.
LAST_STARTED = "book-last-chapter-started"


def workers(app):
    """How many notebooks run at once: `book_execution_workers`, or one per core this process may use."""
    configured = int(os.environ.get("BOOK_EXECUTION_WORKERS") or 0) or app.config.book_execution_workers
    return max(1, configured or len(os.sched_getaffinity(0)))


def forked_kernels(app):
    """Whether kernels are forked from a process that has imported their common modules (kernel_fork.py).

    `book_fork_kernels` (default on); BOOK_FORK_KERNELS=0 in the environment turns it off, to compare.
    """
    return app.config.book_fork_kernels and os.environ.get("BOOK_FORK_KERNELS", "1") != "0" and hasattr(os, "fork")


def validation_key(folder):
    """What a validation's verdict depends on: the data's contents and the validator's (the package's) code."""
    import hashlib

    from afghan_relations import load

    package = Path(load.__file__).parent
    h = hashlib.sha256(load.data_digest(folder).encode())
    for path in sorted(package.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def validate_data_once(app):
    """Check the data once for the whole build, stopping with the loader's message (file, row, column).

    Every chapter's loader validates the data folder before returning a table (afghan_relations.load).
    Here the build validates it once, and exports the digest of the folder's contents
    (`trust_validated_data`, before the kernels start); a kernel started by this build inherits it and
    skips the check only while the folder's contents still have that digest, and runs no cell until
    this check has passed (`execute`). A notebook run anywhere else has no such variable and
    validates as before.

    The verdict is kept in _build/.data-validated, keyed on the data and the validator's code, so
    a build with neither changed (a no-op, a prose edit) does not validate again: about a second
    with frictionless. Nor does a build whose data `make wheel` has just validated with the same
    code (`validated_by_the_wheel`): `make book` builds the wheel first, so a fresh clone's first
    build, a cold build and a CSV edit each validated the same files twice.
    """
    from afghan_relations import load

    folder = load.data_dir().resolve()
    stamp = Path(app.outdir).parent / ".data-validated"
    key = validation_key(folder)
    if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == key):
        if validated_by_the_wheel(app, folder):
            logger.info("data: validated by `make wheel` (the same files, the same validator)")
        else:
            # frictionless only when the data need checking (its import alone is a third of a second)
            from afghan_relations.validate import DataError, validate_package

            try:
                validate_package(folder)
            except DataError as error:
                raise ExtensionError(f"the data are not valid: {error}") from None
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(key, encoding="utf-8")


def validated_by_the_wheel(app, folder):
    """Whether the book's wheel records that these very data passed this very validator.

    The wheel carries the digest of the data `make wheel` validated (`python -m afghan_relations
    validate --stamp`, put in the wheel as load.VALIDATED_STAMP by tools/hatch_boundaries.py; the
    installed package's loader trusts it too) and the package that validated them. When that digest
    is the data folder's and the wheel's modules are, byte for byte, the package's modules now (the
    validator and the rules it applies are among them), the check would find what it found then.
    Anything else, or no wheel: False, and the build validates."""
    import zipfile

    from afghan_relations import load

    from .notebook_kit import wheel_path

    try:
        wheel = wheel_path(app)
    except ExtensionError:
        return False
    package = Path(load.__file__).parent
    modules = {f"{package.name}/{path.name}": path for path in package.glob("*.py")}
    with zipfile.ZipFile(wheel) as archive:
        listed = {name for name in archive.namelist() if re.fullmatch(rf"{package.name}/[^/]+\.py", name)}
        if listed != set(modules) or any(archive.read(name) != path.read_bytes() for name, path in modules.items()):
            return False
        try:
            digest = archive.read(f"{package.name}/{load.VALIDATED_STAMP.name}").decode("utf-8").strip()
        except KeyError:
            return False
    return digest == load.data_digest(folder)


def trust_validated_data():
    """Tell the kernels this build starts that it validates the data (validate_data_once)."""
    from afghan_relations import load

    os.environ[load.VALIDATED_ENV] = load.data_digest(load.data_dir().resolve())


def source_after_handlers(app, env, docname):
    """The page's text as myst-nb will receive it: read as Sphinx reads it, then every `source-read` handler."""
    path = env.doc2path(docname)
    with open(path, encoding=app.config.source_encoding) as f:
        source = [f.read()]
    had = "docname" in env.temp_data
    saved = env.temp_data.get("docname")
    env.temp_data["docname"] = docname  # as Sphinx sets it while reading (handlers note dependencies)
    try:
        # in the context Sphinx reads in (Builder.read_doc): what handlers install there (intersphinx's
        # role dispatcher) is uninstalled when it closes
        with sphinx_domains(env):
            app.events.emit("source-read", docname, source)
    finally:
        # Sphinx purges the page's data (dependencies, inputs stamps) before it reads the page for real.
        if had:
            env.temp_data["docname"] = saved
        else:
            env.temp_data.pop("docname", None)
    return path, source[0]


def notebook_as_myst_nb_reads_it(env, path, text):
    """(notebook, its myst-nb configuration, reader format) as myst_nb.sphinx_.Parser.parse makes them.

    None if the file is not a notebook."""
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    reader = create_nb_reader(path, env.myst_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None and nb_config.kernel_rgx_aliases:
        for pattern, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        with contextlib.suppress(Exception):  # myst-nb warns about bad overrides itself when it reads the page
            nb_config = nb_config.copy(**overrides)
    return notebook, nb_config, reader.read_fmt


def executed_by_cache(path, nb_config):
    """Whether myst-nb would execute this notebook through the cache (myst_nb.core.execute.create_client)."""
    if nb_config.execution_mode != "cache":
        return False
    return not any(PurePosixPath(Path(path).as_posix()).match(p) for p in nb_config.execution_excludepatterns)


# A chapter's cost before it has ever run: most of it is drawing. Each call into the modules that draw
# (a figure in two layouts and three formats, a map) counts one, an explorer (a figure per view, a dozen
# views) three more. A rough model, but it puts the explorers' chapters first, which is what counts:
# with one kernel per core, a long chapter started last is the cold build's tail.
DRAWS = re.compile(r"\b(?:figures|maps)\.\w+|\bwidgets\.\w*explorer\b")
EXPLORER = re.compile(r"\bwidgets\.\w*explorer\b")


def drawing_weight(notebook):
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return len(DRAWS.findall(code)) + 3 * len(EXPLORER.findall(code))


def longest_first(jobs, cache):
    """The jobs, those expected to take longest first, so that no kernel starts last with a long chapter.

    Expected time: the chapter's latest run in the cache; a chapter never run (every one, in a cold
    build) comes first, the one that draws most first (`drawing_weight`), then the one with most code.
    """
    latest = {}
    for record in cache.list_cache_records():
        if record.uri not in latest or record.created > latest[record.uri].created:
            latest[record.uri] = record

    def key(job):
        record = latest.get(str(job["path"]))
        code = sum(len(cell.source) for cell in job["notebook"].cells if cell.cell_type == "code")
        seconds = record.data.get("execution_seconds") if record else None
        return (seconds is not None, -(seconds or 0.0), -drawing_weight(job["notebook"]), -code, job["docname"])

    return sorted(jobs, key=key)


async def execute(notebook, path, nb_config, kernel_manager_class=None, core=None, announce=None, ready=None):
    """(seconds, error or None): the notebook executed in place, its cells once `ready` (an awaitable) is done.

    As jupyter_cache.executors.utils.single_nb_execution does, but in two steps: the kernel is
    started (and has answered) first, then the cells run once `core` (a semaphore) lets them.
    A kernel's start is mostly waiting for its replies (about 0.35 s, of which 0.2 s is
    jupyter_client checking the IOPub channel), which so overlaps another chapter's run.
    The seconds are the start's and the run's, not the wait for a core."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    timeout, allow_errors = nb_config.execution_timeout, nb_config.execution_allow_errors
    if "execution" in notebook.metadata:  # single_nb_execution's meta_override
        timeout = notebook.metadata.execution.get("timeout", timeout)
        allow_errors = notebook.metadata.execution.get("allow_errors", allow_errors)
    with TemporaryDirectory() as temp:
        cwd = temp if nb_config.execution_in_temp else str(Path(path).parent)
        options = {"kernel_manager_class": kernel_manager_class} if kernel_manager_class else {}
        client = NotebookClient(
            notebook,
            timeout=timeout,
            allow_errors=allow_errors,
            record_timing=False,
            # Killed once its cells have run, not asked to shut down: a graceful shutdown waits for the
            # kernel's exit in 0.1 s polls, per chapter. A chapter keeps nothing for atexit to save.
            shutdown_kernel="immediate",
            resources={"metadata": {"path": os.path.abspath(cwd)}},
            **options,
        )
        start, waited = time.perf_counter(), 0.0
        try:
            # nbclient's own steps: set up the kernel (started, client connected and answered), then
            # execute with that kernel, which it then leaves to the set-up to shut down
            async with client.async_setup_kernel():
                queued = time.perf_counter()
                async with core or contextlib.nullcontext():
                    if ready is not None:
                        await ready
                    waited = time.perf_counter() - queued
                    if announce:
                        announce()
                    await client.async_execute(cleanup_kc=False)
        except (CellExecutionError, CellTimeoutError) as error:
            return time.perf_counter() - start - waited, error
        except Exception as error:  # a dead kernel, say: myst-nb tries again and reports it
            return time.perf_counter() - start - waited, error
    return time.perf_counter() - start - waited, None


async def execute_all(jobs, n, kernel_manager_class=None, ready=None, all_started=None):
    """Run the jobs' notebooks, n at a time, none before `ready` is done; yield (job, seconds, error) as each finishes.

    Up to n more kernels start meanwhile, so that a core that comes free finds the next
    chapter's kernel ready. `all_started` (if given) is called once the last job's kernel is starting."""
    cores, kernels = asyncio.Semaphore(n), asyncio.Semaphore(2 * n)
    waiting = len(jobs)

    async def one(job):
        nonlocal waiting
        async with kernels:
            waiting -= 1
            if waiting == 0 and all_started:
                all_started()

            def announce():
                logger.info(f"Executing notebook ({n} at a time)", location=job["docname"])

            seconds, error = await execute(
                job["notebook"], job["path"], job["nb_config"], kernel_manager_class, cores, announce, ready
            )
            return job, seconds, error

    # tasks, not bare coroutines: they start in the jobs' order (as_completed would start them in any order)
    for finished in asyncio.as_completed([asyncio.ensure_future(one(job)) for job in jobs]):
        yield await finished


def cache_executed(cache, job, seconds):
    """Store an executed notebook as myst_nb.core.execute.cache.NotebookClientCache does."""
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbProjectRecord

    if job["read_fmt"] is not None:
        stage = cache.add_nb_to_project(str(job["path"]), read_data=job["read_fmt"])
    else:
        stage = cache.add_nb_to_project(str(job["path"]))
    NbProjectRecord.remove_tracebacks([stage.pk], cache.db)
    return cache.cache_notebook_bundle(
        CacheBundleIn(job["notebook"], stage.uri, data={"execution_seconds": seconds}),
        check_validity=False,
        overwrite=True,
    )


def uncached_notebooks(app, env, docnames, cache):
    """The pages about to be read whose notebook myst-nb would execute and the cache does not hold."""
    jobs = []
    for docname in docnames:
        path, text = source_after_handlers(app, env, docname)
        made = notebook_as_myst_nb_reads_it(env, path, text)
        if made is None:
            continue
        notebook, nb_config, read_fmt = made
        if not executed_by_cache(path, nb_config):
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue
        except KeyError:
            pass
        jobs.append(
            {"docname": docname, "path": Path(path), "notebook": notebook, "nb_config": nb_config, "read_fmt": read_fmt}
        )
    return jobs


def _on_env_before_read_docs(app, env, docnames):
    early = app.__dict__.pop("_book_zygote", None)  # a cold build's, started in setup
    chapters = getattr(env, "mystnb_config", None) is not None and bool(docnames)
    if early and not (chapters and forked_kernels(app)):
        early.close()
        early = None
    execution = None
    if chapters:
        # Unless started early, the zygote imports pandas and matplotlib (half a second) on the other core
        # while this process looks the chapters up in the cache; it is closed unused if none must run.
        zygote = (early or kernel_fork.Zygote()) if forked_kernels(app) else None
        try:
            execution = start_uncached(app, env, docnames, zygote)
        finally:
            if zygote and execution is None:
                zygote.close()
    if execution is None:
        if docnames:
            app.emit(LAST_STARTED)  # no chapter to start
        return
    app._book_execution = execution
    docnames[:] = reading_order(docnames, execution.jobs)  # Sphinx reads them in this list's order


def reading_order(docnames, jobs):
    """The pages whose chapter is cached, as Sphinx listed them, then the others in the order their
    chapters start (`jobs`, longest_first's order), which is about the order they finish in. Sphinx's
    output does not depend on the order it reads pages in (it reads them in parallel where it can)."""
    started = [job["docname"] for job in jobs]
    return [d for d in docnames if d not in started] + [d for d in started if d in docnames]


def start_uncached(app, env, docnames, zygote):
    """The chapters the cache lacks, executing (an Execution; kernels from the zygote, if any), or None
    when there are none (the data are validated all the same)."""
    from jupyter_cache import get_cache

    cache_path = env.mystnb_config.execution_cache_path or ".jupyter_cache"
    cache = get_cache(cache_path)
    jobs = uncached_notebooks(app, env, docnames, cache)
    if not jobs:
        validate_data_once(app)
        return None
    jobs = longest_first(jobs, cache)
    n = min(workers(app), len(jobs))
    logger.info(f"Executing {len(jobs)} notebooks, {n} at a time, while the pages are read")
    trust_validated_data()
    return Execution(app, jobs, n, zygote, cache_path)


class Execution:
    """The chapters executing in a thread of their own while Sphinx reads the pages.

    Sphinx reads the pages whose chapter is cached first, then the others in the order their
    chapters started; each page waits, before it is parsed (`source-read`), until its chapter is
    executed and cached (`wait`), so myst-nb finds it in the cache as before. Reading, in this
    process, so overlaps the execution, in the kernels' processes: the pages read while the last
    chapters run, not after. The data are validated in a thread while the first kernels start
    (mostly waiting for their replies), unless the wheel records that `make wheel` validated them
    (validate_data_once): no kernel runs a cell before the data have passed, and a failure stops
    the build, at the first page that waits, before any notebook is cached.
    """

    def __init__(self, app, jobs, n, zygote, cache_path):
        self.app, self.jobs, self.n, self.zygote, self.cache_path = app, jobs, n, zygote, cache_path
        self.cached = {job["docname"]: Future() for job in jobs}  # set once the chapter is in the cache
        self.loop = self.task = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="chapters")
        self.thread.start()

    def wait(self, docname):
        """Once the page's chapter is cached (at once, if it did not run here); raises what stopped the execution."""
        if docname in self.cached:
            self.cached[docname].result()

    def finish(self):
        """The thread ended; raises what stopped the execution, if no page has."""
        self.thread.join()
        for future in self.cached.values():
            future.result()

    def cancel(self):
        """Stop the execution (the build failed elsewhere) and wait for the thread."""
        self.stopping.set()  # before reading the task: the thread sets the task before it checks this
        loop, task = self.loop, self.task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed already
                loop.call_soon_threadsafe(task.cancel)
        self.thread.join()

    def _run(self):
        try:
            with asyncio.Runner() as runner:
                self.loop = runner.get_loop()
                runner.run(self._execute())
        except BaseException as error:
            for future in self.cached.values():
                if not future.done():
                    future.set_exception(error)
        finally:
            if self.zygote:
                self.zygote.close()

    async def _execute(self):
        from jupyter_cache import get_cache

        self.task = asyncio.current_task()
        if self.stopping.is_set():
            raise asyncio.CancelledError
        cache = get_cache(self.cache_path)  # this thread's own connection to the cache's database
        app = self.app
        validated = asyncio.ensure_future(asyncio.to_thread(validate_data_once, app))
        manager = kernel_fork.kernel_manager_class(self.zygote) if self.zygote else None
        started = functools.partial(app.emit, LAST_STARTED)
        async for job, seconds, error in execute_all(self.jobs, self.n, manager, validated, started):
            await validated  # bad data stop the build here, with the loader's message
            if error is None:
                record = cache_executed(cache, job, seconds)
                logger.info(f"Executed notebook in {seconds:.2f} seconds", location=job["docname"])
                logger.info(f"Cached executed notebook: ID={record.pk}", location=job["docname"])
            else:
                # myst-nb executes it again while reading and reports the error with page and cell
                logger.info(
                    f"Executing notebook failed ({type(error).__name__}); it runs again while read",
                    location=job["docname"],
                )
            self.cached[job["docname"]].set_result(None)


def _wait_for_chapter(app, docname, source):
    execution = app.__dict__.get("_book_execution")
    if execution is not None:
        execution.wait(docname)


def _finish_execution(app, env):
    execution = app.__dict__.pop("_book_execution", None)
    if execution is not None:
        execution.finish()


def cold_notebook_build(app):
    """Whether this build will execute every chapter in forked kernels, known before Sphinx has read its
    configuration: notebooks executed through the cache (Jupyter Book passes myst-nb's settings as
    overrides) and no cache yet (myst-nb's default place for it, next to the output folder)."""
    overrides = app.config.overrides
    cache = overrides.get("nb_execution_cache_path") or Path(app.outdir).parent / ".jupyter_cache"
    return (
        overrides.get("nb_execution_mode") == "cache"
        and os.environ.get("BOOK_FORK_KERNELS", "1") != "0"
        and hasattr(os, "fork")
        and not Path(app.confdir, cache).exists()
    )


def _end_of_build(app, exception):
    zygote = app.__dict__.pop("_book_zygote", None)  # a build that listed no pages to read
    if zygote:
        zygote.close()
    execution = app.__dict__.pop("_book_execution", None)  # a build that failed while chapters ran
    if execution is not None:
        execution.cancel()


def setup(app):
    # workers 0: one per core this process may use; BOOK_EXECUTION_WORKERS and BOOK_FORK_KERNELS override
    # how the chapters run, not what they output: changing these rereads no page
    app.add_config_value("book_execution_workers", 0, "", [int])
    app.add_config_value("book_fork_kernels", True, "", [bool])
    app.add_event(LAST_STARTED)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("source-read", _wait_for_chapter, priority=100)  # before any handler reads the page
    app.connect("env-updated", _finish_execution)
    app.connect("build-finished", _end_of_build)


def start_zygote_early(app):
    """A cold build runs every chapter: its zygote starts as the book's extensions are set up (the
    package's setup calls this first), on the core Sphinx leaves idle while it sets itself up, rather
    than once the pages are listed (then a third of a second was spent waiting for its imports
    before the first kernel could start)."""
    if cold_notebook_build(app) and "_book_zygote" not in app.__dict__:
        app._book_zygote = kernel_fork.Zygote()
