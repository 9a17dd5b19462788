"""Work done beside Sphinx's writing of the pages, in a thread, and waited for when the build ends.

Once the pages are read and numbered (Sphinx's env-check-consistency event, emitted when any
page was read), what the readers' notebooks feed (the notebook kit's zip, the in-browser
Jupyter site) no longer depends on the HTML: it can be made while Sphinx writes the pages on
one core. Those jobs spend their time in zlib and in a subprocess, which release the
interpreter's lock, so a thread is enough to use the other core. A build that reads no page
(nothing changed) does the same work at build-finished, in the foreground.

Used by notebook_kit and lite (no setup of its own): `start` where the pages are read,
`finish` at build-finished, which returns the job's result or raises its exception.
"""

from concurrent.futures import ThreadPoolExecutor

ATTRIBUTE = "_book_background_jobs"  # on the Sphinx application: {name: (executor, future)}


def _jobs(app):
    return app.__dict__.setdefault(ATTRIBUTE, {})


def start(app, name, work, *args):
    """Run work(*args) in a thread of its own; `finish(app, name)` waits for it."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    _jobs(app)[name] = (executor, executor.submit(work, *args))


def started(app, name):
    """Whether a job of that name is running or waiting to be finished."""
    return name in _jobs(app)


def finish(app, name, failed_build=False):
    """The result of the job `name` once it has ended; its exception, if it raised one, raised here,
    unless the build has failed already (then Sphinx reports that failure, not this one)."""
    executor, future = _jobs(app).pop(name)
    executor.shutdown()  # waits for the job
    if failed_build:
        return None
    return future.result()
