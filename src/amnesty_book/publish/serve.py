"""Live preview: serves the web edition on 127.0.0.1, rebuilds it on every save, reloads the page.

A build error is shown over the page with its `path:line`, and the last good version stays
underneath until the error is fixed. Only this machine's browsers are answered: a request must
name a local host (a page of another site, its name rebound to 127.0.0.1, is refused), and a
connection idle for IDLE_TIMEOUT seconds is closed.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from watchfiles import watch

from amnesty_book.project.config import load_config
from amnesty_book.project.sources import Project
from amnesty_book.publish import build, select_editions
from amnesty_book.publish.progress import FAST_CHECKS
from amnesty_book.support.cache import CACHE_FOLDER
from amnesty_book.support.errors import BookError

_EDITION = "web"
# A connection that sends nothing for this long is closed, so idle ones hold no thread; an
# open page's event stream is sent a ping more often than this (every 15 s).
IDLE_TIMEOUT = 30.0
# Connections waiting to be accepted: enough for a page loading all its files at once.
_BACKLOG = 128
# The names of this machine a browser may ask for, with or without the port: any other Host is
# a page of another site whose name was rebound to 127.0.0.1 to read the unpublished book.
_LOCAL_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?", re.IGNORECASE)
# How a client that hangs up (a page closed or reloaded mid-response) shows in the server.
_HANG_UPS = (ConnectionError, TimeoutError)
# Named by the served page only, never by the built edition: it listens for rebuilds. A file
# of the page's own origin, which the edition's Content-Security-Policy lets run (no inline script).
_LIVE_SCRIPT_PATH = "/__live.js"
_LIVE_SCRIPT = """(() => {
  const events = new EventSource("/__events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problem", (event) => {
    let box = document.getElementById("amnesty-book-problem");
    if (!box) {
      box = document.createElement("pre");
      box.id = "amnesty-book-problem";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;padding:1em;" +
        "background:#7a1010;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;z-index:9999";
      document.body.append(box);
    }
    box.textContent = JSON.parse(event.data).join("\\n");
  });
})();
"""


class Preview:
    """The preview folder, the last build's outcome, and the pages waiting to hear of the next."""

    def __init__(self, project: Path) -> None:
        self.project = project.resolve()
        self.folder = self.project / CACHE_FOLDER / "preview"
        config = load_config(Project(self.project))
        (web,) = select_editions(config, [_EDITION])
        # Found once: a book.toml broken while editing must not break the page being served.
        self.page_folder = self.folder / web.output_name(config.slug)
        self.problems: list[str] = []
        self.generation = 0
        self.changed = threading.Condition()

    def rebuild(self) -> None:
        try:
            build(self.project, self.folder, [_EDITION], FAST_CHECKS)
            self.problems = []
        except BookError as error:
            self.problems = [str(problem) for problem in error.problems]
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    def has_changed_since(self, generation: int) -> bool:
        return self.generation != generation

    def watch(self, stop: threading.Event) -> None:
        """Rebuilds after each change to the project's sources (not to its outputs or caches)."""
        for _ in watch(self.project, stop_event=stop, watch_filter=self._is_source):
            self.rebuild()

    def _is_source(self, _change: object, path: str) -> bool:
        relative = Path(path).resolve().relative_to(self.project)
        return relative.parts[:1] not in {(".cache",), ("dist",), (".git",), (".venv",)}


class _Handler(SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, format: str, *args: object) -> None:  # the terminal is for the book
        pass

    def parse_request(self) -> bool:
        """Whether the request may be answered: a well-formed one that names a local host."""
        if not super().parse_request():
            return False
        host = self.headers.get("Host", "")
        if _LOCAL_HOST.fullmatch(host):
            return True
        print(f"amnesty-book serve: refused a request for host {host[:80]!r}", file=sys.stderr)
        self.send_error(HTTPStatus.FORBIDDEN, "only this machine's browsers may ask (localhost)")
        return False

    def do_GET(self) -> None:
        if self.path == "/__events":
            self._events()
        elif self.path in {"/", "/index.html"}:
            self._page()
        elif self.path == _LIVE_SCRIPT_PATH:
            self._send(_LIVE_SCRIPT.encode("utf-8"), "text/javascript; charset=utf-8")
        else:
            super().do_GET()

    def send_head(self) -> io.BytesIO | BinaryIO | None:  # for GET and HEAD of the edition's files
        if not _is_file_name(self.translate_path(self.path)):
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed path")
            return None
        return super().send_head()

    def _page(self) -> None:
        page = self.preview.page_folder / "index.html"
        if page.is_file():
            html = page.read_text(encoding="utf-8")
        else:
            html = "<!DOCTYPE html><html><head><title>amnesty-book</title></head><body></body></html>"
        live = f'<script src="{_LIVE_SCRIPT_PATH}"></script>\n</body>'
        self._send(html.replace("</body>", live).encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            for event, data in self._outcomes():
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except _HANG_UPS:
            pass  # the page was closed or reloaded

    def _outcomes(self) -> Iterator[tuple[str, str]]:
        preview = self.preview
        seen = preview.generation
        if preview.problems:
            yield "problem", json.dumps(preview.problems)
        while True:
            with preview.changed:
                preview.changed.wait_for(partial(preview.has_changed_since, seen), timeout=15)
            if preview.generation == seen:
                yield "ping", "{}"  # keeps the connection, and finds a closed page
                continue
            seen = preview.generation
            yield ("problem", json.dumps(preview.problems)) if preview.problems else ("reload", "{}")


class _Server(ThreadingHTTPServer):
    request_queue_size = _BACKLOG
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up is no error of the server's: no traceback for it."""
        if not isinstance(sys.exception(), _HANG_UPS):
            super().handle_error(request, client_address)


def _is_file_name(path: str) -> bool:
    """Whether the file system can take the path at all: with a NUL or a lone surrogate (as
    `%ed%a0%80` decodes) open() raises ValueError, not the OSError that answers 404."""
    try:
        return b"\0" not in os.fsencode(path)
    except UnicodeEncodeError:
        return False


def serve(project: Path, port: int) -> tuple[ThreadingHTTPServer, threading.Event]:
    """Builds the preview, then serves and watches it in background threads; returns the server
    (its address says where) and the event that stops the watching."""
    preview = Preview(project)
    preview.rebuild()
    # The handler's timeout is the socket's, for each read and write of a connection.
    handler = type("Handler", (_Handler,), {"preview": preview, "timeout": IDLE_TIMEOUT})
    server = _Server(("127.0.0.1", port), partial(handler, directory=str(preview.page_folder)))
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    return server, stop
