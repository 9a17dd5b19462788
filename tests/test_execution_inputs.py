"""book_extensions.execution_inputs: a chapter's cache key names the data and code it uses, and nothing else."""

import os

import pytest

from afghan_relations import load
from book_extensions import execution_inputs as inputs

pytestmark = pytest.mark.fast

CHAPTER = """# A chapter

```{code-cell} ipython3
:tags: [remove-cell]
events = load.events()
```

```{code-cell} ipython3
treaties = load.treaties()
```
"""
CONF = """
project = "Tiny book"
extensions = ["myst_nb", "book_extensions.execution_inputs"]
exclude_patterns = ["_build"]
nb_execution_mode = "off"
"""
HEADER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
"""


def test_the_inputs_are_the_csvs_the_chapter_loads_the_schema_and_the_package(real_data):
    stamp = inputs.chapter_inputs(CHAPTER, real_data)
    assert list(stamp) == ["events.csv", "treaties.csv", "schema", "package", "libraries"]
    files = inputs.input_files(CHAPTER, real_data)
    assert {f.name for f in files} >= {
        "events.csv",
        "treaties.csv",
        "datapackage.json",
        "vocabularies.csv",
        "analysis.py",
        "load.py",
    }
    assert "aid_flows.csv" not in {f.name for f in files}


def test_the_build_machinery_is_not_an_input(real_data):
    """Editing book_extensions/ re-executes no chapter: its files are not among any chapter's inputs."""
    machinery = inputs.Path(inputs.__file__).resolve().parent
    assert all(machinery not in f.resolve().parents for f in inputs.input_files(CHAPTER, real_data))
    assert inputs.PACKAGE_DIR.name == "afghan_relations"


def test_a_chapter_loading_datasets_by_name_depends_on_all_of_them(real_data):
    text = "```{code-cell} ipython3\nframes = {name: getattr(load, name)() for name in load.DATASETS}\n```\n"
    # every dataset of the package, and the maps' inputs (reference coordinates, vendored boundaries)
    assert set(inputs._datasets(text, real_data)) - {"place_coordinates", "boundaries"} == set(load.DATASETS)


def test_the_stamp_goes_into_the_first_code_cell_after_its_options(real_data):
    keyed = inputs.key_cell_on_inputs(CHAPTER, real_data)
    first_cell = keyed.split("```{code-cell} ipython3\n")[1]
    assert first_cell.startswith(":tags: [remove-cell]\n# Inputs, for the execution cache: events.csv ")
    assert keyed.count("# Inputs, for the execution cache") == 1
    assert inputs.key_cell_on_inputs("# Prose only\n", real_data) == "# Prose only\n"


def test_editing_a_csv_the_chapter_loads_changes_its_key(data):
    before = inputs.inputs_stamp(CHAPTER, data)
    (data / "aid_flows.csv").write_text((data / "aid_flows.csv").read_text() + "\n")  # not loaded
    assert inputs.inputs_stamp(CHAPTER, data) == before
    with (data / "events.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    after = inputs.inputs_stamp(CHAPTER, data)
    assert after != before
    changed = {a.split()[0] for a, b in zip(after.split(", "), before.split(", "), strict=True) if a != b}
    assert changed == {"events.csv"}


@pytest.fixture
def chapter_book(fixture_book, data, monkeypatch):
    monkeypatch.setenv("AFGHAN_RELATIONS_DATA", str(data))
    return fixture_book(CONF, {"index.md": HEADER + CHAPTER})


def test_each_input_is_a_dependency_of_the_page(chapter_book, data):
    dependencies = {os.path.basename(d) for d in chapter_book.env.dependencies["index"]}
    assert {"events.csv", "treaties.csv", "datapackage.json", "load.py"} <= dependencies
    assert "aid_flows.csv" not in dependencies
    assert "events.csv" in chapter_book.env.afghan_inputs["index"]


def test_a_csv_restored_with_its_old_mtime_still_makes_the_page_outdated(chapter_book, data):
    env, csv = chapter_book.env, data / "events.csv"
    assert inputs._on_env_get_outdated(chapter_book, env, set(), set(), set()) == []
    times = csv.stat()
    csv.write_text(csv.read_text(encoding="utf-8").replace("\n", "\r\n", 1), encoding="utf-8")
    os.utime(csv, ns=(times.st_atime_ns, times.st_mtime_ns))  # as `cp -p` or `tar x` would leave it
    assert inputs._on_env_get_outdated(chapter_book, env, set(), set(), set()) == ["index"]
    assert load.data_dir() == data
