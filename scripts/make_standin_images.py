"""Owns the stand-in plate images in images/ (one per entry of images/plates.yaml).

The archival photographs of the book belong to an archive and are not shipped.
This script draws, for each plate, an image of a realistic scan size under the
file name that images/plates.yaml gives, visibly marked as a stand-in and
carrying the plate id, caption and credit, so that the holder of the rights can
drop the real scan in under the same name.

The output is deterministic: the same bytes on every run (seeded random numbers,
no timestamps, no metadata). Run from anywhere:

    python scripts/make_standin_images.py
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"
PLATES = IMAGES / "plates.yaml"
FONTS = ROOT / "src" / "amnesty_book" / "theme" / "fonts"
REGULAR = FONTS / "CharisSIL-Regular.ttf"
ITALIC = FONTS / "CharisSIL-Italic.ttf"

BANNER = "STAND-IN \u2014 archival image not included"

PHOTO_LANDSCAPE = (3000, 2250)
PHOTO_PORTRAIT = (2400, 3000)
DOCUMENT_A4 = (2480, 3508)  # A4 at 300 dpi

# Plates drawn as portrait photographs; every other .jpg is landscape.
PORTRAIT_PHOTOS = {"stalins-paradise"}

SEPIA_DARK = (38, 27, 18)
SEPIA_LIGHT = (232, 214, 184)
INK = (24, 20, 16)
PAPER = (246, 240, 228)
WHITE = (255, 255, 255)

FOOTNOTE_CALL = re.compile(r"\[\^[^\]]+\]")

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class Plate:
    """One entry of images/plates.yaml, as far as this script needs it."""

    id: str
    file: str
    caption: str
    credit: str


@dataclass(frozen=True)
class Piece:
    """A run of text in one style; `glued` means no space before it."""

    text: str
    italic: bool
    glued: bool


# --- reading the plates -----------------------------------------------------


def load_plates(path: Path = PLATES) -> list[Plate]:
    """Read the plate list; stop with a message if an entry lacks a key."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    plates = []
    for number, entry in enumerate(entries, start=1):
        missing = [k for k in ("id", "file", "credit") if not entry.get(k)]
        if missing:
            sys.exit(f"{path}: plate {number} lacks {', '.join(missing)}")
        plates.append(
            Plate(
                id=str(entry["id"]),
                file=str(entry["file"]),
                caption=str(entry.get("caption") or ""),
                credit=str(entry["credit"]),
            )
        )
    return plates


def caption_pieces(markdown: str) -> list[Piece]:
    """Split inline Markdown into words, dropping footnote calls.

    Only `*italic*` is interpreted; that is all the captions use.
    """
    text = FOOTNOTE_CALL.sub("", markdown)
    pieces: list[Piece] = []
    space_before = True
    for index, segment in enumerate(text.split("*")):
        italic = index % 2 == 1
        words = segment.split()
        for number, word in enumerate(words):
            glued = number == 0 and not space_before and not segment[:1].isspace()
            pieces.append(Piece(word, italic, glued and bool(pieces)))
        if segment:
            space_before = segment[-1:].isspace()
    return pieces


# --- drawing the picture ----------------------------------------------------


def seed_for(plate: Plate) -> int:
    """A stable seed from the plate id (unlike hash(), not salted per run)."""
    return int.from_bytes(hashlib.sha256(plate.id.encode()).digest()[:8], "big")


