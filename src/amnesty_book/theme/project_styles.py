"""The project's own look in styles/: its stylesheets and templates, checked like every other source."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tinycss2
from tinycss2.ast import Node, StringToken, URLToken

from amnesty_book.project.config import Edition
from amnesty_book.project.edition_kinds import FORMATS, KINDS
from amnesty_book.project.source_files import STYLES
from amnesty_book.project.sources import Project
from amnesty_book.support.errors import Problems

TEMPLATES = "templates"  # inside styles/
# The project's stylesheets, in the order they follow the packaged ones: every edition's, then
# its format's, then its kind's (for the paged kinds: a web or EPUB edition's kind is its format).
SHEETS = ("book.css", *(f"{format}.css" for format in FORMATS))
SHEETS += tuple(f"{kind.name}.css" for kind in KINDS.values() if kind.papers)
# What a project stylesheet's url() may name, with its media type in the EPUB.
ASSET_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}
# An asset's name under styles/ is a URL in the web edition and the EPUB as it stands.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
_SCREEN_ONLY = "put the rule in html.css or epub.css"
# The functions that name a file, and so make a browser, a reading system or WeasyPrint fetch
# it (with their vendor forms, -webkit-image-set...): those that take one URL, those whose
# strings are URLs; and those that may hand them a URL from elsewhere.
_ONE_URL = frozenset({"url", "src"})
_IMAGE_FUNCTIONS = frozenset({"image-set", "image", "cross-fade"})
_DYNAMIC = frozenset({"var", "env", "attr"})
_VENDOR_PREFIX = re.compile(r"^-[a-z0-9]+-")


def sheet_names(edition: Edition) -> tuple[str, ...]:
    """The names of the project stylesheets an edition reads (where they exist), in order."""
    own = (f"{edition.kind}.css",) if edition.paged else ()
    return ("book.css", f"{edition.format}.css", *own)


@dataclass(frozen=True)
class ProjectCss:
    """The project's stylesheets for one edition, and the files their url()s name."""

    text: str
    assets: dict[str, Path]  # name under styles/ -> the file


def project_css(root: Path, edition: Edition, asset_url: Callable[[str], str]) -> ProjectCss:
    """The project stylesheets the edition reads, one after the other, each url() made
    `asset_url(name)` for its file's name under styles/.

    Each is checked as the edition's renderer reads it (WeasyPrint for the paged editions, a
    browser or reading system for the others); whatever is wrong stops the build, each problem
    with its `path:line`."""
    project = Project(root)
    folder = root / STYLES
    problems = Problems()
    for path in sorted(folder.glob("*.css")):
        if path.name not in SHEETS:
            problems.add(
                project.location(path),
                f"no edition reads {path.name}; the stylesheets are {', '.join(SHEETS)}",
            )
    parts, assets = [], {}
    for name in sheet_names(edition):
        if not (folder / name).exists():
            continue
        path = project.resolve(f"{STYLES}/{name}", None, "stylesheet")
        text = project.read_text(path)
        check = _SheetCheck(project, path, problems)
        check.rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), edition.paged)
        tokens = tinycss2.parse_component_value_list(text)
        check.named_files(tokens)
        assets.update(check.assets.values())
        parts.append(f"\n/* {STYLES}/{name} */\n{check.with_assets(text, tokens, asset_url)}")
    problems.raise_if_any()
    return ProjectCss("".join(parts), assets)


