"""The notebook a reader downloads: each chapter as plain Jupyter, no MyST left in it.

The chapters are MyST Markdown; myst-nb executes them and writes the executed
notebook to `_build/jupyter_execute/`. In plain Jupyter that notebook would show
`{glue:text}` roles and directives as raw text. This module writes, for every
chapter, a reader's notebook to `_build/html/_sources/<page>.ipynb` (the page's
".ipynb" download, and what the notebook kit zips):

- a first cell saying what the notebook needs and where to get it, and a code
  cell that stops with one line when the book's package is missing or too old;
- the prose as CommonMark: glued numbers as the values of this build (marked by a
  tooltip naming the value), `{numref}` as "Fig. 6.1", `{ref}` as the section's
  title, `{download}` as the file's name, `{cite:p}` and its kin as the author–date
  text the page shows, the bibliography as a list, figure and table directives as their
  numbered captions (the figure or table itself is the output of the code cell
  above them, where it is made), labels dropped;
- every code cell with its outputs, less the input-hash comment of the execution
  cache and the MyST text of glued tables (myst-nb already drops hidden glue records).

MyST has no CommonMark writer (myst-parser renders to docutils, not back to
Markdown), so the roles and directives the chapters use are rewritten here, and
anything else left looking like MyST stops the build naming the page: a new kind of
syntax in a chapter needs a rule here first.
"""

import copy
import hashlib
import html
import json
import re
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from myst_nb.core.variables import format_plain_text
from sphinx.errors import ExtensionError

from book_extensions.execution_inputs import INPUTS_COMMENT

GLUE_PREFIX = "application/papermill.record/"
KIT_NOTE_TAG = "kit-note"  # the first cell: how to run the notebook from the kit (lite.py drops it)
ROLE = re.compile(r"\{(?P<name>[a-z][\w:-]*)\}`(?P<text>[^`]*)`")
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
FIGURE_NOTE = " *(The figure is drawn by the code cell above.)*\n"
TABLE_NOTE = " *(The table is the output of the code cell above.)*\n"
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
LABEL = re.compile(r"^\([\w.:-]+\)=[ \t]*\n", re.M)
TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
# What must not survive into a reader's notebook: a role, a directive fence, a label.
LEFTOVER = re.compile(r"\{[a-z][\w:-]*\}`|^(`{3,}|:{3,})\{|^\([\w.:-]+\)=", re.M)


class References:
    """What the prose's cross-references resolve to in this build."""

    def __init__(self, numbers, titles, sources_csv=None):
        self.numbers = numbers  # label -> "Fig. 6.1"
        self.titles = titles  # label -> section title
        self.sources_csv = sources_csv  # the bibliography's one source (book_extensions/bibliography.py)
        self._cited_names = None  # read from sources_csv at the first citation, once per build

    @classmethod
    def from_env(cls, env, config):
        std = env.get_domain("std")
        numbers, titles = {}, {}
        for label, (docname, labelid, title) in std.labels.items():
            if title:
                titles[label] = title
            for figtype, ids in env.toc_fignumbers.get(docname, {}).items():
                if labelid in ids:
                    numbers[label] = config.numfig_format[figtype] % ".".join(map(str, ids[labelid]))
        return cls(numbers, titles, Path(env.srcdir) / "data" / "sources.csv")

    def number(self, label, where):
        if label not in self.numbers:
            raise ExtensionError(f"{where}: no number for {{numref}} target {label!r}")
        return self.numbers[label]

    def citation(self, role, keys, where):
        from book_extensions import bibliography

        if self._cited_names is None:
            self._cited_names = bibliography.cited_names(self.sources_csv) if self.sources_csv else {}
        names = self._cited_names
        missing = [key for key in keys if key not in names]
        if missing:
            raise ExtensionError(f"{where}: no source {missing[0]!r} for {{{role}}}")
        return bibliography.cite_text(role, keys, names)

    def bibliography(self, where):
        from book_extensions import bibliography

        if not self.sources_csv:
            raise ExtensionError(f"{where}: no sources for the bibliography")
        return bibliography.bibliography_markdown(self.sources_csv)

    def title(self, label, where):
        if label not in self.titles:
            raise ExtensionError(f"{where}: no title for {{ref}} target {label!r}")
        return self.titles[label]


