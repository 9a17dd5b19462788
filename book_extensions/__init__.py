"""The book's build machinery: Sphinx extensions, one module per job.

_config.yml loads this package (`sphinx: local_extensions`). The chapters never import
it, so editing it re-executes no chapter (the execution cache is keyed on the
chapters' own package, afghan_relations, and on the data).

- cell_ids: notebook cell ids that are the same in every build
- execution_inputs: each chapter's execution cache keyed on the data and code it uses
- widget_js: the widget JavaScript served by the book, only on widget pages
- figure_layouts: each figure's phone layout on narrow screens, print layout elsewhere, full size a click away
- lazy_widgets: widget pages drawn first, the explorers' JavaScript loaded when one comes into view
- page_speed: scripts that do not draw the page deferred, unused styles dropped
- icon_font: the theme's icon font cut to the icons the site shows
- page_scripts: each inline script once, none naming another host
- reader_notebooks: each chapter as a plain Jupyter notebook, the page's .ipynb download
- notebook_kit: one zip with every notebook, the book's package and how to run them
- downloads: the download menu's book-wide entries (PDF, notebook kit)
- edition: version and date from CITATION.cff
- pdf_book: the PDF's chapters, appendices and back matter; no folded code in print
"""
from . import (cell_ids, downloads, edition, execution_inputs, figure_layouts, icon_font, lazy_widgets,
               notebook_kit, page_scripts, page_speed, pdf_book, reader_notebooks, widget_js)

MODULES = (cell_ids, execution_inputs, widget_js, figure_layouts, lazy_widgets, page_scripts, page_speed,
           icon_font, reader_notebooks, notebook_kit, downloads, edition, pdf_book)


def setup(app):
    for module in MODULES:
        module.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
