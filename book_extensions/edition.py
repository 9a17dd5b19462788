"""The edition's version and date, from CITATION.cff, the one place they are written.

Sphinx's `release` goes on the PDF's title page and in its page headers; `today` is
the title page's date: the release date, not the day of the build, so rebuilds are
identical. The package's version (pyproject.toml, through hatchling) is read from the
same file.
"""

from datetime import date
from pathlib import Path

import yaml


def citation(confdir):
    """(version, release date) as CITATION.cff states them."""
    cff = yaml.safe_load(Path(confdir, "CITATION.cff").read_text(encoding="utf-8"))
    return str(cff["version"]), date.fromisoformat(str(cff["date-released"]))


def set_edition(app, config):
    version, released = citation(app.confdir)
    config.version = config.release = version
    config.today = f"{released.day} {released:%B %Y}"


def setup(app):
    app.connect("config-inited", set_edition)
