"""book_extensions/reader_notebooks.py: MyST prose rewritten for plain Jupyter (fast, no build)."""

import hashlib
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from book_extensions import notebook_kit  # noqa: E402
from book_extensions.reader_notebooks import LEFTOVER, Converter, References, reader_notebook  # noqa: E402

pytestmark = pytest.mark.fast
REFERENCES = References({"fig-aid": "Fig. 6.1", "tbl-aid": "Table 6.2"}, {"ch-aid": "Aid flows", "app-data": "Data"})
GLUED = {
    "n_flows": {"text/plain": "31"},
    "share": {"text/plain": "0.4567"},
    "who": {"text/plain": "'Gul <b>Hasan</b>'"},
    "tbl-aid": {
        "text/html": "<table></table>",
        "text/markdown": ":::{tabularcolumns} \\X{1}{2}\n:::\n\n"
        ":::{table} All flows. Source: {download}`data/aid_flows.csv <../data/aid_flows.csv>`.\n"
        ":name: tbl-aid\n:width: 100%\n\n| a |\n| --- |\n| 1 |\n:::\n",
    },
}


def convert(text):
    return Converter("chapters/test", GLUED, REFERENCES).markdown(text)


def test_glued_numbers_take_their_format_and_name_their_value():
    out = convert("The data hold {glue:text}`n_flows:d` flows, {glue:text}`share:.1%` of them.")
    assert out == (
        'The data hold <span title="n_flows: computed when the book was built">31</span> flows, '
        '<span title="share: computed when the book was built">45.7%</span> of them.'
    )


def test_glued_text_is_escaped_as_html():
    assert "Gul &lt;b&gt;Hasan&lt;/b&gt;" in convert("Envoy {glue:text}`who`.")


def test_cross_references_become_numbers_and_titles():
    assert (
        convert("See {numref}`fig-aid` and {ref}`ch-aid`, or {ref}`the appendix <app-data>`.")
        == "See Fig. 6.1 and “Aid flows”, or “the appendix”."
    )
    assert convert("{numref}`Figure %s <fig-aid>`") == "Figure 6.1"


def test_downloads_become_file_names_and_labels_go():
    assert (
        convert("(ch-aid)=\n# Aid\n\nSource: {download}`data/aid_flows.csv <../data/aid_flows.csv>`.")
        == "# Aid\n\nSource: `data/aid_flows.csv`."
    )


def test_figure_directive_becomes_its_numbered_caption():
    text = (
        "```{glue:figure} fig-aid\n:name: fig-aid\n:alt: What the figure shows.\n\n"
        "Flows by year. Source: {download}`data/aid_flows.csv <../data/aid_flows.csv>`.\n```\n"
    )
    out = convert(text)
    assert out.startswith("**Fig. 6.1.** Flows by year. Source: `data/aid_flows.csv`.")
    assert not LEFTOVER.search(out)


def test_glued_table_becomes_its_numbered_caption():
    out = convert("```{glue:md} tbl-aid\n:format: myst\n```\n")
    assert out.startswith("**Table 6.2.** All flows. Source: `data/aid_flows.csv`.")
    assert "tabularcolumns" not in out and "| a |" not in out


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("An {abbr}`UN (United Nations)`.", "no rule for the role {abbr}"),
        ("```{note}\nSomething.\n```\n", "no rule for the directive {note}"),
        ("{glue:text}`missing:d`", "no glued value 'missing'"),
        ("{numref}`fig-missing`", "no number for {numref} target 'fig-missing'"),
    ],
)
def test_unknown_syntax_or_target_stops_the_build_naming_the_page(text, complaint):
    with pytest.raises(ExtensionError, match="chapters/test") as error:
        convert(text)
    assert complaint in str(error.value)


def test_reader_notebook_starts_with_what_it_needs_and_drops_the_cache_comment():
    executed = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("(ch-aid)=\n# Aid"),
            nbformat.v4.new_code_cell("# Inputs, for the execution cache: aid_flows.csv 123\nx = 1"),
            nbformat.v4.new_markdown_cell("(ch-aid-more)=\n"),
        ]
    )
    notebook = reader_notebook(executed, "chapters/06-aid", "Aid", "1.1.0", "kit-1.1.0.zip", REFERENCES)
    assert "afghan_relations` 1.1.0" in notebook.cells[0].source and "kit-1.1.0.zip" in notebook.cells[0].source
    assert 'afghan_relations.require("1.1.0")' in notebook.cells[1].source
    assert [c.source for c in notebook.cells[2:]] == ["# Aid", "x = 1"]  # the empty label-only cell is gone
    assert len({c.id for c in notebook.cells}) == len(notebook.cells)


def test_escaped_dollars_stay_dollars_in_jupyter():
    assert convert("more than \\$1 billion, and \\$800 million") == "more than \\\\$1 billion, and \\\\$800 million"


# On a tiny book, built and executed in-process: the page's .ipynb and the kit