class _SheetCheck:
    """Walks one stylesheet's rules, collecting its problems and the files its url()s name.

    A paged edition's rules are read as WeasyPrint reads them, and asked of its own validators:
    whatever it would pass over with a warning is a problem. Rules for other media, and the
    stylesheets of the web edition and the EPUB, need only name properties that CSS knows."""

    def __init__(self, project: Project, path: Path, problems: Problems) -> None:
        self.project, self.path, self.problems = project, path, problems
        self.folder = (project.root / STYLES).resolve()
        self.base_url = f"{self.folder.as_uri()}/"
        self.assets: dict[str, tuple[str, Path]] = {}  # url as written -> (name under styles/, file)
        self.places: list[tuple[list[Node], int, str]] = []  # where each asset is named: tokens, index, url

    def problem(self, node: Any, message: str) -> None:
        self.problems.add(self.project.location(self.path, node.source_line), message)

    def syntax(self, error: Any, hint: str = "fix it") -> None:
        self.problem(error, f"CSS syntax error ({error.message.rstrip('.')}); {hint}")

    def rules(self, rules: Iterable[Any], paged: bool) -> None:
        """A list of rules; `paged`: as WeasyPrint reads them (they apply to print)."""
        for rule in rules:
            if rule.type == "error":
                self.syntax(rule)
            elif rule.type == "qualified-rule":
                if paged and (reason := _selector_problem(rule.prelude)):
                    self.problem(
                        rule,
                        f"the PDF editions cannot use the selector '{_text(rule.prelude)}' "
                        f"({reason}); fix it, or {_SCREEN_ONLY}",
                    )
                self.declarations(rule.content, paged)
            elif rule.type == "at-rule":
                self.at_rule(rule, paged)

    def at_rule(self, rule: Any, paged: bool) -> None:
        from_print = _print_at_rule_problem(rule) if paged else None
        keyword = rule.lower_at_keyword
        if from_print:
            self.problem(rule, from_print)
        elif keyword == "page":
            self.declarations(rule.content or [], paged, margin_boxes=True)
        elif keyword == "font-face":
            self.font_face(rule, paged)
        elif rule.content is not None and keyword in ("media", "supports", "layer", "container", "scope"):
            self.rules(_rule_list(rule.content), paged and (keyword != "media" or _for_print(rule.prelude)))

    def declarations(self, content: list[Any], paged: bool, margin_boxes: bool = False) -> None:
        for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
            if item.type == "error":
                self.syntax(item, "write each declaration as 'property: value;'")
            elif item.type == "qualified-rule":  # nested
                self.declarations(item.content, paged)
            elif item.type == "at-rule" and margin_boxes:
                if paged and (reason := _margin_box_problem(item)):
                    self.problem(item, reason)
                self.declarations(item.content or [], paged)
            elif item.type == "declaration" and self.values(item.value):
                reason = (
                    _print_property_problem(item, self.base_url)
                    if paged
                    else _unknown_property(item.lower_name)
                )
                if reason:
                    self.problem(item, reason)

    def font_face(self, rule: Any, paged: bool) -> None:
        declarations = [
            item
            for item in tinycss2.parse_blocks_contents(
                rule.content or [], skip_comments=True, skip_whitespace=True
            )
            if item.type == "declaration"
        ]
        if not {"font-family", "src"} <= {item.lower_name for item in declarations}:
            self.problem(rule, "@font-face needs both 'font-family' and 'src'; add the one missing")
        for item in declarations:
            if (
                self.values(item.value)
                and paged
                and (reason := _print_descriptor_problem(item, self.base_url))
            ):
                self.problem(item, reason)

    def values(self, tokens: Iterable[Any]) -> bool:
        """Whether a declaration's value is free of syntax errors (each reported): a value that
        is not even CSS is not checked further."""
        clean = True
        for token in _flattened(tokens):
            if token.type == "error":
                self.syntax(token)
                clean = False
        return clean

    def named_files(self, nodes: list[Node]) -> None:
        """Every file the sheet names, wherever it stands (any rule, at-rule, prelude or value,
        since any may make a reader fetch it): url(), src(), the strings of the image functions
        and their vendor forms; @import is not read at all."""
        in_import = False  # what follows @import, up to its ';', is refused with it
        for index, token in enumerate(nodes):
            if token.type == "at-keyword" and token.lower_value == "import":
                self.problem(token, f"@import is not read; write the rules in {self.path.name} itself")
                in_import = True
            elif in_import:
                in_import = token != ";"
                continue
            elif token.type == "url":
                self.url(token, "url", str(token.value), (nodes, index))
            elif token.type == "function":
                self.function(token)
                continue  # its arguments are walked by function()
            self.named_files(_inside(token))

    def function(self, token: Any) -> None:
        name = _VENDOR_PREFIX.sub("", token.lower_name)
        arguments = [each for each in token.arguments if each.type not in ("whitespace", "comment")]
        if name in _ONE_URL:
            if len(arguments) == 1 and arguments[0].type == "string":
                self.url(token, token.lower_name, str(arguments[0].value), _place(token, arguments[0]))
            else:
                self.problem(
                    token, f"{token.lower_name}() names one file by its path, as a string alone; write it so"
                )
            return
        if name in _IMAGE_FUNCTIONS:
            if any(_VENDOR_PREFIX.sub("", each.lower_name) in _DYNAMIC for each in _functions(arguments)):
                self.problem(
                    token,
                    f"{token.lower_name}() may name files only by their paths, not by var(), env() or "
                    "attr(), which may hold a URL; write the path",
                )
            for each in arguments:
                if each.type == "string":  # image-set("a.png" 1x), image("a.png")
                    self.url(each, token.lower_name, str(each.value), _place(token, each))
        self.named_files(token.arguments)

    def url(self, token: Any, function: str, url: str, place: tuple[list[Node], int]) -> None:
        """A file named by `function` (url, image-set, ...): a font or an image of styles/."""
        parts = urlsplit(url)
        shown = f"{function}('{url}')"
        if not url or parts.scheme or parts.netloc or parts.query or parts.fragment or url.startswith("/"):
            self.problem(
                token,
                f"{shown} must name a file in the {STYLES} folder by its path from there, "
                "like url('fonts/Face.otf'); nothing else is read",
            )
            return
        real = (self.folder / url).resolve()
        if not real.is_relative_to(self.folder):
            self.problem(token, f"{shown} is outside the {STYLES} folder; copy the file into it")
        elif not real.is_file():
            self.problem(token, f"{shown}: there is no file {STYLES}/{url}; check the name")
        elif real.suffix.lower() not in ASSET_TYPES:
            self.problem(
                token, f"{shown}: a stylesheet may use only fonts and images ({' '.join(ASSET_TYPES)})"
            )
        elif not _SAFE_NAME.fullmatch(name := real.relative_to(self.folder).as_posix()):
            self.problem(
                token,
                f"{shown}: a file a stylesheet uses is named with letters, digits, "
                "'-', '_' and '.' only; rename it",
            )
        else:
            self.assets[url] = (name, real)
            self.places.append((*place, url))

    def with_assets(self, text: str, tokens: list[Node], asset_url: Callable[[str], str]) -> str:
        """The sheet with each file it names named `asset_url(its name under styles/)`."""
        if not self.places:
            return text
        for nodes, index, url in self.places:
            token, new = nodes[index], asset_url(self.assets[url][0])
            line, column = token.source_line, token.source_column
            nodes[index] = (
                URLToken(line, column, new, f'url("{new}")')
                if token.type == "url"
                else StringToken(line, column, new, f'"{new}"')
            )
        return tinycss2.serialize(tokens)


