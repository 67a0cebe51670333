"""The project's own look: stylesheets and templates in styles/ change the editions they are for,
count in the incremental build, and stop the build at their `path:line` when they are wrong; and
any font family in four styles can be named."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from amnesty_book.project.config import Edition, load_config
from amnesty_book.project.sources import Project
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.support.errors import BookError
from amnesty_book.theme.project_styles import project_css
from amnesty_book.theme.rendering import render
from conftest import FONT_FILES, SmallProject
from test_bad_input import failed_build, snapshot

EDITIONS = {
    "web": 'kind = "web"',
    "epub": 'kind = "epub"',
    "reader-a4": 'kind = "reader"\npaper = "A4"',
    "press": 'kind = "press"\npaper = "A4"',
}
RED, BLUE, GREEN = (0.78, 0.0, 0.0), (0.0, 0.0, 0.78), (0.0, 0.47, 0.0)  # rgb(200, 0, 0)...
SENTENCE = "Designed and set by the Small Press."
READER = Edition("reader-a4", "reader", "A4")
WEB = Edition("web", "web", None)


def with_editions(project: SmallProject, *names: str) -> SmallProject:
    tables = "".join(f"\n[editions.{name}]\n{EDITIONS[name]}\n" for name in names)
    project.write("book.toml", (project.root / "book.toml").read_text(encoding="utf-8") + tables)
    return project


def put(project: SmallProject, relative: str, text: str) -> None:
    """Writes a file of the project, making its folder."""
    (project.root / relative).parent.mkdir(parents=True, exist_ok=True)
    project.write(relative, text)


def sections_with(line: str) -> str:
    """The packaged sections.j2 with `line` added to the colophon, after its fonts line."""
    packaged = files("amnesty_book.theme").joinpath("templates", "sections.j2").read_text("utf-8")
    fonts_line = next(line for line in packaged.splitlines() if "labels.fonts.format" in line)
    return packaged.replace(fonts_line, f"{fonts_line}\n{line}")


# --- a styled book ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def styled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book with a look of its own for every edition, for the web, for the reader
    edition alone, a colophon of its own, and an image its stylesheet draws; built once."""
    project = with_editions(SmallProject(tmp_path_factory.mktemp("styled") / "project"), *EDITIONS)
    project.write(
        "styles/book.css",
        """\
        /* Every edition: red chapter titles, and a rule drawn from an image of the project. */
        h1 { color: rgb(200, 0, 0); }
        .colophon { background: url("images/rule.png") repeat-x top; }
        """,
    )
    project.write("styles/reader.css", "h2 { color: rgb(0, 0, 200); }\n")
    project.write("styles/html.css", "h2 { color: rgb(0, 120, 0); text-shadow: 0 0 1px #ccc; }\n")
    (project.root / "styles" / "images").mkdir()
    Image.new("RGB", (8, 2), (90, 90, 90)).save(project.root / "styles" / "images" / "rule.png")
    put(project, "styles/templates/sections.j2", sections_with(f"<p>{SENTENCE}</p>"))
    build(project.root)
    return project.root / "dist"


def coloured_text(pdf: Path) -> dict[tuple[float, ...], str]:
    """The PDF's text by the colour it is filled with (rounded to two places), its spaces plain."""
    text: dict[tuple[float, ...], str] = defaultdict(str)
    for page in PdfReader(pdf).pages:
        colours: list[tuple[float, ...]] = [(0.0, 0.0, 0.0)]  # the graphics state's, saved by q

        def operator(op: bytes, args: list[float], cm: object, tm: object, colours: list = colours) -> None:
            if op == b"q":
                colours.append(colours[-1])
            elif op == b"Q" and len(colours) > 1:
                colours.pop()
            elif op == b"rg":
                colours[-1] = tuple(round(float(value), 2) for value in args)

        def shown(content: str, *_: object, colours: list = colours) -> None:
            text[colours[-1]] += content

        page.extract_text(visitor_operand_before=operator, visitor_text=shown)
    return {colour: " ".join(content.split()) for colour, content in text.items()}


