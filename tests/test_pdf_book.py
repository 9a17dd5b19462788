"""book_extensions.pdf_book on a tiny book built with Sphinx's LaTeX builder (no TeX needed: the .tex is read)."""

import re

import pytest

pytestmark = pytest.mark.fast

CONF = """
project = "Tiny book"
extensions = ["myst_nb", "sphinx_external_toc", "book_extensions.pdf_book"]
external_toc_path = "_toc.yml"
exclude_patterns = ["_build"]
nb_execution_mode = "off"
latex_documents = [("intro", "tiny.tex", "Tiny book", "Us", "manual")]
"""
TOC = """
format: jb-book
root: intro
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: one
      - file: two
  - caption: Appendices
    chapters:
      - file: appendix-data
      - file: appendix-bibliography
"""
NOTEBOOK = """
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# Second chapter

```{code-cell} ipython3
:tags: [hide-input]
folded_away_on_the_web = 1
```

```{code-cell} ipython3
shown_on_the_web = 2
```
"""


@pytest.fixture
def tex(fixture_book):
    files = {"_toc.yml": TOC, "two.md": NOTEBOOK}
    for name, title in [
        ("intro", "Introduction"),
        ("one", "First chapter"),
        ("appendix-data", "Appendix: the data"),
        ("appendix-bibliography", "Bibliography"),
    ]:
        files[f"{name}.md"] = f"# {title}\n\nText of {name}.\n"
    app = fixture_book(CONF, files, buildername="latex")
    text = (app.outdir / "tiny.tex").read_text(encoding="utf-8")
    return text[text.index(r"\begin{document}") :]


def test_the_book_has_the_web_editions_structure(tex):
    """Introduction unnumbered, chapters numbered, appendices lettered (prefix dropped), bibliography last."""
    markers = re.findall(r"^(\\bookunnumbered|\\booknumbered|\\appendix\\booknumbered|\\chapter\{[^}]*\})$", tex, re.M)
    assert markers == [
        r"\bookunnumbered",
        r"\chapter{Introduction}",
        r"\booknumbered",
        r"\chapter{First chapter}",
        r"\chapter{Second chapter}",
        r"\appendix\booknumbered",
        r"\chapter{The data}",
        r"\bookunnumbered",
        r"\chapter{Bibliography}",
    ]


def test_the_introduction_is_a_chapter_not_the_books_title(tex):
    assert tex.count(r"\chapter{") == 5
    assert r"\section{" not in tex  # chapters were not demoted under the root document


def test_code_folded_on_the_web_is_left_out_of_print(tex):
    assert "folded" not in tex
    assert tex.count(r"\begin{sphinxuseclass}{cell_input}") == 1 and r"shown\PYGZus{}on" in tex
