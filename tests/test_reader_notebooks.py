"""book_extensions/reader_notebooks.py: MyST prose rewritten for plain Jupyter (fast, no build)."""
import sys
from pathlib import Path

import nbformat
import pytest
from sphinx.errors import ExtensionError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from book_extensions.reader_notebooks import LEFTOVER, Converter, References, reader_notebook  # noqa: E402

REFERENCES = References({"fig-aid": "Fig. 6.1", "tbl-aid": "Table 6.2"}, {"ch-aid": "Aid flows", "app-data": "Data"})
GLUED = {"n_flows": {"text/plain": "31"}, "share": {"text/plain": "0.4567"}, "who": {"text/plain": "'Gul <b>Hasan</b>'"},
         "tbl-aid": {"text/html": "<table></table>", "text/markdown":
                     ":::{tabularcolumns} \\X{1}{2}\n:::\n\n:::{table} All flows. Source: {download}`data/aid_flows.csv "
                     "<../data/aid_flows.csv>`.\n:name: tbl-aid\n:width: 100%\n\n| a |\n| --- |\n| 1 |\n:::\n"}}


def convert(text):
    return Converter("chapters/test", GLUED, REFERENCES).markdown(text)


def test_glued_numbers_take_their_format_and_name_their_value():
    out = convert("The data hold {glue:text}`n_flows:d` flows, {glue:text}`share:.1%` of them.")
    assert out == ('The data hold <span title="n_flows: computed when the book was built">31</span> flows, '
                   '<span title="share: computed when the book was built">45.7%</span> of them.')


def test_glued_text_is_escaped_as_html():
    assert "Gul &lt;b&gt;Hasan&lt;/b&gt;" in convert("Envoy {glue:text}`who`.")


def test_cross_references_become_numbers_and_titles():
    assert convert("See {numref}`fig-aid` and {ref}`ch-aid`, or {ref}`the appendix <app-data>`.") == \
        "See Fig. 6.1 and “Aid flows”, or “the appendix”."
    assert convert("{numref}`Figure %s <fig-aid>`") == "Figure 6.1"


def test_downloads_become_file_names_and_labels_go():
    assert convert("(ch-aid)=\n# Aid\n\nSource: {download}`data/aid_flows.csv <../data/aid_flows.csv>`.") == \
        "# Aid\n\nSource: `data/aid_flows.csv`."


def test_figure_directive_becomes_its_numbered_caption():
    text = "```{glue:figure} fig-aid\n:name: fig-aid\n:alt: What the figure shows.\n\nFlows by year. Source: {download}`data/aid_flows.csv <../data/aid_flows.csv>`.\n```\n"
    out = convert(text)
    assert out.startswith("**Fig. 6.1.** Flows by year. Source: `data/aid_flows.csv`.")
    assert not LEFTOVER.search(out)


def test_glued_table_becomes_its_numbered_caption():
    out = convert("```{glue:md} tbl-aid\n:format: myst\n```\n")
    assert out.startswith("**Table 6.2.** All flows. Source: `data/aid_flows.csv`.")
    assert "tabularcolumns" not in out and "| a |" not in out


@pytest.mark.parametrize("text, complaint", [
    ("An {abbr}`UN (United Nations)`.", "no rule for the role {abbr}"),
    ("```{note}\nSomething.\n```\n", "no rule for the directive {note}"),
    ("{glue:text}`missing:d`", "no glued value 'missing'"),
    ("{numref}`fig-missing`", "no number for {numref} target 'fig-missing'"),
])
def test_unknown_syntax_or_target_stops_the_build_naming_the_page(text, complaint):
    with pytest.raises(ExtensionError, match="chapters/test") as error:
        convert(text)
    assert complaint in str(error.value)


def test_reader_notebook_starts_with_what_it_needs_and_drops_the_cache_comment():
    executed = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("(ch-aid)=\n# Aid"),
        nbformat.v4.new_code_cell("# Inputs, for the execution cache: aid_flows.csv 123\nx = 1"),
        nbformat.v4.new_markdown_cell("(ch-aid-more)=\n"),
    ])
    notebook = reader_notebook(executed, "chapters/06-aid", "Aid", "1.1.0", "kit-1.1.0.zip", REFERENCES)
    assert "afghan_relations` 1.1.0" in notebook.cells[0].source and "kit-1.1.0.zip" in notebook.cells[0].source
    assert 'afghan_relations.require("1.1.0")' in notebook.cells[1].source
    assert [c.source for c in notebook.cells[2:]] == ["# Aid", "x = 1"]  # the empty label-only cell is gone
    assert len({c.id for c in notebook.cells}) == len(notebook.cells)


def test_escaped_dollars_stay_dollars_in_jupyter():
    assert convert("more than \\$1 billion, and \\$800 million") == "more than \\\\$1 billion, and \\\\$800 million"