CONF = """
project = "Tiny book"
release = "9.9"
extensions = ["myst_nb", "book_extensions.reader_notebooks", "book_extensions.notebook_kit"]
exclude_patterns = ["_build", "kit"]
html_theme = "sphinx_book_theme"
html_theme_options = {"use_download_button": True}
nb_execution_mode = "cache"
numfig = True
"""
CHAPTER = """
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
(ch-one)=
# One

```{code-cell} ipython3
:tags: [remove-cell]
from IPython.display import display
display({"text/plain": "42", "text/html": "<code>answer</code> = 42"}, raw=True,
        metadata={"scrapbook": {"name": "answer", "mime_prefix": ""}})
```

The answer is {glue:text}`answer:d`, as {ref}`ch-one` and the {notebook-kit}`kit` say.
"""


@pytest.fixture
def tiny(fixture_book, tmp_path):
    book = tmp_path / "book"
    (book / "kit").mkdir(parents=True)
    (book / "kit" / "README.md").write_text("# Kit\n", encoding="utf-8")
    (book / "kit" / "requirements.txt").write_text("pandas==2.2.3\n", encoding="utf-8")
    (book / "requirements.lock").write_text("# the book's lock\n", encoding="utf-8")
    inputs = hashlib.sha256(b"pandas==2.2.3\n# the book's lock\n").hexdigest()
    (book / "kit" / "requirements.lock").write_text(
        f"# make lock\n# inputs sha256: {inputs}\n{LOCKED_PANDAS}", encoding="utf-8"
    )
    (book / "_build" / "wheel").mkdir(parents=True)
    (book / "_build" / "wheel" / "afghan_relations-9.9-py3-none-any.whl").write_bytes(b"a wheel")
    return fixture_book(CONF, {"index.md": CHAPTER}, freshenv=True)


LOCKED_PANDAS = "pandas==2.2.3 \\\n    --hash=sha256:" + "0" * 64 + "\n"


def test_page_offers_its_readers_notebook_with_the_values_resolved(tiny):
    page = BeautifulSoup((tiny.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".dropdown-download-buttons a")}
    assert links[".ipynb"] == "_sources/index.ipynb"
    assert page.find("a", string="kit")["href"] == "_static/afghan-relations-notebooks-9.9.zip"
    notebook = nbformat.read(tiny.outdir / "_sources" / "index.ipynb", as_version=4)
    prose = notebook.cells[-1].source
    assert prose.startswith('The answer is <span title="answer: computed when the book was built">42</span>, as “One”')
    assert not LEFTOVER.search(prose)
    [shown] = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert shown["data"]["text/plain"] == "42"  # the value shown where it is made, from the execution cache


def test_kit_holds_the_notebooks_the_wheel_and_its_requirements(tiny):
    kit = tiny.outdir / "_static" / "afghan-relations-notebooks-9.9.zip"
    with zipfile.ZipFile(kit) as archive:
        names = archive.namelist()
        requirements = archive.read("afghan-relations-notebooks-9.9/requirements.txt").decode()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert sorted(names) == [
        "afghan-relations-notebooks-9.9/README.md",
        "afghan-relations-notebooks-9.9/afghan_relations-9.9-py3-none-any.whl",
        "afghan-relations-notebooks-9.9/notebooks/index.ipynb",
        "afghan-relations-notebooks-9.9/requirements.txt",
    ]
    wheel_hash = hashlib.sha256(b"a wheel").hexdigest()
    assert requirements == (
        f"{notebook_kit.REQUIREMENTS_HEADER}{LOCKED_PANDAS}./afghan_relations-9.9-py3-none-any.whl \\\n"
        f"    --hash=sha256:{wheel_hash}\n"
    )


def test_kit_without_the_wheel_stops_the_build_saying_how(fixture_book, tmp_path):
    book = tmp_path / "book"
    (book / "kit").mkdir(parents=True)
    (book / "kit" / "README.md").write_text("# Kit\n", encoding="utf-8")
    (book / "kit" / "requirements.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(Exception, match="run `make wheel`"):
        fixture_book(CONF, {"index.md": CHAPTER}, freshenv=True)


def test_readers_notebook_is_written_again_only_when_what_it_is_made_from_changed(fixture_book, tiny):
    """A build with nothing changed keeps the notebook; an edit to the page writes it again."""
    notebook = tiny.outdir / "_sources" / "index.ipynb"
    before = notebook.stat().st_mtime_ns
    again = fixture_book(CONF, {"index.md": CHAPTER})
    assert notebook.stat().st_mtime_ns == before
    assert again.outdir == tiny.outdir
    edited = fixture_book(CONF, {"index.md": CHAPTER + "\nA new sentence.\n"})
    assert notebook.stat().st_mtime_ns != before
    assert nbformat.read(notebook, as_version=4).cells[-1].source.endswith("A new sentence.")
    assert edited.outdir == tiny.outdir