# --- what WeasyPrint reads (imported only by the editions it makes: half a second) --------


def _selector_problem(prelude: list[Any]) -> str | None:
    import cssselect2
    from weasyprint.css import PSEUDO_ELEMENTS

    try:
        selectors = cssselect2.compile_selector_list(prelude)
    except cssselect2.SelectorError as error:
        return str(error.args[-1]) if error.args else "not a selector"
    # WeasyPrint passes over another engine's prefixed pseudo-elements, as browsers do.
    unknown = [s.pseudo_element for s in selectors if s.pseudo_element not in PSEUDO_ELEMENTS]
    return f"unknown pseudo-element ::{unknown[0]}" if unknown and not unknown[0].startswith("-") else None


def _for_print(prelude: list[Any]) -> bool:
    from weasyprint.css.media_queries import evaluate_media_query, parse_media_query

    return bool(evaluate_media_query(parse_media_query(prelude), "print"))


def _print_at_rule_problem(rule: Any) -> str | None:
    from weasyprint.css import parse_page_selectors
    from weasyprint.css.media_queries import parse_media_query

    keyword = rule.lower_at_keyword
    if keyword == "media" and parse_media_query(rule.prelude) is None:
        return (
            "the PDF editions read only media types (print, screen, all) in @media, "
            f"not '{_text(rule.prelude)}'; {_SCREEN_ONLY}"
        )
    if keyword == "page" and parse_page_selectors(rule) is None:
        return f"the PDF editions cannot use the page selector '{_text(rule.prelude)}'; fix it"
    if keyword not in ("import", "media", "page", "font-face", "layer", "counter-style", "color-profile"):
        return f"WeasyPrint, which makes the PDF editions, does not read @{keyword}; {_SCREEN_ONLY}"
    return None


def _margin_box_problem(rule: Any) -> str | None:
    from weasyprint.css import PAGE_MARGIN_BOXES

    if rule.lower_at_keyword in PAGE_MARGIN_BOXES:
        return None
    return f"unknown page-margin box '@{rule.at_keyword}'; check its spelling"


