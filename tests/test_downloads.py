"""book_extensions.downloads on a tiny book with the book's theme: the PDF and the kit in every download menu."""

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
release = "9.9"
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


def test_every_page_offers_the_whole_book_as_pdf_and_the_notebook_kit(site):
    for page in ("index.html", "plain.html"):
        assert menu(site / page)["Book (.pdf)"] == "_static/tiny-book.pdf"
        assert menu(site / page)["Notebooks (.zip)"] == "_static/afghan-relations-notebooks-9.9.zip"
