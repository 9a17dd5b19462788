"""The notebook kit, as a stranger uses it: downloaded from the built site, run outside the repository.

A fresh virtual environment in a temporary folder (not the book's .venv, not under the
repository), the kit's requirements installed with pip as its README says, every notebook
executed with nbclient. Then: no error; each chapter shows at least as many images as its
HTML page has figures; no MyST markup left; its numbers equal the book's; the wheel's data
load with no repository around. The same notebooks run again under the older libraries an
in-browser Python ships (pandas 2.2, numpy 2.0, matplotlib 3.8). Needs the package
registries (pip) and `make book` first; marked slow.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
EXECUTED = ROOT / "_build" / "jupyter_execute"
sys.path.insert(0, str(ROOT))
from book_extensions.reader_notebooks import LEFTOVER  # noqa: E402  (what must not be left of MyST)

pytestmark = pytest.mark.slow
# The older releases Pyodide 0.27 ships (the in-browser Python), with what runs the notebooks.
OLDER_LIBRARIES = [
    "pandas==2.2.3",
    "numpy==2.0.2",
    "matplotlib==3.8.4",
    "ipykernel",
    "ipywidgets==8.1.8",
    "cpi==2.1.0",
    "edtf==5.0.2",
    "frictionless==5.21.0",
    "nbclient",
    "nbformat",
]


def kit_zip():
    kits = sorted((HTML / "_static").glob("afghan-relations-notebooks-*.zip"))
    if not kits:
        pytest.skip("no notebook kit in _build/html/_static: run `make book`")
    return kits[-1]


def clean_env():
    """The environment a stranger has: nothing pointing into this repository."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AFGHAN_RELATIONS_", "VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_"))
    }
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if str(ROOT) not in p)
    return env


