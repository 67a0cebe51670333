"""DAISY Ace, the EPUB accessibility checker, finds no violation in the built EPUB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from amnesty_book.publish import build
from conftest import REPO, debian_chromium

pytestmark = pytest.mark.slow

ACE_PACKAGE = "@daisy/ace-cli"
ACE_VERSION = "1.4.6"
ACE_CACHE = REPO / ".cache" / "ace"
NODE_MAJOR = 20  # the oldest Node.js that Ace 1.4 runs on


def _run(command: list[str], env: dict[str, str] | None = None, timeout: int = 900, tries: int = 1) -> None:
    for _ in range(tries):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
        if done.returncode == 0:
            return
    pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def _ace() -> Path:
    """The Ace command line, installed once into .cache/ace (Puppeteer's own browser not fetched)."""
    ace = ACE_CACHE / "node_modules" / ".bin" / "ace-cli"
    installed = ACE_CACHE / "node_modules" / ACE_PACKAGE / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == ACE_VERSION:
        return ace
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("DAISY Ace needs Node.js and npm: install them ('apt-get install nodejs npm')")
    found = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if int(found.lstrip("v").split(".")[0]) < NODE_MAJOR:
        pytest.skip(f"DAISY Ace {ACE_VERSION} needs Node.js {NODE_MAJOR} or newer; this is {found}")
    ACE_CACHE.mkdir(parents=True, exist_ok=True)
    _run(
        [
            npm,
            "install",
            "--prefix",
            str(ACE_CACHE),
            "--save-exact",
            "--no-audit",
            "--no-fund",
            f"{ACE_PACKAGE}@{ACE_VERSION}",
        ],
        {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    return ace


@pytest.fixture(scope="session")
def ace_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ace's report.json on the real book's EPUB: one run for the whole session."""
    chromium, ace = debian_chromium(), _ace()
    (epub,) = build(REPO, tmp_path_factory.mktemp("epub"), editions=["epub"])
    report_dir = tmp_path_factory.mktemp("ace")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(chromium)}
    # Ace drives a headless Chromium, whose start now and then fails on a loaded machine.
    _run([str(ace), "--silent", "--force", "--outdir", str(report_dir), str(epub)], env, 600, tries=2)
    report: dict[str, Any] = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return report


def violations(report: dict[str, Any]) -> list[str]:
    """Every failed check of the report (document by document), as 'impact rule in file: what'."""
    found = []
    for document in report["assertions"]:
        for assertion in document.get("assertions", []):
            test, result = assertion["earl:test"], assertion["earl:result"]
            if result["earl:outcome"] == "fail":
                found.append(
                    f"{test['earl:impact']} {test['dct:title']} in {document['earl:testSubject']['url']}: "
                    f"{result['dct:description']} {result.get('html', '')}"
                )
    return found


def test_ace_finds_no_violation(ace_report: dict[str, Any]) -> None:
    assert violations(ace_report) == []
    assert ace_report["earl:result"]["earl:outcome"] == "pass"
