"""book_extensions.background: a job runs beside the build and its outcome is met at the end."""

import threading
import types

import pytest

from book_extensions import background

pytestmark = pytest.mark.fast


def test_a_job_runs_in_another_thread_and_finish_returns_its_result():
    app = types.SimpleNamespace()
    release = threading.Event()

    def job(a, b):
        release.wait(5)
        return threading.current_thread() is not threading.main_thread(), a + b

    background.start(app, "sum", job, 2, 3)
    assert background.started(app, "sum")
    release.set()  # the job was waiting: start() returned while it ran
    assert background.finish(app, "sum") == (True, 5)
    assert not background.started(app, "sum")


def test_the_jobs_exception_is_raised_by_finish():
    app = types.SimpleNamespace()

    def job():
        raise ValueError("lite build failed")

    background.start(app, "lite", job)
    with pytest.raises(ValueError, match="lite build failed"):
        background.finish(app, "lite")


def test_a_build_that_failed_already_waits_for_the_job_but_reports_its_own_failure():
    app = types.SimpleNamespace()
    ended = []

    def job():
        ended.append(True)
        raise ValueError("second failure")

    background.start(app, "kit", job)
    assert background.finish(app, "kit", failed_build=True) is None
    assert ended == [True]
