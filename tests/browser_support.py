"""Helpers for tests/test_browser.py: the built site on 127.0.0.1, headless Chromium, axe-core.

Nothing here is part of the book. axe-core (the accessibility checker the tests inject
into each page) comes from the npm registry like the widget JavaScript
(tools/vendor_js.py: `npm pack`, pinned version, pinned sha512) and is kept in
`_build/test-tools/`, outside `_build/vendor/`, whose contents are published with the site.
"""

import functools
import gzip
import http.server
import importlib.util
import os
import shutil
import socket
import tarfile
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = ROOT / "_build" / "test-tools"

AXE = {
    "name": "axe-core",
    "version": "4.14.1",  # the version /work/shared/tools/measure_site.sh uses
    "integrity": "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium():
    """Debian's Chromium (playwright drives it; no browser is downloaded)."""
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _vendor_js_module():
    spec = importlib.util.spec_from_file_location("vendor_js", ROOT / "tools" / "vendor_js.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def axe_source():
    """The text of axe.min.js at the pinned version, fetched once with npm and checked."""
    out = TEST_TOOLS / f"axe-core-{AXE['version']}"
    script = out / "axe.min.js"
    if not script.is_file():
        vendor_js = _vendor_js_module()
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            tarball = vendor_js.npm_pack(AXE, Path(tmp))  # exits on an integrity mismatch
            with tarfile.open(tarball) as tar:
                tar.extractall(tmp, filter="data")
            for name in ("axe.min.js", "LICENSE"):
                shutil.copyfile(Path(tmp, "package", name), out / name)
    return script.read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


# What static hosts (GitHub Pages, Netlify, nginx's gzip_types) compress; images other than SVG,
# fonts in woff2 and zips are compressed already.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class _GzipHandler(_QuietHandler):
    """Sends text files gzipped to a client that accepts it, as a real host does (http.server never
    does), over HTTP/1.1 connections that stay open between requests (http.server's HTTP/1.0 opens
    one per file, which no host does)."""

    protocol_version = "HTTP/1.1"
    cache = {}

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not ctype.startswith(COMPRESSED_TYPES)
            or not self.path.split("?")[0].endswith(path.name)
        ):
            return super().do_GET()
        key = (path, path.stat().st_mtime_ns)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), 6, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


class SiteServer:
    """The built site over HTTP on 127.0.0.1 and a free port, in a thread (like any static host).

    gzip=True compresses text responses for clients that accept it, as hosts do.
    """

    def __init__(self, directory, gzip=False):
        handler = functools.partial(_GzipHandler if gzip else _QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        with socket.create_connection(("127.0.0.1", self.port), timeout=5):
            pass
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


if __name__ == "__main__":  # serve a built site gzipped, for Lighthouse: python tests/browser_support.py DIR
    import sys
    import time

    with SiteServer(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build" / "html", gzip=True) as running:
        print(running.base, flush=True)
        while True:
            time.sleep(3600)