def _print_property_problem(declaration: Any, base_url: str) -> str | None:
    from weasyprint.css.properties import KNOWN_PROPERTIES
    from weasyprint.css.validation import NOT_PRINT_MEDIA
    from weasyprint.css.validation.expanders import EXPANDERS
    from weasyprint.css.validation.properties import PREFIX, PROPRIETARY, validate_non_shorthand

    name = declaration.lower_name
    if name.startswith("--") or name in NOT_PRINT_MEDIA:  # custom; or for screens only, and passed over
        return None
    if name.startswith(PREFIX):
        if name.removeprefix(PREFIX) not in PROPRIETARY:
            return f"write '{name.removeprefix(PREFIX)}' without the prefix {PREFIX}"
        name = name.removeprefix(PREFIX)
    elif name.startswith("-"):  # another engine's prefix: WeasyPrint passes over it
        return None
    if name not in KNOWN_PROPERTIES and name not in EXPANDERS:
        if name in CSS_PROPERTIES:
            return f"WeasyPrint, which makes the PDF editions, does not support '{name}'; {_SCREEN_ONLY}"
        return _unknown_property(name)
    validator = EXPANDERS.get(name, validate_non_shorthand)
    return _invalid_value(declaration, lambda tokens: list(validator(tokens, name, base_url)))


def _print_descriptor_problem(declaration: Any, base_url: str) -> str | None:
    from weasyprint.css.validation.descriptors import DESCRIPTORS, NOT_PRINT_MEDIA

    name = declaration.lower_name
    if name in NOT_PRINT_MEDIA:
        return None
    if name not in DESCRIPTORS["font-face"]:
        return f"unknown @font-face descriptor '{name}'; check its spelling"
    function = DESCRIPTORS["font-face"][name]
    return _invalid_value(
        declaration,
        lambda tokens: function(tokens, base_url) if function.wants_base_url else function(tokens),
    )


def _invalid_value(declaration: Any, validate: Callable[[list[Any]], object]) -> str | None:
    """WeasyPrint's reason to pass over the declaration's value, as a problem; None if it takes it."""
    from weasyprint.css.tokens import InvalidValues, remove_whitespace

    tokens = remove_whitespace(declaration.value)
    try:
        if not tokens or validate(tokens) is None:
            raise InvalidValues("no value" if not tokens else None)
    except InvalidValues as error:
        reason = error.args[0] if error.args and error.args[0] else "invalid value"
        return (
            f"'{declaration.name}: {_text(declaration.value)}' cannot be used in the PDF editions "
            f"({reason}); fix the value"
        )
    return None


def _unknown_property(name: str) -> str | None:
    """The problem of a property no browser knows (a custom or vendor-prefixed one is let be)."""
    if name.startswith("-") or name in CSS_PROPERTIES:
        return None
    return f"unknown property '{name}'; check its spelling"


def _text(tokens: Iterable[Node]) -> str:
    return " ".join(tinycss2.serialize(tokens).split())


def _rule_list(content: list[Node]) -> list[Node]:
    return tinycss2.parse_rule_list(content, skip_comments=True, skip_whitespace=True)


def _inside(token: Node) -> list[Node]:
    """The tokens inside a function or a block."""
    inner = getattr(token, "arguments" if token.type == "function" else "content", None)
    return inner if isinstance(inner, list) else []


def _flattened(tokens: Iterable[Node]) -> Iterator[Node]:
    """Every token, those inside functions and blocks too."""
    for token in tokens:
        yield token
        yield from _flattened(_inside(token))


def _place(function: Any, argument: Node) -> tuple[list[Node], int]:
    """Where a function's argument stands among its tokens."""
    return function.arguments, next(i for i, each in enumerate(function.arguments) if each is argument)


def _functions(tokens: Iterable[Node]) -> Iterator[Any]:
    return (token for token in _flattened(tokens) if token.type == "function")


# --- templates ----------------------------------------------------------------------------


def templates_folder(root: Path) -> Path | None:
    """The project's templates folder (styles/templates), if it has one."""
    folder = root / STYLES / TEMPLATES
    return folder if folder.is_dir() else None


# --- the properties CSS knows -------------------------------------------------------------

