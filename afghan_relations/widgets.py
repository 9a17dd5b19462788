"""Explorers that work with a kernel, in static HTML without one, and degrade in print.

Every view is drawn in advance; a Dropdown is linked to a Stack in the browser
(`jslink`), so switching views needs no Python. The static page embeds the
widget state; the PDF shows the book's numbered figure instead.
"""
import base64
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt


def figure_html(fig, alt):
    """The figure as an <img> with alt text (an SVG data URI: sharp at any width)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = alt.replace('"', "'")
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" '
            f'style="max-width:100%;height:auto;display:block">')


def _view(fig, alt):
    return widgets.HTML(figure_html(fig, alt), layout=widgets.Layout(width="100%"))


def explorer(label, views):
    """A Dropdown choosing among pre-drawn views: {option: (figure, alt text)}."""
    options = list(views)
    chooser = widgets.Dropdown(options=options, value=options[0], description=label,
                               style={"description_width": "initial"},
                               layout=widgets.Layout(width="auto", max_width="100%"))
    stack = widgets.Stack([_view(*views[o]) for o in options], selected_index=0)
    widgets.jslink((chooser, "index"), (stack, "selected_index"))
    return widgets.VBox([chooser, stack], layout=widgets.Layout(width="100%"))


def two_way_explorer(first_label, second_label, views):
    """Two Dropdowns over views keyed (first option, second option): nested Stacks, all linked in the browser."""
    firsts = list(dict.fromkeys(k[0] for k in views))
    seconds = list(dict.fromkeys(k[1] for k in views))
    first = widgets.Dropdown(options=firsts, value=firsts[0], description=first_label,
                             style={"description_width": "initial"})
    second = widgets.Dropdown(options=seconds, value=seconds[0], description=second_label,
                              style={"description_width": "initial"})
    inner = []
    for f in firsts:
        stack = widgets.Stack([_view(*views[(f, s)]) for s in seconds], selected_index=0)
        widgets.jslink((second, "index"), (stack, "selected_index"))
        inner.append(stack)
    outer = widgets.Stack(inner, selected_index=0)
    widgets.jslink((first, "index"), (outer, "selected_index"))
    return widgets.VBox([widgets.HBox([first, second], layout=widgets.Layout(flex_flow="row wrap")), outer],
                        layout=widgets.Layout(width="100%"))
