"""book_extensions.downloads on a tiny book with the book's theme: the notebook and the PDF in the download menu."""

import json

import pytest
from bs4 import BeautifulSoup

from book_extensions.downloads import pdf_name

pytestmark = pytest.mark.fast

CONF = """
project = "Tiny book"
extensions = ["myst_nb", "book_extensions.downloads"]
exclude_patterns = ["_build"]
html_theme = "sphinx_book_theme"
html_theme_options = {"use_download_button": True}
nb_execution_mode = "off"
latex_documents = [("index", "tiny-book.tex", "Tiny book", "Us", "manual")]
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
# A chapter

```{toctree}
plain
```

```{code-cell} ipython3
x = 1
```
"""


@pytest.fixture
def site(fixture_book):
    app = fixture_book(CONF, {"index.md": NOTEBOOK, "plain.md": "# Plain\n\nNo code.\n"})
    return app.outdir


def menu(page):
    """{entry text: href} of the page's download menu."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    dropdown = soup.select_one(".dropdown-download-buttons")
    return {a.get_text(" ", strip=True): a["href"] for a in dropdown.find_all("a")}


def test_pdf_name_is_the_latex_targetname_with_pdf():
    class Config:
        latex_documents = [("intro", "afghan-relations.tex", "Title", "Us", "manual")]

    assert pdf_name(Config) == "afghan-relations.pdf"


def test_every_page_offers_the_whole_book_as_pdf(site):
    assert menu(site / "index.html")["Book (.pdf)"] == "_static/tiny-book.pdf"
    assert menu(site / "plain.html")["Book (.pdf)"] == "_static/tiny-book.pdf"


def test_a_notebook_chapter_offers_its_executed_notebook(site):
    entries = menu(site / "index.html")
    assert entries[".ipynb"] == "_sources/index.ipynb"
    # the notebook myst-nb wrote to _build/jupyter_execute/ (executed, in the book; here execution is off)
    offered = (site / "_sources" / "index.ipynb").read_bytes()
    assert offered == (site.parent / "jupyter_execute" / "index.ipynb").read_bytes()
    assert [cell["source"] for cell in json.loads(offered)["cells"] if cell["cell_type"] == "code"] == [["x = 1"]]


def test_a_plain_page_offers_no_notebook(site):
    assert ".ipynb" not in menu(site / "plain.html")
    assert not (site / "_sources" / "plain.ipynb").exists()
