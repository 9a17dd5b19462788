"""The download menu of every page: the whole book as PDF, and every chapter as notebooks.

(The page's own ".ipynb" entry is the theme's, pointed at the reader's notebook by
reader_notebooks.py.)
1. "Book (.pdf)" points at `_static/<pdf name>`, where `make pdf` copies the PDF it
   builds. The entry is there even before the PDF exists: `make book && make pdf` (in
   either order) leaves the link resolving, and a web build never waits for TeX.
2. "Notebooks (.zip)" points at the notebook kit (notebook_kit.py).
"""

from pathlib import Path

from book_extensions.notebook_kit import kit_name


def pdf_name(config):
    """The PDF's file name: _config.yml's latex_documents targetname with .pdf."""
    return Path(config.latex_documents[0][1]).with_suffix(".pdf").name


def _entry(context, file, text, tooltip, icon, label):
    return {
        "type": "link",
        "url": context["pathto"](f"_static/{file}", 1),
        "text": text,
        "tooltip": tooltip,
        "icon": icon,
        "label": label,
    }


def add_book_downloads(app, pagename, templatename, context, doctree):
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"][:0] = [
                _entry(
                    context,
                    pdf_name(app.config),
                    "Book (.pdf)",
                    "Download the whole book as a PDF",
                    "fas fa-book",
                    "download-book-pdf-button",
                ),
                _entry(
                    context,
                    kit_name(app.config),
                    "Notebooks (.zip)",
                    "Download every chapter as a Jupyter notebook, with the book's package and data",
                    "fas fa-file-zipper",
                    "download-notebook-kit-button",
                ),
            ]


def setup(app):
    # after sphinx-book-theme fills the header buttons (priority 501)
    app.connect("html-page-context", add_book_downloads, priority=510)