# Every property a browser or WeasyPrint knows: those of MDN's mdn-data 2.37.2
# (css/properties.json, CC0) and of WeasyPrint 70 (paged and aural media). Vendor-prefixed and
# custom properties are not listed: any is let be.
_CSS_PROPERTY_NAMES = """
    accent-color align-content align-items align-self align-tracks alignment-baseline all anchor anchor-name
    anchor-scope animation animation-composition animation-delay animation-direction animation-duration
    animation-fill-mode animation-iteration-count animation-name animation-play-state animation-range
    animation-range-end animation-range-start animation-timeline animation-timing-function animation-trigger
    appearance aspect-ratio azimuth backdrop-filter backface-visibility background background-attachment
    background-blend-mode background-clip background-color background-image background-origin
    background-position background-position-x background-position-y background-repeat background-size
    baseline-shift baseline-source bleed bleed-bottom bleed-left bleed-right bleed-top block-ellipsis
    block-size bookmark-label bookmark-level bookmark-state border border-block border-block-color
    border-block-end border-block-end-color border-block-end-style border-block-end-width border-block-start
    border-block-start-color border-block-start-style border-block-start-width border-block-style
    border-block-width border-bottom border-bottom-color border-bottom-left-radius
    border-bottom-right-radius border-bottom-style border-bottom-width border-collapse border-color
    border-end-end-radius border-end-start-radius border-image border-image-outset border-image-repeat
    border-image-slice border-image-source border-image-width border-inline border-inline-color
    border-inline-end border-inline-end-color border-inline-end-style border-inline-end-width
    border-inline-start border-inline-start-color border-inline-start-style border-inline-start-width
    border-inline-style border-inline-width border-left border-left-color border-left-style
    border-left-width border-radius border-right border-right-color border-right-style border-right-width
    border-shape border-spacing border-start-end-radius border-start-start-radius border-style border-top
    border-top-color border-top-left-radius border-top-right-radius border-top-style border-top-width
    border-width bottom box-align box-decoration-break box-direction box-flex box-flex-group box-lines
    box-ordinal-group box-orient box-pack box-shadow box-sizing break-after break-before break-inside
    caption-side caret caret-animation caret-color caret-shape clear clip clip-path clip-rule color
    color-interpolation-filters color-scheme column-count column-fill column-gap column-height column-rule
    column-rule-color column-rule-style column-rule-width column-span column-width column-wrap columns
    contain contain-intrinsic-block-size contain-intrinsic-height contain-intrinsic-inline-size
    contain-intrinsic-size contain-intrinsic-width container container-name container-type content
    content-visibility continue corner-block-end-shape corner-block-start-shape corner-bottom-left-shape
    corner-bottom-right-shape corner-bottom-shape corner-end-end-shape corner-end-start-shape
    corner-inline-end-shape corner-inline-start-shape corner-left-shape corner-right-shape corner-shape
    corner-start-end-shape corner-start-start-shape corner-top-left-shape corner-top-right-shape
    corner-top-shape counter-increment counter-reset counter-set cue cue-after cue-before cursor cx cy d
    direction display dominant-baseline dynamic-range-limit elevation empty-cells field-sizing fill
    fill-opacity fill-rule filter flex flex-basis flex-direction flex-flow flex-grow flex-line-count
    flex-shrink flex-wrap float flood-color flood-opacity font font-family font-feature-settings
    font-kerning font-language-override font-optical-sizing font-palette font-size font-size-adjust
    font-smooth font-stretch font-style font-synthesis font-synthesis-position font-synthesis-small-caps
    font-synthesis-style font-synthesis-weight font-variant font-variant-alternates font-variant-caps
    font-variant-east-asian font-variant-emoji font-variant-ligatures font-variant-numeric
    font-variant-position font-variation-settings font-weight font-width footnote-display footnote-policy
    forced-color-adjust frame-sizing gap grid grid-area grid-auto-columns grid-auto-flow grid-auto-rows
    grid-column grid-column-end grid-column-gap grid-column-start grid-gap grid-row grid-row-end
    grid-row-gap grid-row-start grid-template grid-template-areas grid-template-columns grid-template-rows
    hanging-punctuation height hyphenate-character hyphenate-limit-chars hyphenate-limit-zone hyphens
    image-orientation image-rendering image-resolution ime-mode initial-letter initial-letter-align
    inline-size inset inset-block inset-block-end inset-block-start inset-inline inset-inline-end
    inset-inline-start interactivity interest-delay interest-delay-end interest-delay-start interpolate-size
    isolation justify-content justify-items justify-self justify-tracks lang left letter-spacing
    lighting-color line-break line-clamp line-height line-height-step link-parameters list-style
    list-style-image list-style-position list-style-type margin margin-block margin-block-end
    margin-block-start margin-bottom margin-break margin-inline margin-inline-end margin-inline-start
    margin-left margin-right margin-top margin-trim marker marker-end marker-mid marker-start marks mask
    mask-border mask-border-mode mask-border-outset mask-border-repeat mask-border-slice mask-border-source
    mask-border-width mask-clip mask-composite mask-image mask-mode mask-origin mask-position mask-repeat
    mask-size mask-type masonry-auto-flow math-depth math-shift math-style max-block-size max-height
    max-inline-size max-lines max-width min-block-size min-height min-inline-size min-width mix-blend-mode
    object-fit object-position object-view-box offset offset-anchor offset-distance offset-path
    offset-position offset-rotate opacity order orphans outline outline-color outline-offset outline-style
    outline-width overflow overflow-anchor overflow-block overflow-clip-box overflow-clip-margin
    overflow-inline overflow-wrap overflow-x overflow-y overlay overscroll-behavior
    overscroll-behavior-block overscroll-behavior-inline overscroll-behavior-x overscroll-behavior-y padding
    padding-block padding-block-end padding-block-start padding-bottom padding-inline padding-inline-end
    padding-inline-start padding-left padding-right padding-top page page-break-after page-break-before
    page-break-inside paint-order path-length pause pause-after pause-before perspective perspective-origin
    pitch pitch-range place-content place-items place-self play-during pointer-events position
    position-anchor position-area position-try position-try-fallbacks position-try-order position-visibility
    print-color-adjust quotes r reading-flow reading-order resize richness right rotate row-gap ruby-align
    ruby-merge ruby-overhang ruby-position rx ry scale scroll-axis-lock scroll-behavior
    scroll-initial-target scroll-margin scroll-margin-block scroll-margin-block-end
    scroll-margin-block-start scroll-margin-bottom scroll-margin-inline scroll-margin-inline-end
    scroll-margin-inline-start scroll-margin-left scroll-margin-right scroll-margin-top scroll-marker-group
    scroll-padding scroll-padding-block scroll-padding-block-end scroll-padding-block-start
    scroll-padding-bottom scroll-padding-inline scroll-padding-inline-end scroll-padding-inline-start
    scroll-padding-left scroll-padding-right scroll-padding-top scroll-snap-align scroll-snap-coordinate
    scroll-snap-destination scroll-snap-points-x scroll-snap-points-y scroll-snap-stop scroll-snap-type
    scroll-snap-type-x scroll-snap-type-y scroll-target-group scroll-timeline scroll-timeline-axis
    scroll-timeline-name scrollbar-color scrollbar-gutter scrollbar-width shape-image-threshold shape-margin
    shape-outside shape-rendering size speak speak-as speak-header speak-numeral speak-punctuation
    speech-rate stop-color stop-opacity stress string-set stroke stroke-color stroke-dasharray
    stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-width tab-size
    table-layout text-align text-align-all text-align-last text-anchor text-autospace text-box text-box-edge
    text-box-trim text-combine-upright text-decoration text-decoration-color text-decoration-inset
    text-decoration-line text-decoration-skip text-decoration-skip-ink text-decoration-style
    text-decoration-thickness text-emphasis text-emphasis-color text-emphasis-position text-emphasis-style
    text-fit text-indent text-justify text-orientation text-overflow text-rendering text-shadow
    text-size-adjust text-spacing-trim text-transform text-underline-offset text-underline-position
    text-wrap text-wrap-mode text-wrap-style timeline-scope timeline-trigger
    timeline-trigger-activation-range timeline-trigger-activation-range-end
    timeline-trigger-activation-range-start timeline-trigger-active-range timeline-trigger-active-range-end
    timeline-trigger-active-range-start timeline-trigger-name timeline-trigger-source top touch-action
    transform transform-box transform-origin transform-style transition transition-behavior transition-delay
    transition-duration transition-property transition-timing-function translate trigger-scope unicode-bidi
    user-select vector-effect vertical-align view-timeline view-timeline-axis view-timeline-inset
    view-timeline-name view-transition-class view-transition-name view-transition-scope visibility
    voice-family volume white-space white-space-collapse widows width will-change window-drag word-break
    word-spacing word-wrap writing-mode x y z-index zoom
"""
CSS_PROPERTIES = frozenset(_CSS_PROPERTY_NAMES.split())
