"""The locked environment: requirements.lock matches requirements.txt, pins and hashes every package,
and is what is installed (`make env`: uv pip sync --require-hashes)."""

import hashlib
import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"
# `make lab`'s packages, locked by `make lock` too (the Makefile's LAB_INPUTS and LAB_LOCK)
LAB_INPUTS = (ROOT / "kit" / "requirements.txt", ROOT / "lab-requirements.txt")
LAB_LOCK = ROOT / "lab-requirements.lock"
# The notebook kit's lock (the Makefile's KIT_LOCK), which readers install with pip
KIT_REQUIREMENTS = ROOT / "kit" / "requirements.txt"
KIT_LOCK = ROOT / "kit" / "requirements.lock"


def direct_requirements(*files):
    """{name: Requirement} of the pins in requirements files (requirements.txt by default; not `-e .`)."""
    out = {}
    for line in "\n".join(f.read_text(encoding="utf-8") for f in files or (REQUIREMENTS,)).splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            out[canonicalize_name(req.name)] = req
    return out


def locked(lock=LOCK):
    """{name: (version, marker or None, [hashes])} of a lock (requirements.lock by default)."""
    text = lock.read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.splitlines()[0]
        if first.startswith("#"):
            continue
        spec = first.rstrip(" \\")
        name, _, rest = spec.partition("==")
        version, _, marker = rest.partition(" ; ")
        out[canonicalize_name(name)] = (
            version.strip(),
            Marker(marker) if marker else None,
            re.findall(r"--hash=sha256:([0-9a-f]{64})", block),
        )
    return out


def test_lock_was_made_from_this_requirements_txt():
    recorded = re.search(r"^# requirements.txt sha256: ([0-9a-f]{64})$", LOCK.read_text(encoding="utf-8"), re.M)
    assert recorded, "requirements.lock has no requirements.txt hash: run `make lock`"
    assert recorded.group(1) == hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest(), (
        "requirements.txt changed since requirements.lock was made: run `make lock`"
    )


def test_every_direct_pin_is_locked_at_its_version():
    lock = locked()
    for name, req in direct_requirements().items():
        assert name in lock, f"{name} (requirements.txt) is missing from requirements.lock"
        assert req.specifier.contains(lock[name][0], prereleases=True), (name, str(req.specifier), lock[name][0])


def test_every_locked_package_is_pinned_with_hashes():
    lock = locked()
    assert len(lock) > 100  # the whole tree, not only the direct pins
    for name, (version, _, hashes) in lock.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), (name, version)
        assert hashes, f"{name} has no hash in requirements.lock"


def test_the_environment_is_the_lock():
    """Every package the lock selects for this platform is installed at its locked version."""
    lock = locked()
    wrong = {}
    for name, (version, marker, _) in lock.items():
        if marker is not None and not marker.evaluate():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    if wrong and not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not run from the environment `make env` installs")
    assert not wrong, f"installed packages that differ from requirements.lock (locked, installed): {wrong}"


def test_packages_left_out_of_the_lock_are_not_installed():
    """The Makefile's LOCK_LEFT_OUT (with its reasons there): the book's own package, installed from
    the clone, and packages nothing here needs whose import is slow; none is locked, and none of the
    others is installed."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    left_out = re.search(r"^LOCK_LEFT_OUT := (.+)$", makefile, re.M).group(1).split()
    assert "afghan-relations" in left_out and len(left_out) > 1
    lock = locked()
    assert not [name for name in left_out if canonicalize_name(name) in lock]
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not run from the environment `make env` installs")
    installed = [name for name in left_out if name != "afghan-relations" and _installed(name)]
    assert not installed, installed


def _installed(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@pytest.mark.parametrize("lock, inputs", [(LAB_LOCK, LAB_INPUTS), (KIT_LOCK, (KIT_REQUIREMENTS,))], ids=["lab", "kit"])
def test_derived_lock_was_made_from_its_inputs(lock, inputs):
    """The locks `make lock` resolves with requirements.lock as a constraint record the hash of their inputs."""
    recorded = re.search(r"^# inputs sha256: ([0-9a-f]{64})$", lock.read_text(encoding="utf-8"), re.M)
    assert recorded, f"{lock.name} has no hash of its inputs: run `make lock`"
    assert recorded.group(1) == hashlib.sha256(b"".join(p.read_bytes() for p in (*inputs, LOCK))).hexdigest(), (
        f"{', '.join(p.name for p in inputs)} or requirements.lock changed since {lock.name} was made: run `make lock`"
    )


def test_lab_lock_pins_every_kit_and_lab_requirement_with_hashes_at_the_books_versions():
    """JupyterLab's packages added by `make lab` change none that the book's build uses."""
    lab, book = locked(LAB_LOCK), locked()
    for name, req in direct_requirements(*LAB_INPUTS).items():
        assert name in lab, f"{name} is missing from lab-requirements.lock"
        assert req.specifier.contains(lab[name][0], prereleases=True), (name, str(req.specifier), lab[name][0])
    assert {name: lab[name][0] for name in lab.keys() & book.keys()} == {
        name: book[name][0] for name in lab.keys() & book.keys()
    }
    assert "jupyterlab" in lab and "jupytext" in lab
    assert all(hashes for _, _, hashes in lab.values())
    left_out = re.search(r"^LOCK_LEFT_OUT := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    assert not set(left_out) & set(lab)


def test_kit_lock_pins_every_package_pip_needs_with_hashes_at_the_books_versions():
    """Whole, unlike the book's lock: pip installs what each package requires, and in hash-checking mode
    refuses one without hashes. Every package the book's environment also has is at the book's version."""
    kit, book = locked(KIT_LOCK), locked()
    for name, req in direct_requirements(KIT_REQUIREMENTS).items():
        assert name in kit, f"{name} is missing from kit/requirements.lock"
        assert req.specifier.contains(kit[name][0], prereleases=True), (name, str(req.specifier), kit[name][0])
    shared = kit.keys() & book.keys()
    assert {name: kit[name][0] for name in shared} == {name: book[name][0] for name in shared}
    assert {"jupyterlab", "kiwisolver", "pillow", "fonttools"} <= kit.keys()  # what draws the figures, too
    left_out = re.search(r"^LOCK_LEFT_OUT := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    assert set(left_out) - {"afghan-relations"} <= kit.keys()  # left out of the book's, not of the readers'
    assert all(hashes for _, _, hashes in kit.values())