@pytest.mark.slow
def test_project_css_colours_the_pdf_of_its_editions(styled: Path) -> None:
    reader, press = coloured_text(styled / "small-reader-a4.pdf"), coloured_text(styled / "small-press.pdf")
    assert "A small chapter" in reader[RED], "book.css reaches every edition"
    assert "A small chapter" in press[RED]
    assert "A section" in reader[BLUE], "reader.css reaches the reader edition"
    assert "A section" not in press.get(BLUE, ""), "and no other"
    assert GREEN not in reader, "html.css is the web edition's only"


@pytest.mark.slow
def test_project_css_follows_the_packaged_css_on_the_web(styled: Path) -> None:
    web = styled / "small-web"
    css = (web / "style.css").read_text(encoding="utf-8")
    packaged = files("amnesty_book.theme").joinpath("css", "screen.css").read_text("utf-8")
    book_css, html_css = css.index("h1 { color: rgb(200, 0, 0); }"), css.index("h2 { color: rgb(0, 120, 0)")
    assert css.index(packaged) < book_css < html_css, "book.css, then html.css, after the packaged sheets"
    assert "rgb(0, 0, 200)" not in css, "reader.css is not the web edition's"
    # The image the stylesheet draws is the edition's own, named from its stylesheet.
    assert 'url("styles/images/rule.png")' in css
    rule = styled.parent / "styles" / "images" / "rule.png"
    assert (web / "styles" / "images" / "rule.png").read_bytes() == rule.read_bytes()


@pytest.mark.slow
def test_project_css_and_its_image_are_in_the_epub(styled: Path) -> None:
    with zipfile.ZipFile(styled / "small.epub") as epub:
        css = epub.read("EPUB/styles/book.css").decode("utf-8")
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        image = epub.read("EPUB/styles/images/rule.png")
    assert "h1 { color: rgb(200, 0, 0); }" in css
    assert "rgb(0, 120, 0)" not in css and "rgb(0, 0, 200)" not in css, "html.css and reader.css stay out"
    assert 'url("images/rule.png")' in css, "named from the stylesheet, which stands in styles/"
    assert image == (styled.parent / "styles" / "images" / "rule.png").read_bytes()
    assert opf.xpath("//*[@href='styles/images/rule.png']/@media-type") == ["image/png"]


@pytest.mark.slow
def test_a_project_template_shows_in_every_edition(styled: Path) -> None:
    assert SENTENCE in (styled / "small-web" / "index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(styled / "small.epub") as epub:
        assert SENTENCE in epub.read("EPUB/colophon.xhtml").decode("utf-8")
    for pdf in ("small-reader-a4.pdf", "small-press.pdf"):
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(styled / pdf).pages)
        assert SENTENCE in text, pdf


def test_templates_are_each_projects_own(tmp_path: Path) -> None:
    """Two projects in one process (the preview, the tests): one's templates never reach the other."""
    own = SmallProject(tmp_path / "own")
    put(own, "styles/templates/sections.j2", sections_with(f"<p>{SENTENCE}</p>"))
    plain = SmallProject(tmp_path / "plain")

    def page(root: Path) -> str:
        return render("book.html.j2", load_book(root), WEB, "html", str, lambda plate: "", [])

    assert SENTENCE in page(own.root)
    assert SENTENCE not in page(plain.root)


# --- the incremental build --------------------------------------------------------------


def test_a_changed_style_file_rebuilds_and_nothing_else_does(small_project: SmallProject) -> None:
    project = with_editions(small_project, "web")
    project.write("styles/book.css", "h1 { color: rgb(200, 0, 0); }\n")
    assert [path.name for path in build(project.root)] == ["small-web"]
    assert build(project.root) == [], "nothing changed: nothing is built"
    (project.root / "styles" / ".book.css.swp").write_bytes(b"an editor's")
    assert build(project.root) == [], "an editor's hidden file is no style"
    project.write("styles/book.css", "h1 { color: rgb(0, 0, 200); }\n")
    assert [path.name for path in build(project.root)] == ["small-web"]
    assert "rgb(0, 0, 200)" in (project.root / "dist" / "small-web" / "style.css").read_text(encoding="utf-8")
    (project.root / "styles" / "book.css").rename(project.root / "styles" / "html.css")
    assert [path.name for path in build(project.root)] == ["small-web"], "a sheet's name counts"
    put(project, "styles/templates/sections.j2", sections_with(f"<p>{SENTENCE}</p>"))
    assert [path.name for path in build(project.root)] == ["small-web"], "a template counts"
    assert build(project.root) == []


