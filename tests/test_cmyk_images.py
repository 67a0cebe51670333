"""Images converted to the print shop's CMYK: the pixels, the files, and how WeasyPrint 70 embeds
and PDFium shows them."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
import weasyprint
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageStat
from pypdf import PdfReader

from amnesty_book.images.cmyk import convert_to_cmyk

SIZE = (120, 80)
DPI = (300, 300)
WHITE, BLACK = (255, 255, 255), (0, 0, 0)
# A photograph's colours, inside what a press can print: skin, foliage, sky, brick, then white
# paper and black.
PATCHES = [(225, 180, 150), (70, 120, 60), (120, 160, 210), (170, 80, 60), WHITE, BLACK]
SATURATED = [(220, 30, 30), (30, 200, 60), (40, 40, 220)]


def photo() -> Image.Image:
    """A photograph's worth of colour: blue sky shading into warm ground, lit from above,
    with a row of patches along the bottom."""
    across = Image.linear_gradient("L").rotate(90).resize(SIZE)
    down = Image.linear_gradient("L").resize(SIZE)
    scene = Image.composite(
        Image.new("RGB", SIZE, (200, 170, 120)), Image.new("RGB", SIZE, (80, 120, 190)), down
    )
    shade = Image.composite(Image.new("RGB", SIZE, (40, 40, 40)), Image.new("RGB", SIZE, WHITE), across)
    image = ImageChops.multiply(scene, shade)
    draw = ImageDraw.Draw(image)
    for index, colour in enumerate(PATCHES):
        draw.rectangle((index * 20, 50, index * 20 + 19, 79), fill=colour)
    return image


def patch_centre(colour: tuple[int, int, int]) -> tuple[int, int]:
    return PATCHES.index(colour) * 20 + 10, 65


def swatches(colours: list[tuple[int, int, int]]) -> Image.Image:
    image = Image.new("RGB", (len(colours), 1))
    image.putdata(colours)
    return image


def converted(
    image: Image.Image, folder: Path, profile: Path, name: str = "source.png", **options: object
) -> Image.Image:
    """`image` saved as `name` (at 300 dpi) in `folder`, converted, and opened again."""
    source, target = folder / name, folder / f"cmyk-{name}"
    image.save(source, dpi=DPI)
    convert_to_cmyk(source, target, profile, **options)
    with Image.open(target) as result:
        result.load()
        return result


def transformed(image: Image.Image, profile: Path, source: str | None = None) -> Image.Image:
    """The RGB `image` through LittleCMS from `source` (sRGB) to `profile`, as converted by
    default: relative colorimetric with black point compensation."""
    return ImageCms.profileToProfile(
        image,
        source or ImageCms.createProfile("sRGB"),
        str(profile),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="CMYK",
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def pixels(image: Image.Image) -> list[tuple[int, ...]]:
    return [image.getpixel((x, 0)) for x in range(image.width)]


def mean_difference(one: Image.Image, other: Image.Image) -> list[float]:
    """The mean absolute difference of the two images, per channel, in levels of 255."""
    return ImageStat.Stat(ImageChops.difference(one, other)).mean


def test_a_jpeg_stays_a_jpeg_in_cmyk(tmp_path: Path, cmyk_profile: Path) -> None:
    result = converted(photo(), tmp_path, cmyk_profile, "photo.jpg")
    assert (result.format, result.mode, result.size) == ("JPEG", "CMYK", SIZE)
    assert result.info["dpi"] == pytest.approx(DPI)
    # The PDF's output intent carries the profile, once for the book.
    assert "icc_profile" not in result.info
    # Quality 92 in 4:4:4: every ink within JPEG's rounding of the transform's.
    assert max(mean_difference(result, transformed(photo(), cmyk_profile))) < 4


def test_a_png_scan_becomes_a_cmyk_jpeg(tmp_path: Path, cmyk_profile: Path) -> None:
    """WeasyPrint 70 embeds a CMYK image only as a JPEG: a lossless scan becomes one of a
    quality no print shows."""
    result = converted(photo(), tmp_path, cmyk_profile, "scan.png")
    assert (result.format, result.mode, result.size) == ("JPEG", "CMYK", SIZE)
    assert result.info["dpi"] == pytest.approx(DPI, abs=0.01)
    assert "icc_profile" not in result.info
    assert max(mean_difference(result, transformed(photo(), cmyk_profile))) < 2


def test_an_unknown_intent_is_refused(tmp_path: Path, cmyk_profile: Path) -> None:
    with pytest.raises(ValueError, match="unknown rendering intent 'vivid': use one of relative, perceptual"):
        converted(photo(), tmp_path, cmyk_profile, intent="vivid")


def test_white_takes_no_ink_and_black_is_mostly_k(tmp_path: Path, cmyk_profile: Path) -> None:
    white, black = pixels(converted(swatches([WHITE, BLACK]), tmp_path, cmyk_profile))
    assert white == (0, 0, 0, 0)
    cyan, magenta, yellow, key = black
    assert key >= 200
    # A rich black, within the total ink SWOP presses take (300%).
    assert (cyan + magenta + yellow + key) * 100 / 255 <= 300


def test_grey_palette_and_transparent_images_convert_as_they_look(tmp_path: Path, cmyk_profile: Path) -> None:
    as_rgb = pixels(converted(swatches([(128, 128, 128), (200, 40, 40), WHITE]), tmp_path, cmyk_profile))
    grey = converted(Image.new("L", (1, 1), 128), tmp_path, cmyk_profile, "grey.png")
    assert pixels(grey) == as_rgb[:1]
    # A 16-bit scan: 32896 of 65535 is the same mid grey, and 65535 white.
    deep = Image.new("I;16", (2, 1), 65535)
    deep.putpixel((0, 0), 128 * 257)
    assert pixels(converted(deep, tmp_path, cmyk_profile, "deep.png")) == [as_rgb[0], as_rgb[2]]
    palette = swatches([(128, 128, 128), (200, 40, 40)]).convert("P", palette=Image.Palette.ADAPTIVE)
    assert pixels(converted(palette, tmp_path, cmyk_profile, "palette.png")) == as_rgb[:2]
    # Transparency is laid on white paper: a clear pixel takes no ink, an opaque one its colour.
    clear = Image.new("RGBA", (2, 1), (200, 40, 40, 255))
    clear.putpixel((1, 0), (200, 40, 40, 0))
    assert pixels(converted(clear, tmp_path, cmyk_profile, "clear.png")) == [as_rgb[1], as_rgb[2]]
    grey_clear = Image.new("LA", (1, 1), (0, 0))
    assert pixels(converted(grey_clear, tmp_path, cmyk_profile, "grey-clear.png")) == [(0, 0, 0, 0)]


def test_an_embedded_profile_is_converted_from(tmp_path: Path, cmyk_profile: Path) -> None:
    """The same numbers mean a more saturated green in Adobe RGB than in sRGB, and print so."""
    adobe = cmyk_profile.parent / "a98.icc"
    green = swatches([(30, 200, 60)])
    tagged = tmp_path / "adobe.png"
    green.save(tagged, icc_profile=adobe.read_bytes())
    convert_to_cmyk(tagged, tmp_path / "adobe.tif", cmyk_profile)
    with Image.open(tmp_path / "adobe.tif") as result:
        assert pixels(result) == pixels(transformed(green, cmyk_profile, str(adobe)))
        assert pixels(result) != pixels(converted(green, tmp_path, cmyk_profile, "untagged.png"))


def test_untagged_cmyk_is_taken_as_the_press_cmyk(tmp_path: Path, cmyk_profile: Path) -> None:
    inks = Image.new("CMYK", (1, 1), (10, 200, 150, 30))
    assert pixels(converted(inks, tmp_path, cmyk_profile, "inks.tif")) == [(10, 200, 150, 30)]


def test_black_point_compensation_keeps_the_shadows_apart(tmp_path: Path, cmyk_profile: Path) -> None:
    """The press's black is lighter than a screen's: without compensation the darkest 30 greys
    clip to a few inks; with it they stay apart."""
    shadows = swatches([(level, level, level) for level in range(30)])
    kept = set(pixels(converted(shadows, tmp_path, cmyk_profile, black_point_compensation=True)))
    clipped = set(pixels(converted(shadows, tmp_path, cmyk_profile, black_point_compensation=False)))
    assert len(kept) >= 25
    assert len(clipped) <= 12


def test_the_rendering_intent_changes_saturated_colours(tmp_path: Path, cmyk_profile: Path) -> None:
    """Absolute colorimetric keeps each colour as measured, where relative colorimetric scales
    it to the paper's own white: saturated colours come out in other inks."""
    relative = pixels(converted(swatches(SATURATED), tmp_path, cmyk_profile, intent="relative"))
    absolute = pixels(converted(swatches(SATURATED), tmp_path, cmyk_profile, intent="absolute"))
    assert all(one != other for one, other in zip(relative, absolute, strict=True))


