"""Sphinx extension for the book's PDF edition (`make pdf`) and the link to it.

1. The edition's version and date come from CITATION.cff (`version`,
   `date-released`), the one place they are written: Sphinx's `release` goes
   on the PDF's title page and in its page footers, `today` is the title page's
   date (the release date, not the day of the build, so rebuilds are identical).
2. Every HTML page's download menu (top right) gets a "Book (.pdf)" entry
   pointing at `_static/<PDF_NAME>`, where `make pdf` copies the PDF it builds.
   The entry is there even before the PDF exists: `make book && make pdf` (in
   either order) leaves the link resolving, and a web build never waits for TeX.
"""
from datetime import date
from pathlib import Path

import yaml

# _config.yml's latex.latex_documents.targetname is PDF_NAME with .tex; the Makefile copies it.
PDF_NAME = "afghan-relations.pdf"


def citation(confdir):
    """Version and release date as CITATION.cff states them."""
    cff = yaml.safe_load(Path(confdir, "CITATION.cff").read_text(encoding="utf-8"))
    return str(cff["version"]), date.fromisoformat(str(cff["date-released"]))


def set_edition(app, config):
    version, released = citation(app.confdir)
    config.version = config.release = version
    config.today = f"{released.day} {released:%B %Y}"


def add_pdf_download(app, pagename, templatename, context, doctree):
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, {
                "type": "link",
                "url": context["pathto"](f"_static/{PDF_NAME}", 1),
                "text": "Book (.pdf)",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def setup(app):
    app.connect("config-inited", set_edition)
    # after sphinx-book-theme fills the header buttons (priority 501)
    app.connect("html-page-context", add_pdf_download, priority=510)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