# --- mistakes, each at its path:line ------------------------------------------------------


def cli_build(project: SmallProject) -> subprocess.CompletedProcess[str]:
    """`python -m amnesty_book build` on a project whose dist/ holds a previous build, which
    must fail and leave dist/ as it was."""
    dist = project.root / "dist"
    dist.mkdir(exist_ok=True)
    (dist / "small.pdf").write_bytes(b"previous good build")
    before = snapshot(dist)
    done = subprocess.run(
        [sys.executable, "-m", "amnesty_book", "build", "--project", str(project.root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    assert snapshot(dist) == before
    return done


@pytest.mark.slow
@pytest.mark.parametrize(
    ("css", "problem"),
    [
        (
            "h1 {\n  color: red;\n  font-size 2em;\n}\n",
            "styles/book.css:3: CSS syntax error (Stop token reached before {} block for a qualified "
            "rule); write each declaration as 'property: value;'",
        ),
        (
            "p { margin: 0 }\nh1 { colr: rgb(200, 0, 0) }\n",
            "styles/book.css:2: unknown property 'colr'; check its spelling",
        ),
    ],
    ids=["syntax", "unknown property"],
)
def test_a_css_mistake_stops_the_build_at_its_line(
    small_project: SmallProject, css: str, problem: str
) -> None:
    project = with_editions(small_project, "web", "reader-a4")
    project.write("styles/book.css", css)
    assert cli_build(project).stderr.splitlines() == [
        problem,
        "amnesty-book: build failed (1 problem(s)); the output folder was not changed",
    ]


def problems(root: Path, edition: Edition) -> list[str]:
    """The problems of the project's stylesheets for one edition (none: an empty list)."""
    try:
        project_css(root, edition, str)
    except BookError as error:
        return [str(problem) for problem in error.problems]
    return []


def test_each_sheet_is_read_as_its_editions_read_it(small_project: SmallProject) -> None:
    """Screens take any property CSS knows; WeasyPrint, which makes the PDF editions, fewer."""
    small_project.write(
        "styles/book.css",
        """\
        h1 { text-shadow: 0 0 1px #ccc; transition: color 1s; -webkit-font-smoothing: auto; --accent: red; }
        h2 { font-size: bigger; }
        a::selection { color: red; }
        @media (max-width: 40em) { p { margin: 0; } }
        @media screen { p { text-shadow: none; } }
        @supports (display: grid) { p { display: grid; } }
        @page { @top-centre { content: "x"; } }
        """,
    )
    assert problems(small_project.root, WEB) == []
    assert problems(small_project.root, READER) == [
        "styles/book.css:1: WeasyPrint, which makes the PDF editions, does not support 'text-shadow'; "
        "put the rule in html.css or epub.css",
        "styles/book.css:2: 'font-size: bigger' cannot be used in the PDF editions (invalid value); "
        "fix the value",
        "styles/book.css:3: the PDF editions cannot use the selector 'a::selection' (unknown pseudo-element "
        "::selection); fix it, or put the rule in html.css or epub.css",
        "styles/book.css:4: the PDF editions read only media types (print, screen, all) in @media, not "
        "'(max-width: 40em)'; put the rule in html.css or epub.css",
        "styles/book.css:6: WeasyPrint, which makes the PDF editions, does not read @supports; put the rule "
        "in html.css or epub.css",
        "styles/book.css:7: unknown page-margin box '@top-centre'; check its spelling",
    ]


def test_a_stylesheet_reads_files_of_styles_only(small_project: SmallProject) -> None:
    root = small_project.root
    (root / "styles" / "fonts" / "My Face.otf").write_bytes(b"a face")
    small_project.write(
        "styles/html.css",
        """\
        @font-face { font-family: "Heading"; src: url("fonts/CharisSIL-Bold.ttf"); }
        @import url("more.css");
        h1 { background: url(https://example.org/a.png); }
        h2 { background: url("data:image/png;base64,AAAA"); }
        h3 { background: url(../images/one.jpg); }
        h4 { background: url(images/none.png); }
        h5 { background: url(../book.toml); }
        h6 { background: url("fonts/My Face.otf"); }
        """,
    )
    small_project.write("styles/web.css", "h1 { color: red }\n")
    assert problems(root, WEB) == [
        "styles/web.css: no edition reads web.css; the stylesheets are book.css, html.css, epub.css, "
        "pdf.css, reader.css, press.css, handout.css, archive.css",
        "styles/html.css:2: @import is not read; write the rules in html.css itself",
        "styles/html.css:3: url('https://example.org/a.png') must name a file in the styles folder by its "
        "path from there, like url('fonts/Face.otf'); nothing else is read",
        "styles/html.css:4: url('data:image/png;base64,AAAA') must name a file in the styles folder by its "
        "path from there, like url('fonts/Face.otf'); nothing else is read",
        "styles/html.css:5: url('../images/one.jpg') is outside the styles folder; copy the file into it",
        "styles/html.css:6: url('images/none.png'): there is no file styles/images/none.png; check the name",
        "styles/html.css:7: url('../book.toml') is outside the styles folder; copy the file into it",
        "styles/html.css:8: url('fonts/My Face.otf'): a file a stylesheet uses is named with letters, "
        "digits, '-', '_' and '.' only; rename it",
    ]
    (root / "styles" / "web.css").unlink()
    small_project.write(
        "styles/html.css", '@font-face { font-family: "H"; src: url("fonts/CharisSIL-Bold.ttf"); }\n'
    )
    styles = project_css(root, WEB, lambda name: f"styles/{name}")
    assert styles.assets == {"fonts/CharisSIL-Bold.ttf": (root / "styles/fonts/CharisSIL-Bold.ttf").resolve()}
    assert 'src: url("styles/fonts/CharisSIL-Bold.ttf")' in styles.text


def test_a_template_mistake_stops_the_build_at_its_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    project = with_editions(small_project, "web")
    template = sections_with("<p>{% if book.config.title %}Designed</p>")
    put(project, "styles/templates/sections.j2", template)
    end = template.splitlines().index(
        "{%- endmacro %}", template.splitlines().index("<p>{% if book.config.title %}Designed</p>")
    )
    assert failed_build(project, capsys).splitlines()[0] == (
        f"styles/templates/sections.j2:{end + 1}: Encountered unknown tag 'endmacro'. You probably made a "
        "nesting mistake. Jinja is expecting this tag, but currently looking for 'elif' or 'else' or "
        "'endif'. The innermost block that needs to be closed is 'if'; fix the template"
    )
    template = sections_with("<p>{{ book.publisher_name }}</p>")
    put(project, "styles/templates/sections.j2", template)
    line = template.splitlines().index("<p>{{ book.publisher_name }}</p>") + 1
    assert failed_build(project, capsys).splitlines()[0] == (
        f"styles/templates/sections.j2:{line}: 'amnesty_book.model.Book object' has no attribute "
        "'publisher_name'; fix the template"
    )
    # A template that does not fit the builder's (it lacks the macros the builder's import).
    (project.root / "styles" / "templates" / "sections.j2").unlink()
    project.write("styles/templates/macros.j2", "{% macro inline(parts) %}{% endmacro %}\n")
    problem = failed_build(project, capsys).splitlines()[0]
    assert problem.startswith("styles/templates: the template 'macros.j2' ")
    assert problem.endswith("does not export the requested name 'page_markers'; fix the template")


# --- any font family ---------------------------------------------------------------------

FAMILY = "Test Serif Pro"
STYLE_NAMES = {"Regular": "Regular", "Italic": "Italic", "Bold": "Bold", "BoldItalic": "Bold Italic"}
# Enough of Charis SIL for the small book in English: Latin-1 and the typographer's punctuation.
CHARACTERS = "".join(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2027), 0x2212]))