def gradient(size: tuple[int, int], top: int, bottom: int) -> Image.Image:
    """A vertical grey gradient from `top` to `bottom`."""
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BICUBIC)
    return ramp.point(lambda v: top + (bottom - top) * v // 255)


def vignette(base: Image.Image, strength: int) -> Image.Image:
    """Darken the corners as an old lens and print would."""
    radial = Image.radial_gradient("L").resize(base.size, Image.Resampling.BICUBIC)
    shade = radial.point(lambda v: 255 - strength * max(0, v - 110) // 145)
    return ImageChops.multiply(base, shade)


def grain(base: Image.Image, rng: random.Random, amplitude: int, step: int) -> Image.Image:
    """Add mild seeded grain; `step` > 1 makes it softer (and smaller as PNG)."""
    width, height = base.size
    small = (max(1, width // step), max(1, height // step))
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    noise = noise.resize(base.size, Image.Resampling.BILINEAR)
    noise = noise.point(lambda v: 128 + (v - 128) * amplitude // 128)
    return ImageChops.add(base, noise, 1.0, -128)


def soft_shapes(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A mask of blurred figures standing on a ground line: a group photo."""
    width, height = size
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    horizon = int(height * rng.uniform(0.55, 0.65))
    draw.rectangle((0, horizon, width, height), fill=90)
    for _ in range(rng.randint(3, 8)):  # faint tree trunks behind the group
        x = rng.randint(0, width)
        trunk = rng.randint(width // 120, width // 60)
        draw.rectangle((x - trunk, 0, x + trunk, horizon), fill=rng.randint(40, 80))
    count = rng.randint(5, 9)
    for index in range(count):
        centre = int(width * (index + 0.5 + rng.uniform(-0.25, 0.25)) / count)
        head = int(height * rng.uniform(0.035, 0.045))
        top = int(height * rng.uniform(0.28, 0.38))
        shoulders = int(head * rng.uniform(2.2, 2.8))
        tone = rng.randint(150, 220)
        draw.ellipse((centre - head, top, centre + head, top + 2 * head), fill=tone)
        draw.rounded_rectangle(
            (
                centre - shoulders,
                top + 2 * head,
                centre + shoulders,
                horizon + head * 4,
            ),
            radius=head,
            fill=tone,
        )
    return mask.filter(ImageFilter.GaussianBlur(width / 150))


def photo_picture(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A plausible faded sepia photograph, RGB."""
    base = gradient(size, rng.randint(185, 215), rng.randint(95, 125))
    shapes = soft_shapes(size, rng)
    dark = Image.new("L", size, 40)
    base = Image.composite(dark, base, shapes)
    base = vignette(base, 120)
    base = grain(base, rng, amplitude=14, step=1)
    return ImageOps.colorize(base, black=SEPIA_DARK, white=SEPIA_LIGHT)


def typed_lines(base: Image.Image, rng: random.Random) -> None:
    """Grey bars where the lines of a typewritten page would be."""
    width, height = base.size
    draw = ImageDraw.Draw(base)
    left, right = int(width * 0.14), int(width * 0.84)
    y = int(height * 0.2)
    while y < height * 0.8:
        if rng.random() < 0.12:  # paragraph break
            y += 60
            continue
        end = right if rng.random() > 0.15 else int(left + (right - left) * rng.uniform(0.3, 0.8))
        x = left
        while x < end:
            word = rng.randint(40, 190)
            draw.rectangle((x, y, min(x + word, end), y + 22), fill=rng.randint(95, 135))
            x += word + 24
        y += 62
    # a handwritten note in the margin
    for index in range(4):
        top = int(height * 0.3) + index * 70
        draw.arc((width * 0.86, top, width * 0.97, top + 90), 200, 340, fill=80, width=6)


def document_picture(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A plausible scan of an aged typewritten page, grayscale."""
    paper = gradient(size, 236, 218)
    blotches = Image.new("L", size, 255)
    draw = ImageDraw.Draw(blotches)
    width, height = size
    for _ in range(12):
        x, y = rng.randint(0, width), rng.randint(0, height)
        radius = rng.randint(width // 12, width // 4)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.randint(228, 246))
    paper = ImageChops.multiply(paper, blotches.filter(ImageFilter.GaussianBlur(width / 20)))
    typed = paper.copy()
    typed_lines(typed, rng)
    paper = typed.filter(ImageFilter.GaussianBlur(2))
    paper = vignette(paper, 50)
    return grain(paper, rng, amplitude=6, step=4)


# --- drawing the text -------------------------------------------------------


def font(path: Path, size: int) -> Font:
    """The font at `path`, at `size` pixels."""
    return ImageFont.truetype(str(path), size)


def ink(colour: Colour, mode: str) -> int | Colour:
    """A colour in the terms of the image's mode."""
    if mode == "L":
        red, green, blue = colour
        return (299 * red + 587 * green + 114 * blue) // 1000
    return colour


def fitting_font(path: Path, text: str, width: int, largest: int) -> Font:
    """The largest size up to `largest` at which `text` fits `width`."""
    size = largest
    while size > 12 and font(path, size).getlength(text) > width:
        size -= 2
    return font(path, size)


def wrap(pieces: list[Piece], fonts: dict[bool, Font], width: int) -> list[list[Piece]]:
    """Break styled pieces into lines no wider than `width`."""
    space = fonts[False].getlength(" ")
    lines: list[list[Piece]] = [[]]
    used = 0.0
    for piece in pieces:
        length = fonts[piece.italic].getlength(piece.text)
        gap = 0 if piece.glued or not lines[-1] else space
        if lines[-1] and not piece.glued and used + gap + length > width:
            lines.append([])
            used, gap = 0.0, 0
        lines[-1].append(piece)
        used += gap + length
    return [line for line in lines if line]


def draw_line(
    draw: ImageDraw.ImageDraw,
    origin: tuple[float, float],
    line: list[Piece],
    fonts: dict[bool, Font],
    fill: int | Colour,
) -> None:
    """Draw one wrapped line, switching fonts between roman and italic runs."""
    x, y = origin
    space = fonts[False].getlength(" ")
    for index, piece in enumerate(line):
        if index and not piece.glued:
            x += space
        draw.text((x, y), piece.text, font=fonts[piece.italic], fill=fill)
        x += fonts[piece.italic].getlength(piece.text)


def shade_band(image: Image.Image, box: tuple[int, int, int, int], colour: Colour, alpha: int) -> Image.Image:
    """Lay a translucent band of `colour` over `box`."""
    solid = Image.new(image.mode, image.size, ink(colour, image.mode))
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rectangle(box, fill=alpha)
    return Image.composite(solid, image, mask)


def mark_top(image: Image.Image, plate: Plate) -> Image.Image:
    """The stand-in banner and the plate id, on a dark band at the top."""
    width, _ = image.size
    margin = width // 20
    title = fitting_font(REGULAR, BANNER, width - 2 * margin, width // 18)
    label = font(REGULAR, width // 45)
    title_height = title.getbbox(BANNER)[3]
    band = int(margin * 0.8 + title_height + label.size * 1.6 + margin * 0.6)
    image = shade_band(image, (0, 0, width, band), INK, 215)
    draw = ImageDraw.Draw(image)
    draw.text((margin, margin * 0.8), BANNER, font=title, fill=ink(WHITE, image.mode))
    detail = f"plate: {plate.id}   \u00b7   file: images/{plate.file}"
    draw.text(
        (margin, margin * 0.8 + title_height + label.size * 0.5),
        detail,
        font=label,
        fill=ink(SEPIA_LIGHT, image.mode),
    )
    return image


def mark_bottom(image: Image.Image, plate: Plate) -> Image.Image:
    """The caption (or, if there is none, the credit) and the credit line."""
    width, height = image.size
    margin = width // 20
    text_width = width - 2 * margin
    size = width // 42
    fonts = {False: font(REGULAR, size), True: font(ITALIC, size)}
    small = {False: font(ITALIC, size * 4 // 5), True: font(ITALIC, size * 4 // 5)}
    lead, small_lead = size * 1.35, small[False].size * 1.35
    # With no caption the credit takes its place, and is not repeated below.
    caption = wrap(caption_pieces(plate.caption or plate.credit), fonts, text_width)
    credit = wrap(caption_pieces(plate.credit), small, text_width) if plate.caption else []
    gap = size * 0.4 if credit else 0
    band = margin * 1.4 + lead * len(caption) + gap + small_lead * len(credit)
    top = height - int(band)
    image = shade_band(image, (0, top, width, height), PAPER, 225)
    draw = ImageDraw.Draw(image)
    y = top + margin * 0.7
    for line in caption:
        draw_line(draw, (margin, y), line, fonts, ink(INK, image.mode))
        y += lead
    y += gap
    for line in credit:
        draw_line(draw, (margin, y), line, small, ink(INK, image.mode))
        y += small_lead
    return image


# --- writing the files ------------------------------------------------------


def render(plate: Plate) -> Image.Image:
    """The finished stand-in for one plate, in the mode its format wants."""
    rng = random.Random(seed_for(plate))
    suffix = Path(plate.file).suffix.lower()
    if suffix == ".png":
        image = document_picture(DOCUMENT_A4, rng)
    elif suffix in {".jpg", ".jpeg"}:
        size = PHOTO_PORTRAIT if plate.id in PORTRAIT_PHOTOS else PHOTO_LANDSCAPE
        image = photo_picture(size, rng)
    else:
        sys.exit(f"{plate.file}: no stand-in format for {suffix or 'no extension'}")
    image = mark_top(image, plate)
    image = mark_bottom(image, plate)
    return image


def save(image: Image.Image, path: Path) -> None:
    """Save without metadata, so that each run writes the same bytes."""
    if path.suffix.lower() == ".png":
        image.save(path, format="PNG", optimize=True)
    else:
        image.save(path, format="JPEG", quality=85, optimize=True)


def main() -> int:
    for plate in load_plates():
        path = IMAGES / plate.file
        image = render(plate)
        save(image, path)
        width, height = image.size
        print(f"{path.relative_to(ROOT)}: {width}\u00d7{height} px, {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