def glue_values(notebook):
    """{name: text/plain} of every value the executed notebook glued."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                data = {key.removeprefix(GLUE_PREFIX): value for key, value in output.get("data", {}).items()}
                values[scrapbook["name"]] = data
    return values


def _split_target(text):
    match = TARGET.match(text)
    return (match["text"], match["target"]) if match else (None, text)


class Converter:
    """Rewrites one page's MyST Markdown as CommonMark (see the module's docstring)."""

    def __init__(self, page, glued, references):
        self.page, self.glued, self.references = page, glued, references

    def role(self, match):
        name, text = match["name"], match["text"]
        if name == "glue:text" or name == "glue":
            key, _, spec = text.partition(":") if name == "glue:text" else (text, "", "")
            data = self.glued.get(key)
            if data is None or "text/plain" not in data:
                raise ExtensionError(f"{self.page}: no glued value {key!r} for the reader's notebook")
            value = format_plain_text(data["text/plain"], spec)
            return f'<span title="{html.escape(key)}: computed when the book was built">{html.escape(value)}</span>'
        if name == "numref":
            shown, label = _split_target(text)
            number = self.references.number(label, self.page)
            if shown is None:
                return number
            return shown.replace("%s", number.split(" ", 1)[-1]).replace("{number}", number.split(" ", 1)[-1])
        if name == "ref":
            shown, label = _split_target(text)
            return f"“{shown or self.references.title(label, self.page)}”"
        if name.startswith("cite:"):  # author–date, as the page shows it
            return self.references.citation(name, [k.strip() for k in text.split(",")], self.page)
        if name == "notebook-kit":
            return text  # this notebook came in (or from) the kit
        if name == "download":
            shown, target = _split_target(text)
            return f"`{shown or Path(target).name}`"
        raise ExtensionError(f"{self.page}: the reader's notebook has no rule for the role {{{name}}}")

    def inline(self, text):
        return ROLE.sub(self.role, text)

    def directive(self, match):
        name, arg, body = match["name"], match["arg"].strip(), match["body"]
        options, lines = {}, body.split("\n")
        while lines and OPTION.match(lines[0]):
            option = OPTION.match(lines.pop(0))
            options[option["key"]] = option["value"]
        content = "\n".join(lines).strip()
        if name == "glue:figure":
            label = options.get("name", arg)
            caption = self.inline(content)
            return f"**{self.references.number(label, self.page)}.** {caption}{FIGURE_NOTE}"
        if name in ("glue:md", "glue:any", "glue"):
            return self.glued_markdown(arg)
        if name == "bibliography":
            return self.references.bibliography(self.page)
        if name == "only":  # the reader's notebook is read on screen, like the web edition
            return self.markdown(content) if arg == "html" else ""
        raise ExtensionError(f"{self.page}: the reader's notebook has no rule for the directive {{{name}}}")

    def glued_markdown(self, key):
        data = self.glued.get(key)
        if data is None or "text/markdown" not in data:
            raise ExtensionError(f"{self.page}: no glued Markdown {key!r} for the reader's notebook")
        text = data["text/markdown"]
        table = next((d for d in DIRECTIVE.finditer(text) if d["name"] == "table"), None)
        if table:
            # The table is shown by the cell that makes it; here only its number and caption.
            options = dict(OPTION.match(line).groups() for line in table["body"].split("\n") if OPTION.match(line))
            caption = self.inline(table["arg"].strip())
            return f"**{self.references.number(options['name'], self.page)}.** {caption}{TABLE_NOTE}"
        return self.markdown(text)

    def markdown(self, text):
        # A dollar sign MyST reads as text (`\$`) still starts math in JupyterLab: its
        # Markdown renderer drops the backslash and MathJax then sees a bare `$` (an HTML
        # entity fares no better). `\\$` reaches MathJax as `\$`, which it shows as `$`.
        text = text.replace("\\$", "\\\\$")
        text = LABEL.sub("", text)
        text = DIRECTIVE.sub(self.directive, text)
        text = self.inline(text)
        leftover = LEFTOVER.search(text)
        if leftover:
            line = text[: leftover.start()].count("\n") + 1
            snippet = text[leftover.start() : leftover.start() + 40].split("\n")[0]
            raise ExtensionError(
                f"{self.page}: MyST syntax left in the reader's notebook (markdown line {line}): {snippet!r}"
            )
        return text


def _for_jupyter(output):
    """The output less what only the book reads: a glued table's MyST text beside its HTML."""
    data = output.get("data", {})
    if "text/html" in data and "text/markdown" in data:
        del data["text/markdown"]
    return output


