"""`make book` runs the build when an input changed, and only then.

The Makefile records the state of the build's inputs (every file git tracks or would track, by
path, size and modification time, and the stamps of the environment, wheel and vendored files)
after each successful build, and skips Sphinx when it finds that state again. Here the real
Makefile runs in a throw-away git repository whose environment is fake: its `jupyter-book`
records each call and writes a page, its `python` does nothing (the vendoring scripts), so
every case takes milliseconds.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from repository import ROOT

pytestmark = [
    pytest.mark.fast,
    pytest.mark.skipif(not (shutil.which("make") and shutil.which("git")), reason="needs make and git"),
]

FAKE_BUILD = """#!/bin/sh
# stands in for jupyter-book: one line per call, and a page
echo "$@" >> "$CALLS"
mkdir -p _build/html && echo page > _build/html/index.html
"""


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    for name in ("Makefile", "_config.yml", "_toc.yml", "requirements.lock", "pyproject.toml", "CITATION.cff"):
        shutil.copy2(ROOT / name, folder / name)
    (folder / "tools").mkdir()
    (folder / "tools" / "hatch_boundaries.py").write_text("")  # a prerequisite of the wheel
    (folder / "chapters").mkdir()
    (folder / "chapters" / "intro.md").write_text("# Intro\n")
    (folder / ".gitignore").write_text("_build/\nvenv/\n")
    venv = folder / "venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "jupyter-book").write_text(FAKE_BUILD)
    (venv / "python").write_text("#!/bin/sh\nexit 0\n")
    for script in venv.iterdir():
        script.chmod(0o755)
    # uv and the environment, newer than the lock: Make has nothing to install
    uv = folder / "venv" / "bootstrap" / "bin" / "uv"
    uv.parent.mkdir(parents=True)
    uv.write_text("#!/bin/sh\n# stands in for `uv build`\nmkdir -p _build/wheel\n")
    uv.chmod(0o755)
    (folder / "venv" / ".installed").touch()
    (folder / "_build" / "wheel").mkdir(parents=True)
    (folder / "_build" / "wheel" / ".built").touch()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "-A"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "book"], cwd=folder, check=True)
    calls = tmp_path / "calls"

    def make(*args):
        proc = subprocess.run(
            ["make", "--no-print-directory", "html", "VENV=venv", "INSTALLED=venv/.installed", *args],
            cwd=folder,
            env={"PATH": "/usr/bin:/bin", "CALLS": str(calls), "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return len(calls.read_text().splitlines()) if calls.exists() else 0

    return folder, make


def test_a_second_make_book_runs_nothing(book):
    folder, make = book
    assert make() == 1
    assert (folder / "_build" / "build-ok").is_file()
    assert make() == 1
    assert make() == 1


def test_every_kind_of_change_builds_again(book):
    folder, make = book
    assert make() == 1
    chapter = folder / "chapters" / "intro.md"
    chapter.write_text("# Intro\n\nEdited.\n")
    assert make() == 2, "an edited chapter"
    (folder / "chapters" / "new.md").write_text("# New\n")
    assert make() == 3, "a new file git does not track yet"
    (folder / "chapters" / "new.md").unlink()
    assert make() == 4, "a file removed"
    chapter.touch()
    assert make() == 5, "a file saved again (same text, newer time)"
    (folder / "venv" / ".installed").touch()
    assert make() == 6, "the environment installed again"
    (folder / "_build" / "ignored.txt").write_text("build output is not an input")
    assert make() == 6


def test_a_missing_page_or_stamp_or_force_builds_again(book):
    folder, make = book
    assert make() == 1
    (folder / "_build" / "html" / "index.html").unlink()
    assert make() == 2
    (folder / "_build" / "build-ok").unlink()
    assert make() == 3
    assert make("FORCE=1") == 4
    assert make() == 4


def test_outside_a_git_checkout_every_make_book_builds(book):
    folder, make = book
    shutil.rmtree(folder / ".git")
    assert make() == 1
    assert make() == 2


def test_a_failed_build_is_not_recorded(book):
    folder, make = book
    assert make() == 1
    fake = folder / "venv" / "bin" / "jupyter-book"
    fake.write_text(FAKE_BUILD + "exit 1\n")
    (folder / "chapters" / "intro.md").write_text("# Intro\n\nBroken.\n")
    proc = subprocess.run(["make", "html", "VENV=venv", "INSTALLED=venv/.installed"], cwd=folder, capture_output=True)
    assert proc.returncode != 0
    assert not (folder / "_build" / "build-ok").exists()
    fake.write_text(FAKE_BUILD)
    calls_before = make()
    assert make() == calls_before, "after a successful build, nothing to do"
    assert Path(folder / "_build" / "build-inputs.sha256").is_file()
