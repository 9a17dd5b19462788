"""book_extensions/notebook_kit.py: what the kit tells pip to install (fast, no build; the kit installed and
run by a stranger is tests/test_kit.py)."""

import hashlib
import shutil
import sys
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from book_extensions import notebook_kit  # noqa: E402

pytestmark = pytest.mark.fast


def test_the_notebook_kit_ships_the_lock_and_the_wheel_with_their_hashes(tmp_path):
    """The kit's requirements.txt: every package of kit/requirements.lock with its hashes, then the
    wheel with its own; a lock older than its inputs stops the build."""
    for name in ("kit/requirements.txt", "kit/requirements.lock", "requirements.lock"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    wheel = tmp_path / "afghan_relations-0.0.0-py3-none-any.whl"
    wheel.write_bytes(b"a wheel")
    text = notebook_kit.kit_requirements(tmp_path, wheel)
    lock = (ROOT / "kit" / "requirements.lock").read_text(encoding="utf-8")
    assert text.startswith("# ") and "make lock" not in text and "inputs sha256" not in text  # a reader's header
    assert [line for line in text.splitlines() if "==" in line] == [line for line in lock.splitlines() if "==" in line]
    assert text.endswith(f"./{wheel.name} \\\n    --hash=sha256:{hashlib.sha256(b'a wheel').hexdigest()}\n")
    with (tmp_path / "kit" / "requirements.txt").open("a") as f:
        f.write("jupytext==1.19.6\n")
    with pytest.raises(ExtensionError, match="run `make lock`"):
        notebook_kit.kit_requirements(tmp_path, wheel)