def otf_face(charis: Path, style: str, target: Path) -> None:
    """A CFF-flavoured OpenType face of another family, made from a Charis SIL face (the OFL
    lets a renamed modification be made)."""
    font = TTFont(charis)
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    cut = subset.Subsetter(options)
    cut.populate(text=CHARACTERS)
    cut.subset(font)
    glyphs = font.getGlyphSet()
    outlines = {}
    for name in font.getGlyphOrder():
        pen = T2CharStringPen(glyphs[name].width, glyphs)
        glyphs[name].draw(pen)
        outlines[name] = pen.getCharString()
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    made = FontBuilder(font["head"].unitsPerEm, isTTF=False)
    made.setupGlyphOrder(font.getGlyphOrder())
    made.setupCharacterMap(font.getBestCmap())
    made.setupCFF(postscript, {"FullName": f"{FAMILY} {STYLE_NAMES[style]}"}, outlines, {})
    made.setupHorizontalMetrics({name: font["hmtx"][name] for name in font.getGlyphOrder()})
    made.setupHorizontalHeader(ascent=font["hhea"].ascent, descent=font["hhea"].descent)
    made.setupNameTable({"familyName": FAMILY, "styleName": STYLE_NAMES[style], "psName": postscript})
    made.setupOS2(usWeightClass=font["OS/2"].usWeightClass)
    made.setupPost()
    made.save(target)


