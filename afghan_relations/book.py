"""What a chapter's hidden set-up cell needs: the style, and glue that leaves no stray output."""
import matplotlib.pyplot as plt
from IPython.display import Markdown
from myst_nb import glue

from . import style


def start_chapter():
    """Apply the book's figure style; call once at the top of each chapter."""
    style.use_book_style()


def glue_figure(name, fig):
    """Store a figure under `name` for a {glue:figure} directive, and close it so it is shown only there."""
    glue(name, fig, display=False)
    plt.close(fig)


def glue_number(name, value):
    """Store a number (or short text) for {glue:text} in the prose; numpy scalars become Python numbers."""
    glue(name, value.item() if hasattr(value, "item") else value, display=False)


def markdown_table(frame):
    """A DataFrame as a Markdown pipe table (cells escaped), index dropped."""
    def cell(value):
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        return text.replace("|", "\\|").replace("\n", " ")
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def glue_table(name, frame, caption):
    """Store a numbered table (MyST `table` directive) for a {glue:md} directive with `:format: myst`.

    Markdown, not HTML, so that the web page gets a real, themed table and the
    PDF a LaTeX (long)table from the same output.
    """
    text = f":::{{table}} {caption}\n:name: {name}\n:width: 100%\n\n{markdown_table(frame)}\n:::\n"
    glue(name, Markdown(text), display=False)
