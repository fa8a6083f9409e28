"""The built site served on 127.0.0.1 as a static host serves it, for the browser tests.

The site is served under the path of its published address (`site_url`), and an address
with no file gets the site's 404.html with status 404, as GitHub Pages does.
"""

from __future__ import annotations

import functools
import posixpath
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse


class _StaticHost(SimpleHTTPRequestHandler):
    prefix = "/"

    def send_head(self):  # noqa: D102 - SimpleHTTPRequestHandler's hook
        path = urlparse(self.path).path
        if path.startswith(self.prefix):
            relative = path[len(self.prefix) :]
            target = Path(self.directory) / relative
            if target.is_file() or (target.is_dir() and (target / "index.html").is_file()):
                return super().send_head()
        page = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
        return None

    def translate_path(self, path: str) -> str:  # noqa: D102
        path = urlparse(path).path
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format: str, *args) -> None:  # noqa: A002, D102 - quiet
        return None


class _Server(ThreadingHTTPServer):
    # The build held this port without listening on it; take it over at once.
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: D102
        # A browser that moved on closes its connection mid-response: nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site_dir: Path, site_url: str) -> Iterator[str]:
    """Serve `site_dir` at `site_url` (an address of 127.0.0.1) and yield that address.

    The port in `site_url` is the one the build reserved (see dlguide_docs.handoff); with
    none, a free port is used and the address yielded says which.
    """
    address = urlparse(site_url)
    if address.hostname != "127.0.0.1":
        raise ValueError(f"site_url must be an address of 127.0.0.1, got {site_url!r}")
    prefix = posixpath.join("/", address.path.strip("/"), "")
    handler = type("Host", (_StaticHost,), {"prefix": prefix})
    server = _Server(
        ("127.0.0.1", address.port or 0), functools.partial(handler, directory=str(site_dir))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