def header_cells(title, version, kit_name):
    """What the notebook needs and where to get it; a check that stops with one line."""
    note = (
        f"*Rerunning this chapter.* This notebook is “{title}”, from the book *Afghanistan, Russia and "
        f"Tajikistan: a data history, 1837–2026*, version {version}. It needs Python 3.11 or newer and the "
        f"book's package `afghan_relations` {version}, which carries the data. The notebook kit "
        f"(`{kit_name}`, “Notebooks (.zip)” in the download menu of any page of the book) has every "
        f"chapter, the package and a `requirements.txt`: in its folder run `python -m venv .venv`, "
        f"then `.venv/bin/pip install -r requirements.txt`, then `.venv/bin/jupyter lab`. "
        f"Each figure, table and number appears under the code cell that computes it; numbers in the "
        f"text are those of the book's build (hover over one to see its name)."
    )
    check = (
        "# What this notebook needs: the book's package, at least the version it was built with.\n"
        "try:\n"
        "    import afghan_relations\n"
        "except ModuleNotFoundError:\n"
        "    class SetupError(Exception):\n"
        "        def _render_traceback_(self):  # Jupyter shows this one line, not a traceback\n"
        '            return [f"SetupError: {self}"]\n'
        '    raise SetupError("this notebook needs the book\'s package afghan_relations: in the folder of "\n'
        '                     "the book\'s notebook kit run `pip install -r requirements.txt`") from None\n'
        f'afghan_relations.require("{version}")'
    )
    return [nbformat.v4.new_markdown_cell(note, metadata={"tags": [KIT_NOTE_TAG]}), nbformat.v4.new_code_cell(check)]


def reader_notebook(executed, page, title, version, kit_name, references):
    """The executed notebook `executed` (nbformat) rewritten for a reader (see the module's docstring)."""
    converter = Converter(page, glue_values(executed), references)
    notebook = copy.deepcopy(executed)
    notebook.metadata.pop("source_map", None)
    notebook.metadata.pop("jupytext", None)
    cells = header_cells(title, version, kit_name)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = converter.markdown(cell.source).strip()
            if not text:
                continue
            cell.source = text
        elif cell.cell_type == "code":
            cell.source = "\n".join(line for line in cell.source.split("\n") if not line.startswith(INPUTS_COMMENT))
            cell.outputs = [_for_jupyter(output) for output in cell.outputs]
        cells.append(cell)
    for number, cell in enumerate(cells):
        cell.id = f"{page.replace('/', '-')}-{number}"  # stable ids: the same notebook from every build
    notebook.cells = cells
    return notebook


def executed_notebook(app, page):
    """The page's notebook with the outputs of its execution, from the execution cache.

    myst-nb writes `_build/jupyter_execute/<page>.ipynb` without outputs when it takes
    them from the cache (it merges them into a copy it renders, and writes the
    original); merging them in again here is what myst-nb itself does.
    """
    staged = nbformat.read(notebook_pages(app)[page], as_version=4)
    cache = get_cache(app.env.mystnb_config.execution_cache_path)  # myst-nb's resolved path
    try:
        _, executed = cache.merge_match_into_notebook(staged)
    except KeyError:
        raise ExtensionError(
            f"{page}: the execution cache has no run of this chapter for the reader's notebook "
            "(was _build/.jupyter_cache deleted on its own?): `make clean && make book` rebuilds both"
        ) from None
    return executed


def notebook_pages(app):
    """{page: executed notebook path} for every page myst-nb executed."""
    executed = Path(app.outdir).parent / "jupyter_execute"
    return {
        doc: executed / f"{doc}.ipynb" for doc in sorted(app.env.found_docs) if (executed / f"{doc}.ipynb").is_file()
    }


