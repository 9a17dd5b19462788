"""What a chapter's hidden set-up cell needs: the style, and glue that leaves no stray output."""
import matplotlib.pyplot as plt
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
    """Store a number (or short text) for {glue:text} in the prose."""
    glue(name, value, display=False)


def glue_table(name, frame):
    """Store a DataFrame, shown where the prose places it with {glue:}."""
    glue(name, frame, display=False)
