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


def direct_requirements():
    """{name: Requirement} of requirements.txt's pins (not `-e .`)."""
    out = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            out[canonicalize_name(req.name)] = req
    return out


def locked():
    """{name: (version, marker or None, [hashes])} of requirements.lock."""
    text = LOCK.read_text(encoding="utf-8")
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