def reader_path(app, page):
    return Path(app.outdir, "_sources", f"{page}.ipynb")


def made_from(app, page, title, kit, references):
    """The digest of what a page's reader notebook is made from: the notebook myst-nb staged (code,
    text, metadata and the inputs comment, so one run in the execution cache), the title, edition and kit,
    every cross-reference's number and title, the sources, and the code of this module and of the
    bibliography's."""
    from book_extensions import bibliography

    h = hashlib.sha256()
    for path in (Path(__file__), Path(bibliography.__file__)):
        h.update(hashlib.sha256(path.read_bytes()).digest())
    # the cells' kinds, text and metadata, and the kernel: not what the run adds (outputs, language
    # and widget metadata: myst-nb writes them when it executed the page itself, not when it used the
    # cache; the run is the one the code determines) nor the cells' ids (reader_notebook renumbers them)
    staged = nbformat.read(notebook_pages(app)[page], as_version=4)
    cells = [(cell.cell_type, cell.source, cell.metadata) for cell in staged.cells]
    h.update(json.dumps([staged.metadata.get("kernelspec"), cells], sort_keys=True, default=str).encode())
    facts = [title, app.config.release, kit, references.numbers, references.titles]
    h.update(json.dumps(facts, sort_keys=True, default=str).encode())  # Sphinx labels may be lazy translations
    if references.sources_csv and Path(references.sources_csv).is_file():  # a book may cite nothing
        h.update(Path(references.sources_csv).read_bytes())
    return h.hexdigest()


def write_reader_notebooks(app):
    """Each executed page's reader notebook, written again only when what it is made from changed."""
    from book_extensions.notebook_kit import kit_name  # one module per job; the kit names itself

    references = References.from_env(app.env, app.config)
    record = Path(app.outdir).parent / "reader-notebooks.json"  # {page: digest} of the notebooks written
    recorded = json.loads(record.read_text()) if record.is_file() else {}
    kit = kit_name(app.config)
    made = {}
    for page in notebook_pages(app):
        title = app.env.titles[page].astext()
        made[page] = made_from(app, page, title, kit, references)
        target = reader_path(app, page)
        if recorded.get(page) == made[page] and target.is_file():
            continue
        executed = executed_notebook(app, page)
        notebook = reader_notebook(executed, page, title, app.config.release, kit, references)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    record.write_text(json.dumps(made, indent=1, sort_keys=True))
    app._reader_notebooks_written = True


def written(app):
    """Whether this build has written the readers' notebooks (the kit and the in-browser site read them)."""
    return getattr(app, "_reader_notebooks_written", False)


def write_when_pages_are_read(app, env):
    """As soon as the pages are read and numbered, so that the kit and the in-browser site can be made
    from them while Sphinx writes the pages (background.py). A notebook that cannot be made (a glued
    value missing, say) stops the build at the end, once Sphinx has reported the pages' own problems."""
    if app.builder.format != "html":
        return
    try:
        write_reader_notebooks(app)
    except ExtensionError as error:
        app._reader_notebooks_error = error


def write_at_the_end(app, exception):
    """The notebooks' error kept from above, raised; or, when no page was read (so env-check-consistency
    was not emitted), the notebooks written now."""
    if exception is not None or app.builder.format != "html":
        return
    if getattr(app, "_reader_notebooks_error", None):
        raise app._reader_notebooks_error
    if not written(app):
        write_reader_notebooks(app)


def offer_notebook_download(app, pagename, templatename, context, doctree):
    """Point the page's ".ipynb" download at its reader's notebook.

    sphinx-book-theme offers it only when a launch service (Binder, ...) is configured,
    which the book has none of; it reads `ipynb_source` from the page's context.
    """
    if app.builder.format == "html" and pagename in notebook_pages(app):
        context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # before sphinx-book-theme builds the download menu (its handlers run at priority 501)
    app.connect("html-page-context", offer_notebook_download, priority=400)
    # before notebook_kit (priority 600) zips them and lite (700) serves them
    app.connect("env-check-consistency", write_when_pages_are_read, priority=500)
    app.connect("build-finished", write_at_the_end, priority=500)