def pdf_of(image: Path) -> bytes:
    """A page the size of `image` (at CSS's 96 px to the inch) showing nothing else."""
    width, height = SIZE
    html = (
        f"<style>@page {{ size: {width}px {height}px; margin: 0 }} body {{ margin: 0 }}"
        f" img {{ display: block }}</style><img src='{image.name}'>"
    )
    return weasyprint.HTML(string=html, base_url=str(image.parent) + "/").write_pdf()


def image_streams(pdf: bytes) -> list[dict[str, object]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for stream in page["/Resources"].get("/XObject", {}).values():
            stream = stream.get_object()
            if stream["/Subtype"] == "/Image":
                found.append(
                    {key: stream[key] for key in ("/ColorSpace", "/Filter")}
                    | {"/Decode": stream.get("/Decode")}
                )
    return found


def test_weasyprint_embeds_a_cmyk_jpeg_that_looks_like_the_original(
    tmp_path: Path, cmyk_profile: Path
) -> None:
    original = photo()
    original.save(tmp_path / "photo.jpg", quality=95)
    convert_to_cmyk(tmp_path / "photo.jpg", tmp_path / "cmyk.jpg", cmyk_profile)
    pdf = pdf_of(tmp_path / "cmyk.jpg")
    # Pillow writes Adobe's inverted CMYK; WeasyPrint inverts it back with a Decode array.
    assert image_streams(pdf) == [
        {"/ColorSpace": "/DeviceCMYK", "/Filter": "/DCTDecode", "/Decode": [1, 0] * 4}
    ]
    shown = pypdfium2.PdfDocument(pdf)[0].render(scale=96 / 72).to_pil().convert("RGB")
    assert shown.size == SIZE
    difference = mean_difference(shown, original)
    print(f"PDFium's page against the original: mean absolute difference per channel {difference}")
    assert max(difference) < 12
    assert min(shown.getpixel(patch_centre(WHITE))) >= 250
    assert max(shown.getpixel(patch_centre(BLACK))) <= 20
