"""Errors a reader rerunning a chapter can meet, shown in Jupyter as one line."""


class SetupError(Exception):
    """Something the notebook needs is missing: the message says what and how to get it."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]
