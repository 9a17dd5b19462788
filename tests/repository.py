"""What the tests (and tools/bench.py) need to know about the repository, each read from its one source.

Not a test module and not a fixture file: plain functions that test modules import, so that no
test module imports another (pytest would collect its tests twice) or a developer script.

- the build command: the Makefile's BUILD_COMMAND (`make -s print-build-command`);
- the PDF's file name: _config.yml's latex targetname;
- the pages: _toc.yml;
- a throw-away copy of the working tree to build in, and the environment that makes the
  copy's own package the one imported.
"""

import functools
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtual environment running the tests


@functools.cache
def build_command():
    """The Makefile's strict build command as an argument list, jupyter-book from this environment."""
    printed = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-build-command"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    program, *args = shlex.split(printed)
    return [str(BIN / program), *args]


def config():
    """_config.yml as a dict."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def pdf_name():
    """The PDF edition's file name: _config.yml's latex targetname with .pdf (as the Makefile derives it)."""
    return Path(config()["latex"]["latex_documents"]["targetname"]).with_suffix(".pdf").name


def toc_files():
    """Every document named in _toc.yml (root, chapters, sections), without suffix, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def copy_tree(dest, root=ROOT):
    """The working tree's files (tracked and untracked, not ignored), the vendored JS and the wheel, into dest.

    Outside a git checkout (e.g. in a copy made by this function): everything but the
    virtual environment, _build and caches."""
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=root, capture_output=True)
    if listed.returncode == 0 and (root / ".git").exists():
        for name in filter(None, listed.stdout.decode().split("\0")):
            src = root / name
            if src.is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)
    else:
        shutil.copytree(
            root,
            dest,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(
                ".venv", "_build", ".git", "__pycache__", ".pytest_cache", "*.egg-info", "node_modules"
            ),
        )
    vendor = root / "_build" / "vendor"
    if vendor.is_dir():
        shutil.copytree(vendor, dest / "_build" / "vendor")
    else:
        subprocess.run([sys.executable, "tools/vendor_js.py"], cwd=dest, check=True)
        subprocess.run([sys.executable, "tools/vendor_boundaries.py"], cwd=dest, check=True)
    # the book's wheel, which the notebook kit carries (`make wheel`, part of `make book`)
    wheel = root / "_build" / "wheel"
    if not wheel.is_dir():
        raise SystemExit(f"no {wheel}: run `make wheel` (or `make book`) first")
    shutil.copytree(wheel, dest / "_build" / "wheel")


def env_for(copy):
    """The environment for building a copy: its own package first on the path, the book's data its own."""
    env = dict(os.environ, PYTHONPATH=str(copy), PATH=f"{BIN}:{os.environ['PATH']}")
    env.pop("AFGHAN_RELATIONS_DATA", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as the Makefile does: bytecode is written on first import
    return env