@pytest.fixture(scope="module")
def other_family(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book set in an OpenType (CFF) family whose name, folder and files have spaces."""
    project = with_editions(
        SmallProject(tmp_path_factory.mktemp("family") / "project"), "web", "epub", "reader-a4"
    )
    folder = project.root / "styles" / "test serif"
    folder.mkdir()
    charis = {font.stem.removeprefix("CharisSIL-"): font for font in FONT_FILES}
    for style, name in STYLE_NAMES.items():
        otf_face(charis[style], style, folder / f"{FAMILY} {name}.otf")
    project.replace(
        "book.toml",
        "[book]",
        f"""[fonts]
family = "{FAMILY}"
regular = "styles/test serif/{FAMILY} Regular.otf"
italic = "styles/test serif/{FAMILY} Italic.otf"
bold = "styles/test serif/{FAMILY} Bold.otf"
bold_italic = "styles/test serif/{FAMILY} Bold Italic.otf"
licence = "SIL Open Font License 1.1"

[book]""",
    )
    build(project.root)
    return project.root / "dist"


@pytest.mark.slow
def test_another_family_is_embedded_in_the_pdf(other_family: Path) -> None:
    reader = PdfReader(other_family / "small-reader-a4.pdf")
    embedded = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"]
            embedded[str(font.get_object()["/BaseFont"]).split("+")[-1]] = "/FontFile3" in descriptor
    assert embedded == {"Test-Serif-Pro": True, "Test-Serif-Pro-Italic": True, "Test-Serif-Pro-Bold": True}


@pytest.mark.slow
def test_another_family_is_embedded_in_the_epub_and_on_the_web(other_family: Path) -> None:
    names = [f"Test-Serif-Pro-{name.replace(' ', '-')}.otf" for name in STYLE_NAMES.values()]
    with zipfile.ZipFile(other_family / "small.epub") as epub:
        css = epub.read("EPUB/styles/book.css").decode("utf-8")
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        faces = {name: epub.read(f"EPUB/fonts/{name}") for name in names}
        colophon = epub.read("EPUB/colophon.xhtml").decode("utf-8")
    # An EPUB's file names are URLs: the spaces of the files' names are gone.
    for name, face in faces.items():
        assert face.startswith(b"OTTO"), f"{name} is CFF-flavoured OpenType"
        assert opf.xpath(f"//*[@href='fonts/{name}']/@media-type") == ["font/otf"]
        assert f'font-family: "{FAMILY}"; font-style: ' in css and f'url("../fonts/{name}")' in css
    assert f"Set in {FAMILY}" in colophon
    assert sorted(path.name for path in (other_family / "small-web" / "fonts").iterdir()) == sorted(names)
    assert re.search(rf'body {{ font-family: "{FAMILY}", serif; }}', css)


def test_a_woff_face_is_refused_at_its_line(small_project: SmallProject) -> None:
    small_project.replace(
        "book.toml",
        "[book]",
        '[fonts]\nfamily = "X"\nregular = "x.woff2"\nitalic = "x-i.otf"\nbold = "x-b.otf"\n'
        'bold_italic = "x-bi.otf"\n\n[book]',
    )
    with pytest.raises(BookError) as refused:
        load_config(Project(small_project.root))
    assert [str(problem) for problem in refused.value.problems] == [
        "book.toml:3: font 'x.woff2' is packed for browsers (WOFF); "
        "name the .ttf or .otf file it was made from"
    ]
