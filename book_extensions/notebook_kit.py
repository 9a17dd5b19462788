"""The notebook kit: one zip in the site with every chapter, the book's package and how to run them.

`_build/html/_static/<kit name>` holds, in one folder:
- `notebooks/`: the readers' notebooks (book_extensions/reader_notebooks.py);
- the wheel of the book's package, which carries the data (`make wheel` builds it into
  `_build/wheel/`; the build stops when it is missing or of another version);
- `requirements.txt`: `kit/requirements.lock` (`make lock` resolves `kit/requirements.txt` into
  every package, pinned, with the hashes of its files, at the book's versions) and the wheel with
  its hash: pip checks every file it installs, and a rerun gets the libraries the book's figures
  were drawn with, not only the ones the chapters name;
- `README.md`: `kit/README.md` (venv, one install command, `jupyter lab`).
The zip is the same bytes for the same inputs: fixed dates and modes.

The prose links to the kit with the role {notebook-kit}`text`: a link on the web; in
print, the text and a note that the kit is on the book's website.
"""

import hashlib
import zipfile
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.osutil import relative_uri

from book_extensions import background, reader_notebooks
from book_extensions.reader_notebooks import notebook_pages, reader_path

KIT_DIR = Path("kit")
KIT_LOCK = KIT_DIR / "requirements.lock"  # `make lock` writes it
BOOK_LOCK = Path("requirements.lock")  # its constraint: the kit's packages at the book's versions
REQUIREMENTS_HEADER = """\
# Every package the notebooks need, at the versions the book was built and tested with, each
# with the hashes of its files (for any platform, Python 3.11 or newer): pip checks every file
# it downloads against them. Last, the book's package: the wheel in this folder.
"""
WHEEL_DIR = Path("_build", "wheel")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no build date in the kit


def kit_name(config):
    """The kit's file name, with the book's version."""
    return f"afghan-relations-notebooks-{config.release}.zip"


def wheel_path(app):
    """The book's wheel for this release, or a clear error."""
    wheels = sorted(Path(app.confdir, WHEEL_DIR).glob(f"afghan_relations-{app.config.release}-*.whl"))
    if len(wheels) != 1:
        found = ", ".join(p.name for p in Path(app.confdir, WHEEL_DIR).glob("*.whl")) or "nothing"
        raise ExtensionError(
            f"notebook kit: need exactly one wheel afghan_relations-{app.config.release}-*.whl in "
            f"{WHEEL_DIR}/ (found {found}): run `make wheel` (`make book` does)"
        )
    return wheels[0]


def kit_requirements(confdir, wheel):
    """The kit's requirements.txt: kit/requirements.lock without uv's header, then the wheel and its hash.

    The lock must have been made from the present kit/requirements.txt and requirements.lock (its
    `# inputs sha256:` line, as `make lock` writes it), or the build stops."""
    confdir = Path(confdir)
    files = [confdir / KIT_DIR / "requirements.txt", confdir / BOOK_LOCK, confdir / KIT_LOCK]
    inputs = b"".join(path.read_bytes() for path in files[:2] if path.is_file())
    lock = files[2].read_text(encoding="utf-8") if all(path.is_file() for path in files) else ""
    if f"# inputs sha256: {hashlib.sha256(inputs).hexdigest()}\n" not in lock:
        raise ExtensionError(
            f"notebook kit: {KIT_LOCK} is missing or older than {KIT_DIR / 'requirements.txt'} or {BOOK_LOCK}: "
            "run `make lock`"
        )
    pins = "".join(line for line in lock.splitlines(keepends=True) if not line.startswith("#"))
    wheel_hash = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return f"{REQUIREMENTS_HEADER}{pins}./{wheel.name} \\\n    --hash=sha256:{wheel_hash}\n"


def kit_files(app):
    """{path inside the kit: bytes}."""
    wheel = wheel_path(app)
    files = {
        "README.md": Path(app.confdir, KIT_DIR, "README.md").read_bytes(),
        "requirements.txt": kit_requirements(app.confdir, wheel).encode("utf-8"),
        wheel.name: wheel.read_bytes(),
    }
    for page in notebook_pages(app):
        files[f"notebooks/{Path(page).name}.ipynb"] = reader_path(app, page).read_bytes()
    return files


def write_zip(path, folder, files):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as kit:
        for name in files:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            kit.writestr(info, files[name])


def kit_zip(app):
    """The kit's zip in the site, its one folder, and {path inside it: bytes}: write_zip's arguments."""
    name = kit_name(app.config)
    return Path(app.outdir, "_static", name), name.removesuffix(".zip"), kit_files(app)


def start_kit(app, env):
    """Once the pages are read (and the readers' notebooks written): the zip made while Sphinx writes them."""
    if app.builder.format == "html" and reader_notebooks.written(app):
        background.start(app, "kit", write_zip, *kit_zip(app))


def write_kit(app, exception):
    """The kit started with the pages' writing, waited for; or, when no page was read, made now."""
    if background.started(app, "kit"):
        background.finish(app, "kit", failed_build=exception is not None)
    elif exception is None and app.builder.format == "html":
        write_zip(*kit_zip(app))


class kit_link(nodes.Inline, nodes.TextElement):
    """Where the prose links to the notebook kit; resolved for each builder."""


def kit_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [kit_link(rawtext, text)], []


class ResolveKitLinks(SphinxPostTransform):
    default_priority = 100

    def run(self):
        for node in list(self.document.findall(kit_link)):
            text = node.astext()
            if self.app.builder.format == "html":
                page = self.env.path2doc(self.document["source"])
                uri = relative_uri(self.app.builder.get_target_uri(page), f"_static/{kit_name(self.config)}")
                node.replace_self(nodes.reference(text, text, refuri=uri))
            else:
                node.replace_self(nodes.Text(f"{text} (on the book's website)"))


def setup(app):
    app.add_node(kit_link)
    app.add_role("notebook-kit", kit_role)
    app.add_post_transform(ResolveKitLinks)
    # after reader_notebooks (priority 500) has written the notebooks
    app.connect("env-check-consistency", start_kit, priority=600)
    app.connect("build-finished", write_kit, priority=600)
