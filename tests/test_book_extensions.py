"""book_extensions (the package): one setup() registers every module, on a tiny book."""

from pathlib import Path

import pytest

import book_extensions

pytestmark = pytest.mark.fast

PACKAGE = Path(book_extensions.__file__).parent


def test_every_module_of_the_package_is_set_up_and_described():
    """Each job's module (it has a setup()) is set up by the package; every module is described."""
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    jobs = [m for m in modules if "\ndef setup(app" in (PACKAGE / f"{m}.py").read_text(encoding="utf-8")]
    assert sorted(book_extensions.MODULES) == jobs
    for name in modules:
        assert f"- {name}: " in book_extensions.__doc__, f"{name} is not in the package's list of jobs"


def test_one_setup_connects_every_job(fixture_book):
    conf = 'project = "Tiny book"\nextensions = ["book_extensions"]\nexclude_patterns = ["_build"]\n'
    vendor = {f"_build/vendor/static/ipywidgets/{name}": "" for name in ("require.js", "embed-amd.js")}
    app = fixture_book(
        conf,
        {
            "index.rst": "Tiny book\n=========\n",
            "CITATION.cff": 'version: "1.0"\ndate-released: 2026-01-16\n',
            **vendor,
        },
        buildername="dummy",
    )
    assert app.extensions["book_extensions"].parallel_read_safe
    handlers = {
        (listener.handler.__module__.rsplit(".", 1)[1], listener.handler.__name__)
        for listeners in app.events.listeners.values()
        for listener in listeners
        if listener.handler.__module__.startswith("book_extensions.")
    }
    assert {module for module, _ in handlers} == {
        "cell_ids",
        "execution_inputs",
        "parallel_execution",
        "widget_js",
        "page_scripts",
        "reader_notebooks",
        "notebook_kit",
        "downloads",
        "widget_state",
        "edition",
        "bibliography",
        "lazy_widgets",
        "page_speed",
        "icon_font",
        "lite",
        "long_lived",
    }  # pdf_book and print_ranges add post-transforms, book_index a transform, smartquotes replaces a function
    assert {t.__name__ for t in app.registry.get_post_transforms()} >= {
        "BookStructure",
        "DropFoldedCode",
        "UnbrokenRanges",
    }
    assert "IndexMentions" in {t.__name__ for t in app.registry.get_transforms()}
    from docutils.utils import smartquotes

    assert smartquotes.processEscapes is book_extensions.smartquotes.keep_backslashes
    assert app.config.version == "1.0"


def test_long_lived_objects_are_left_out_of_garbage_collections():
    """After each of long_lived's events, what is alive is frozen: collections walk only newer objects."""
    import gc

    from book_extensions import long_lived

    try:
        gc.unfreeze()
        alive = len(gc.get_objects())
        long_lived.freeze()
        assert gc.get_freeze_count() >= alive
        assert len(gc.get_objects()) < 100  # the collector's generations hold only what came after
        later = [[] for _ in range(10)]
        assert len(gc.get_objects()) >= len(later)
    finally:
        gc.unfreeze()  # the rest of the test session as it was


def test_icon_font_keeps_the_icons_of_the_books_pages_not_of_the_in_browser_jupyter(tmp_path):
    """icon_font reads the book's pages and the theme's scripts; lite/ (JupyterLab's own pages, written
    by a thread while the build ends) is neither read nor waited for."""
    from book_extensions import icon_font, lite

    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "intro.html").write_text('<i class="fa-solid fa-download"></i>')
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.js").write_text('button.className = "fa-solid fa-magnifying-glass"')
    (tmp_path / "_static" / "fontawesome.js").write_text('"fa-left-out"')  # the icon script the book drops
    (tmp_path / lite.OUTPUT / "lab").mkdir(parents=True)
    (tmp_path / lite.OUTPUT / "lab" / "index.html").write_text('<i class="fa fa-jupyterlab-only"></i>')
    assert icon_font.used_classes(tmp_path) == {"fa-solid", "fa-download", "fa-magnifying-glass"}
