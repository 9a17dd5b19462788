"""The book's build machinery: Sphinx extensions, one module per job.

_config.yml loads this package (`sphinx: local_extensions`). The chapters never import
it, so editing it re-executes no chapter (the execution cache is keyed on the
chapters' own package, afghan_relations, and on the data).

- cell_ids: notebook cell ids that are the same in every build
- execution_inputs: each chapter's execution cache keyed on the data and code it uses
- parallel_execution: the chapters the cache lacks executed in parallel while Sphinx reads;
  the data validated once per build
- kernel_fork: (used by parallel_execution, no setup of its own) kernels forked from a process
  that has imported the chapters' libraries once
- background: (used by notebook_kit and lite, no setup of its own) work done in a thread while
  Sphinx writes the pages, waited for at the end
- widget_js: the widget JavaScript served by the book, only on widget pages
- figure_layouts: each figure's phone layout on narrow screens, print layout elsewhere, full size a click away
- lazy_widgets: widget pages drawn first, the explorers' JavaScript loaded when one comes into view
- page_speed: scripts that do not draw the page deferred, unused styles dropped
- icon_font: the theme's icon font cut to the icons the site shows
- page_scripts: each inline script once, none naming another host
- reader_notebooks: each chapter as a plain Jupyter notebook, the page's .ipynb download
- notebook_kit: one zip with every notebook, the book's package and how to run them
- downloads: the download menu's book-wide entries (PDF, notebook kit)
- widget_state: the widgets' embedded state, which data cannot end or turn into markup
- smartquotes: typographic quotes that leave the text's backslashes alone
- lite: Run in your browser: JupyterLite on the site's own Pyodide, a button on each chapter
- edition: version and date from CITATION.cff
- pdf_book: the PDF's chapters, appendices and back matter; no folded code in print
- print_ranges: no line break inside a range of years or dates in print
- bibliography: the .bib generated from data/sources.csv, author–date labels
- book_index: index entries for the actors and places the prose names (aliases lead to them)
- long_lived: the build's long-lived objects out of the cyclic garbage collector's sight
"""

import importlib

# The jobs' modules, in the order they are set up (handlers of one event run in this order).
MODULES = (
    "cell_ids",
    "execution_inputs",
    "parallel_execution",
    "widget_js",
    "figure_layouts",
    "lazy_widgets",
    "page_scripts",
    "page_speed",
    "icon_font",
    "widget_state",
    "smartquotes",
    "reader_notebooks",
    "notebook_kit",
    "lite",
    "downloads",
    "edition",
    "pdf_book",
    "print_ranges",
    "bibliography",
    "book_index",
    "long_lived",
)


def setup(app):
    # A cold build's zygote starts before the other modules are imported (a third of a second, with
    # frictionless and fontTools): it imports the chapters' libraries on the core that leaves idle.
    from . import parallel_execution

    parallel_execution.start_zygote_early(app)
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
