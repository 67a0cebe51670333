"""The live preview in a real headless Chromium: an edit reloads the page, an error shows over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amnesty_book.publish.serve import serve
from conftest import SmallProject, debian_chromium

pytestmark = pytest.mark.slow

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
