"""The live preview: in a real headless Chromium, an edit reloads the page and an error shows
over it; over plain sockets, the server answers only this machine and survives its clients."""

from __future__ import annotations

import http.client
import socket
import struct
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from amnesty_book.publish import serve as serve_module
from amnesty_book.publish.serve import serve
from conftest import SmallProject, debian_chromium

# As the machine's notes advise: no sandbox as root, and none of Chromium's own network traffic.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(small_project: SmallProject) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the preview test needs Playwright")
    chromium = debian_chromium()
    server, stop = serve(small_project.root, 0)
    host, port = server.server_address[:2]
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.goto(f"http://{host}:{port}/")
            yield page
            browser.close()
    finally:
        stop.set()
        server.shutdown()


@pytest.mark.slow
def test_edit_reload_and_error(page, small_project: SmallProject) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.locator("main")).to_contain_text("More text.")
    small_project.replace("manuscript/article.md", "More text.", "Edited text.")
    expect(page.locator("main")).to_contain_text("Edited text.", timeout=20_000)

    small_project.replace("manuscript/article.md", "Edited text.", "Edited text.[^missing]")
    problem = page.locator("#amnesty-book-problem")
    expect(problem).to_contain_text(
        "manuscript/article.md:9: note [^missing] is called but never defined", timeout=20_000
    )
    expect(page.locator("main")).to_contain_text("Edited text.")  # the last good version stays

    small_project.replace("manuscript/article.md", "Edited text.[^missing]", "Fixed text.")
    expect(page.locator("main")).to_contain_text("Fixed text.", timeout=20_000)
    expect(problem).to_have_count(0)


# --- the server itself, over plain sockets ------------------------------------------------------

IDLE_TIMEOUT = 1.0  # the server's, made short for these tests


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadingHTTPServer]:
    """The preview of a small book, served once for this module's tests."""
    project = SmallProject(tmp_path_factory.mktemp("serve") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(serve_module, "IDLE_TIMEOUT", IDLE_TIMEOUT)
        server, stop = serve(project.root, 0)
    yield server
    stop.set()
    server.shutdown()
    server.server_close()


def get(server: ThreadingHTTPServer, path: str = "/", host: str | None = None) -> tuple[int, bytes]:
    """The status and body of a GET, its Host header `host` (by default the server's address)."""
    address, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(address), port, timeout=60)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host if host is not None else f"{address}:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_idle_connection_is_closed(server: ThreadingHTTPServer) -> None:
    with socket.create_connection(server.server_address[:2], timeout=10 * IDLE_TIMEOUT) as client:
        start = time.monotonic()
        assert client.recv(1) == b"", "the server closes the connection, sending nothing"
        waited = time.monotonic() - start
    assert IDLE_TIMEOUT * 0.9 <= waited < IDLE_TIMEOUT * 5


def test_many_concurrent_requests_are_all_answered(server: ThreadingHTTPServer) -> None:
    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(lambda _: get(server)[0], range(200)))
    assert answers == [200] * 200


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "127.0.0.1", "[::1]:8000", None])
def test_local_host_is_answered(server: ThreadingHTTPServer, host: str | None) -> None:
    status, body = get(server, host=host)
    assert status == 200 and b"More text." in body


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "localhost.example", ""])
def test_foreign_host_is_refused(
    server: ThreadingHTTPServer, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    status, body = get(server, host=host)
    assert status == 403 and b"More text." not in body
    assert capsys.readouterr().err == f"amnesty-book serve: refused a request for host {host!r}\n"


def test_client_hanging_up_leaves_no_traceback(
    server: ThreadingHTTPServer, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = Path(server.RequestHandlerClass.keywords["directory"])  # type: ignore[attr-defined]
    (folder / "large.bin").write_bytes(bytes(20_000_000))  # more than the sockets' buffers hold
    for _ in range(3):
        with socket.create_connection(server.server_address[:2], timeout=10) as client:
            client.sendall(b"GET /large.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
            client.recv(1000)  # the server is writing
            # Closed with a reset (linger 0), as a browser drops a page it leaves.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.5)  # the server's writes fail
    assert get(server)[0] == 200
    assert "Traceback" not in capfd.readouterr().err
