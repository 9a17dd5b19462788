"""The book's build machinery: Sphinx extensions, one module per job.

_config.yml loads this package (`sphinx: local_extensions`). The chapters never import
it, so editing it re-executes no chapter (the execution cache is keyed on the
chapters' own package, afghan_relations, and on the data).

- cell_ids: notebook cell ids that are the same in every build
- execution_inputs: each chapter's execution cache keyed on the data and code it uses
- widget_js: the widget JavaScript served by the book, only on widget pages
- page_scripts: each inline script once, none naming another host
- downloads: the page's download menu (notebook, PDF)
- lite: Run in your browser: JupyterLite on the site's own Pyodide, a button on each chapter
- edition: version and date from CITATION.cff
- pdf_book: the PDF's chapters, appendices and back matter; no folded code in print
"""
from . import cell_ids, downloads, edition, execution_inputs, lite, page_scripts, pdf_book, widget_js

MODULES = (cell_ids, execution_inputs, widget_js, page_scripts, downloads, lite, edition, pdf_book)


def setup(app):
    for module in MODULES:
        module.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
