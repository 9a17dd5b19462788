"""The download menu of every page: the chapter's notebook and the whole book as PDF.

1. Each executed chapter is offered as .ipynb. sphinx-book-theme only does this when
   a launch service (Binder, ...) is configured; the book has none, so this copies
   the executed notebook myst-nb wrote to `_build/jupyter_execute/` into `_sources/`.
2. A "Book (.pdf)" entry points at `_static/<pdf name>`, where `make pdf` copies the
   PDF it builds. The entry is there even before the PDF exists: `make book && make
   pdf` (in either order) leaves the link resolving, and a web build never waits for TeX.
"""
from pathlib import Path
from shutil import copy2


def pdf_name(config):
    """The PDF's file name: _config.yml's latex_documents targetname with .pdf."""
    return Path(config.latex_documents[0][1]).with_suffix(".pdf").name


def offer_notebook_download(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or context.get("page_source_suffix") != ".md":
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return  # a plain Markdown page, not a notebook
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def add_pdf_download(app, pagename, templatename, context, doctree):
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, {
                "type": "link",
                "url": context["pathto"](f"_static/{pdf_name(app.config)}", 1),
                "text": "Book (.pdf)",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def setup(app):
    # before sphinx-book-theme builds the download menu (its handlers run at priority 501)
    app.connect("html-page-context", offer_notebook_download, priority=400)
    # after sphinx-book-theme fills the header buttons (priority 501)
    app.connect("html-page-context", add_pdf_download, priority=510)
