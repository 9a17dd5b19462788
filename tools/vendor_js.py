"""Fetch the JavaScript that widget pages need, so the HTML book works offline.

By default myst-nb makes every page with a widget load require.js and the
ipywidgets HTML manager from CDNs (cdnjs, jsdelivr). This script gets both from
the npm registry instead, at pinned versions checked against pinned sha512
integrity hashes, and copies the few files a browser needs into
`_build/vendor/static/ipywidgets/`. `book_extensions/widget_js.py` adds
`_build/vendor/static/` (only what the site's pages load) to Sphinx's static
files (beside our `_static/ipywidgets/require-config.js`), and
`nb_ipywidgets_js` in `_config.yml` names the files.

The html-manager version is the one released with ipywidgets 8.1.9
(html-manager 1.0.15 requires @jupyter-widgets/controls ^5.0.13, the version
jupyterlab_widgets 3.0.17 ships).

Run by `make book`; quick when the stamp file shows the pinned files are in place.
Usage: python tools/vendor_js.py [OUTPUT_DIR]
"""

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENSES = Path(__file__).resolve().parent / "vendor-licenses"
DEFAULT_OUT = ROOT / "_build" / "vendor" / "static" / "ipywidgets"

# name, version, sha512 integrity of the npm tarball, {file in tarball: file in OUT},
# licence text (committed in tools/vendor-licenses/ because neither tarball carries one).
PACKAGES = [
    {
        "name": "@jupyter-widgets/html-manager",
        "version": "1.0.15",
        "integrity": "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        "files": {
            "dist/embed-amd.js": "embed-amd.js",
            "dist/embed.js.LICENSE.txt": "embed-amd.js.THIRD-PARTY-NOTICES.txt",
            # Font Awesome, which the bundle's CSS loads next to embed-amd.js (woff2 first, woff fallback)
            "dist/*.woff2": ".",
            "dist/*.woff": ".",
        },
        "license": "html-manager.LICENSE.txt",
    },
    {
        "name": "requirejs",
        "version": "2.3.8",
        "integrity": "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        "files": {"require.js": "require.js"},
        "license": "requirejs.LICENSE.txt",
    },
]
STAMP = "VENDORED.json"


def integrity(path):
    """npm's Subresource Integrity string (sha512) of a file."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def npm_pack(package, dest):
    """Download one package tarball from the npm registry (via npm's cache) into dest."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("vendor_js: npm not found; install Node.js and npm (Debian: apt-get install npm)")
    spec = f"{package['name']}@{package['version']}"
    result = subprocess.run(
        [npm, "pack", spec, "--json", "--prefer-offline", "--pack-destination", str(dest)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"vendor_js: npm pack {spec} failed:\n{result.stderr}")
    tarball = dest / json.loads(result.stdout)[0]["filename"]
    got = integrity(tarball)
    if got != package["integrity"]:
        sys.exit(f"vendor_js: {spec} integrity mismatch: got {got}, pinned {package['integrity']}")
    return tarball


def unpack(package, tarball, out):
    """Copy the package's pinned files out of its tarball, and its licence."""
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp) / "package"
        for pattern, target in package["files"].items():
            matches = sorted(root.glob(pattern))
            if not matches:
                sys.exit(f"vendor_js: {package['name']} has no {pattern}")
            for source in matches:
                shutil.copyfile(source, out / (source.name if target == "." else target))
    shutil.copyfile(LICENSES / package["license"], out / package["license"])


def main(out=DEFAULT_OUT):
    out = Path(out)
    wanted = {p["name"]: [p["version"], p["integrity"]] for p in PACKAGES}
    stamp = out / STAMP
    present = all((out / f).is_file() for f in ("embed-amd.js", "require.js"))
    if present and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        print(f"vendor_js: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} up to date")
        return
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for package in PACKAGES:
            unpack(package, npm_pack(package, Path(tmp)), out)
    stamp.write_text(json.dumps(wanted, indent=2) + "\n")
    names = ", ".join(f"{p['name']}@{p['version']}" for p in PACKAGES)
    print(f"vendor_js: {names} -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