def system_python():
    """A Python that is not the book's virtual environment."""
    for candidate in ("/usr/local/bin/python3", "/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists() and str(ROOT) not in str(Path(candidate).resolve()):
            return candidate
    pytest.skip("no Python outside the book's .venv")


def make_venv(folder, requirements_args, cwd):
    subprocess.run([system_python(), "-m", "venv", str(folder)], check=True, env=clean_env())
    python = folder / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *requirements_args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return python


def run_notebooks(python, notebooks, out, extra_env=None):
    env = dict(clean_env(), **(extra_env or {}))
    result = subprocess.run(
        [str(python), str(ROOT / "tests" / "kit_runner.py"), str(notebooks), str(out)],
        cwd=notebooks,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def kit():
    """The kit unzipped and installed in a temporary folder, every notebook executed there."""
    with tempfile.TemporaryDirectory(prefix="kit-") as tmp:
        tmp = Path(tmp)
        with zipfile.ZipFile(kit_zip()) as archive:
            archive.extractall(tmp)
        folder = next(tmp.iterdir())
        python = make_venv(tmp / "venv", ["-r", "requirements.txt"], cwd=folder)
        report = run_notebooks(python, folder / "notebooks", tmp / "executed")
        yield {
            "folder": folder,
            "python": python,
            "report": report,
            "executed": tmp / "executed",
            "notebooks": sorted((folder / "notebooks").glob("*.ipynb")),
        }


def chapter_page(notebook_name):
    stem = Path(notebook_name).stem
    return next(p for p in (HTML / "chapters" / f"{stem}.html", HTML / f"{stem}.html") if p.exists())


def errors(notebook):
    return [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]


def images(notebook):
    return sum(
        1
        for c in notebook.cells
        for o in c.get("outputs", [])
        if {"image/svg+xml", "image/png"} & set(o.get("data", {}))
    )


def glued(notebook):
    """{name: text/plain} of the values a notebook glued under a name (figures, numbers, tables), shown
    or not (a figure's phone layout is glued unshown: its MIME types carry myst-nb's prefix)."""
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                found[scrapbook["name"]] = output.data.get(scrapbook.get("mime_prefix", "") + "text/plain")
    return found


def built_glue(stem):
    path = EXECUTED / "chapters" / f"{stem}.glue.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {name: output["data"].get("text/plain") for name, output in data.items()}


def test_kit_holds_every_chapter_the_wheel_and_pinned_requirements(kit):
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.md") if not p.name.startswith("_"))
    assert [p.stem for p in kit["notebooks"]] == chapters
    text = (kit["folder"] / "requirements.txt").read_text(encoding="utf-8")
    # one requirement a line, its hashes on the lines it continues onto
    lines = [line for line in text.replace("\\\n", " ").splitlines() if line and not line.startswith("#")]
    assert all(re.match(r"[\w.-]+==\S+ .*--hash=sha256:[0-9a-f]{64}", line) for line in lines[:-1]), lines
    wheel, hashed = re.fullmatch(
        r"(\./afghan_relations-[\d.]+-py3-none-any\.whl) +--hash=sha256:([0-9a-f]{64})", lines[-1]
    ).groups()
    assert hashlib.sha256((kit["folder"] / wheel).read_bytes()).hexdigest() == hashed  # pip checked it, too


def test_wheel_loads_every_dataset_from_its_own_copy(kit):
    report = kit["report"]
    assert report["how"] == "the copy installed with the package"
    assert str(ROOT) not in report["folder"]
    for name, rows in report["rows"].items():
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8") as handle:
            import csv

            assert rows == sum(1 for _ in csv.DictReader(handle)), name


def test_every_notebook_runs_without_error(kit):
    for path in sorted(kit["executed"].glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert not errors(notebook), f"{path.name}: {errors(notebook)[0].get('evalue')}"


def test_each_chapter_shows_at_least_its_html_figures(kit):
    for path in sorted(kit["executed"].glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        figures = chapter_page(path.name).read_text(encoding="utf-8").count("<figure")
        assert images(notebook) >= figures, f"{path.name}: {images(notebook)} images, {figures} figures on the page"


def test_no_myst_markup_left_in_the_prose(kit):
    for path in kit["notebooks"]:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                assert not LEFTOVER.search(cell.source), f"{path.name}: {LEFTOVER.search(cell.source).group(0)}"
                assert "{glue" not in cell.source and "{numref}" not in cell.source


def test_numbers_equal_the_books(kit):
    compared = 0
    for path in sorted(kit["executed"].glob("*.ipynb")):
        rerun = glued(nbformat.read(path, as_version=4))
        for name, value in built_glue(path.stem).items():
            if value is not None and not value.startswith("<Figure"):
                assert rerun.get(name) == value, f"{path.stem}: {name} is {rerun.get(name)!r}, the book has {value!r}"
                compared += 1
    assert compared > 100  # every glued number and table of the book, not a handful


def test_missing_data_stops_with_one_line(kit, tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from afghan_relations import load\nload.events()")]
    )
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    run_notebooks(kit["python"], tmp_path, tmp_path / "out", {"AFGHAN_RELATIONS_DATA": str(tmp_path / "nowhere")})
    [error] = errors(nbformat.read(tmp_path / "out" / "probe.ipynb", as_version=4))
    assert len(error.traceback) == 1 and "no datapackage.json" in error.traceback[0], error.traceback


def test_older_package_stops_with_one_line(kit, tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import afghan_relations\nafghan_relations.require('99.0.0')")]
    )
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    run_notebooks(kit["python"], tmp_path, tmp_path / "out")
    [error] = errors(nbformat.read(tmp_path / "out" / "probe.ipynb", as_version=4))
    assert len(error.traceback) == 1 and "needs afghan_relations 99.0.0" in error.traceback[0], error.traceback


def test_chapters_run_under_the_in_browser_libraries(kit, tmp_path):
    """pandas 2.2, numpy 2.0, matplotlib 3.8: the same notebooks, no error, the same numbers."""
    wheel = next(kit["folder"].glob("afghan_relations-*.whl"))
    python = make_venv(tmp_path / "venv", [*OLDER_LIBRARIES, str(wheel)], cwd=tmp_path)
    run_notebooks(python, kit["folder"] / "notebooks", tmp_path / "executed")
    for path in sorted((tmp_path / "executed").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert not errors(notebook), f"{path.name}: {errors(notebook)[0].get('evalue')}"
        rerun = {
            o.metadata["scrapbook"]["name"]: o.data["text/plain"]
            for c in notebook.cells
            for o in c.get("outputs", [])
            if o.get("data", {}).get("text/html", "").startswith("<code>")
        }
        for name, value in rerun.items():
            assert value == built_glue(path.stem)[name], f"{path.stem}: {name}"
