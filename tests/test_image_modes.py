"""Plate images of every kind Pillow reads, as each edition shows or prints them: one small book
with a plate in each mode, built once in every edition that prepares images its own way, and
each embedded image read back and compared with what the plate looks like on white paper."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from amnesty_book.checks.readback import images_outside_intent, placed_images
from amnesty_book.images.pixels import in_srgb
from amnesty_book.publish import build
from amnesty_book.readers import plates as plates_reader
from amnesty_book.readers.plates import PLATE_MODES
from conftest import SmallProject
from test_bad_input import failed_build

SIZE = (120, 80)
EDITIONS = ["reader-a4", "handout-a4", "press", "archive", "epub", "web"]
# Levels of 255 a channel's mean may differ by: JPEG's rounding, a colour conversion's.
CLOSE = 4
BIG = (3000, 2000)  # printed about 120 mm wide: some 630 ppi
MOST_PPI = 450
BESIDE = "A sentence of the text that runs beside the plates, long enough to fill a line or two. "


Size = tuple[int, int]


def scene(size: Size = SIZE) -> Image.Image:
    """Smooth colour, as a photograph has it: red across, blue down, a little green."""
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (across, Image.new("L", size, 120), down))


def grey_ramp(size: Size = SIZE) -> Image.Image:
    """Black to white across."""
    return Image.linear_gradient("L").rotate(90).resize(size)


def wide_grey(mode: str, size: Size = SIZE) -> Image.Image:
    """The grey ramp in 16 bits."""
    ramp = Image.new(mode, size)
    ramp.putdata([level * 257 for level in grey_ramp(size).get_flattened_data()])
    return ramp


def on_white(image: Image.Image) -> Image.Image:
    """How an image with transparency looks on white paper, by Pillow's compositing."""
    clear = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", image.size, "white"), clear).convert("RGB")


def with_alpha(image: Image.Image) -> Image.Image:
    """The image, clear at the top edge and opaque at the foot."""
    clear = image.convert("RGBA")
    clear.putalpha(Image.linear_gradient("L").resize(image.size))
    return clear


def rgb_16_bit_png(image: Image.Image) -> bytes:
    """A 16-bit RGB PNG of `image` (each level in both bytes), which Pillow cannot write."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\0" + bytes(level for x in range(image.width) for level in image.getpixel((x, y)) for _ in "hi")
        for y in range(image.height)
    )
    header = struct.pack("!IIBBBBB", image.width, image.height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def palette_with_clear_colour(size: Size) -> Image.Image:
    palette = scene(size).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    palette.info["transparency"] = palette.getpixel((0, 0))
    return palette


def cmyk_jpeg(size: Size) -> bytes:
    """A CMYK scan without a profile."""
    buffer = io.BytesIO()
    scene(size).convert("CMYK").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def adobe_rgb_looks(size: Size) -> Image.Image:
    return ImageCms.profileToProfile(
        scene(size),
        str(ADOBE_RGB),
        ImageCms.createProfile("sRGB"),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="RGB",
    )


def turned(size: Size) -> bytes:
    """Stored lying on its side, with the EXIF orientation that stands it up (6: turn right)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    scene(size).rotate(90, expand=True).save(buffer, "JPEG", quality=95, exif=exif)
    return buffer.getvalue()


def one_bit(size: Size) -> Image.Image:
    return grey_ramp(size).convert("1", dither=Image.Dither.NONE)


def grey_alpha(size: Size) -> Image.Image:
    return with_alpha(grey_ramp(size)).convert("LA")


def palette(size: Size) -> Image.Image:
    return scene(size).convert("P", palette=Image.Palette.ADAPTIVE)


@dataclass(frozen=True)
class Plate:
    """A plate: its file's name and bytes, and how it looks (in sRGB or grey, on white paper)."""

    file: str
    data: Callable[[Size], bytes]
    looks: Callable[[Size], Image.Image]


def png(image: Callable[[Size], Image.Image], **options: object) -> Callable[[Size], bytes]:
    """The PNG of the image made at a size."""

    def data(size: Size) -> bytes:
        buffer = io.BytesIO()
        image(size).save(buffer, "PNG", **options)
        return buffer.getvalue()

    return data


def jpeg(size: Size) -> bytes:
    buffer = io.BytesIO()
    scene(size).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


ADOBE_RGB = Path("/usr/share/color/icc/ghostscript/a98.icc")  # libgs-common's, beside its CMYK
PLATES: dict[str, Plate] = {
    "one-bit": Plate("one-bit.png", png(one_bit), lambda size: one_bit(size).convert("RGB")),
    "grey": Plate("grey.png", png(grey_ramp), grey_ramp),
    "grey-alpha": Plate("grey-alpha.png", png(grey_alpha), lambda size: on_white(grey_alpha(size))),
    "palette": Plate("palette.png", png(palette), lambda size: palette(size).convert("RGB")),
    "palette-clear": Plate(
        "palette-clear.png",
        png(palette_with_clear_colour),
        lambda size: on_white(palette_with_clear_colour(size)),
    ),
    "grey-16": Plate("grey-16.png", png(lambda size: wide_grey("I;16", size)), grey_ramp),
    "grey-16-big-endian": Plate("grey-16b.png", png(lambda size: wide_grey("I;16B", size)), grey_ramp),
    "rgb": Plate("rgb.png", png(scene), scene),
    "rgb-16": Plate("rgb-16.png", lambda size: rgb_16_bit_png(scene(size)), scene),
    "rgba": Plate(
        "rgba.png", png(lambda size: with_alpha(scene(size))), lambda size: on_white(with_alpha(scene(size)))
    ),
    "cmyk": Plate("cmyk.jpg", cmyk_jpeg, lambda size: Image.open(io.BytesIO(cmyk_jpeg(size))).convert("RGB")),
    # Its profile read when the plate is made (the book's fixture installs it), not on import.
    "adobe-rgb": Plate(
        "adobe-rgb.png", lambda size: png(scene, icc_profile=ADOBE_RGB.read_bytes())(size), adobe_rgb_looks
    ),
    "turned": Plate("turned.jpg", turned, scene),
    "big": Plate("big.jpg", jpeg, scene),
}
# Each plate its own size (upright), to be told apart in a PDF; the big one printed at ~630 ppi.
SIZES = {plate_id: (120 + 4 * index, 80) for index, plate_id in enumerate(PLATES)} | {"big": BIG}


def looks(plate_id: str) -> Image.Image:
    return PLATES[plate_id].looks(SIZES[plate_id])


def write_book(root: Path, profile: Path) -> None:
    """A small book with a plate of each kind, one to a paragraph, and the press's profile."""
    project = SmallProject(root)
    manuscript, manifest = ["# Plates of every kind\n"], []
    for plate_id, plate in PLATES.items():
        (root / "images" / plate.file).write_bytes(plate.data(SIZES[plate_id]))
        manuscript.append(f"::: plate {plate_id}\n\n{BESIDE * 6}\n")
        manifest.append(
            f"- id: {plate_id}\n  file: {plate.file}\n  caption: The {plate_id} plate.\n"
            f"  credit: A credit.\n  alt: A ramp of colour.\n  source: An archive\n"
        )
    project.write("manuscript/article.md", "\n".join(manuscript))
    project.write("images/plates.yaml", "\n".join(manifest))
    shutil.copyfile(profile, root / "styles" / "press.icc")
    press = '\n[press]\nprofile = "styles/press.icc"\noutput_condition = "CGATS TR 001"\n'
    (root / "book.toml").write_text((root / "book.toml").read_text() + press)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, cmyk_profile: Path) -> Path:
    """The book's dist/, every edition that prepares images its own way built once."""
    root = tmp_path_factory.mktemp("modes") / "book"
    write_book(root, cmyk_profile)
    build(root, root / "dist", editions=EDITIONS)
    return root / "dist"


def pdf_images(path: Path) -> list[Image.Image]:
    """Every image of the PDF once (its pages share them, the handout's sheets draw them in forms)."""
    with pikepdf.open(path) as pdf:
        found = {image.objgen: image for page in pdf.pages for image in page.get_images().values()}
        return [pikepdf.PdfImage(image).as_pil_image() for image in found.values()]


def colour_spaces(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {str(image.ColorSpace) for page in pdf.pages for image in page.get_images().values()}


def printed(images: list[Image.Image], plate_id: str) -> Image.Image:
    """The plate's image among them: by its upright size, or for the big plate, the largest."""
    exact = [image for image in images if image.size == SIZES[plate_id]]
    return exact[0] if exact else max(images, key=lambda image: image.width)


def mean_difference(shown: Image.Image, expected: Image.Image) -> list[float]:
    """Per channel, in levels of 255, the two compared at a size where JPEG's blocks and the
    reduction of a scan do not count."""
    size = (30, 20)
    one = shown.convert(expected.mode).resize(size, Image.Resampling.BOX)
    other = expected.resize(size, Image.Resampling.BOX)
    return ImageStat.Stat(ImageChops.difference(one, other)).mean


@pytest.mark.slow
@pytest.mark.parametrize("plate_id", PLATES)
@pytest.mark.parametrize("edition", ["small-reader-a4.pdf", "small-archive.pdf"])
def test_the_reader_and_the_archive_print_each_plate_as_it_looks_in_srgb(
    built: Path, edition: str, plate_id: str
) -> None:
    shown = printed(pdf_images(built / edition), plate_id)
    assert shown.mode in {"L", "RGB"}
    assert max(mean_difference(shown, looks(plate_id))) < CLOSE


@pytest.mark.slow
@pytest.mark.parametrize("plate_id", PLATES)
def test_the_handout_prints_each_plate_in_its_greys(built: Path, plate_id: str) -> None:
    shown = printed(pdf_images(built / "small-handout-a4.pdf"), plate_id)
    assert shown.mode == "L"
    assert max(mean_difference(shown, ImageOps.grayscale(looks(plate_id)))) < CLOSE


@pytest.mark.slow
def test_the_archive_has_no_cmyk_and_the_press_nothing_else(built: Path) -> None:
    """A PDF/A's images are in its sRGB output intent's space (or grey); a PDF/X-4's in its CMYK."""
    assert colour_spaces(built / "small-archive.pdf") <= {"/DeviceRGB", "/DeviceGray"}
    assert colour_spaces(built / "small-press.pdf") == {"/DeviceCMYK"}


def in_press_cmyk(plate_id: str, profile: Path) -> Image.Image:
    """How the plate is printed in the press's CMYK: converted from its own profile (sRGB where
    it has none), relative colorimetric with black point compensation; a CMYK scan without a
    profile as it is, taken to be in the press's CMYK."""
    size = SIZES[plate_id]
    if plate_id == "cmyk":
        return Image.open(io.BytesIO(cmyk_jpeg(size)))
    own = str(ADOBE_RGB) if plate_id == "adobe-rgb" else ImageCms.createProfile("sRGB")
    return ImageCms.profileToProfile(
        scene(size) if plate_id == "adobe-rgb" else looks(plate_id).convert("RGB"),
        own,
        str(profile),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="CMYK",
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


@pytest.mark.slow
@pytest.mark.parametrize("plate_id", PLATES)
def test_the_press_prints_each_plate_in_its_cmyk(built: Path, plate_id: str, cmyk_profile: Path) -> None:
    shown = printed(pdf_images(built / "small-press.pdf"), plate_id)
    assert shown.mode == "CMYK"
    assert max(mean_difference(shown, in_press_cmyk(plate_id, cmyk_profile))) < CLOSE


@pytest.mark.slow
@pytest.mark.parametrize("plate_id", PLATES)
def test_the_epub_and_the_web_show_each_plate_as_it_looks(built: Path, plate_id: str) -> None:
    with zipfile.ZipFile(built / "small.epub") as epub:
        name = next(name for name in epub.namelist() if name.endswith(f"/{plate_id}.jpg"))
        in_epub = Image.open(io.BytesIO(epub.read(name)))
    on_web = Image.open(built / "small-web" / "images" / f"{plate_id}.jpg")
    for shown in (in_epub, on_web):
        assert shown.mode in {"L", "RGB"}
        assert max(mean_difference(shown, looks(plate_id))) < CLOSE


@pytest.mark.slow
def test_print_files_carry_no_plate_finer_than_450_ppi(built: Path) -> None:
    """The big scan prints at some 630 ppi: the print files carry it at 450 at most, the reader
    whole."""
    for name in ("small-press.pdf", "small-archive.pdf", "small-handout-a4.pdf"):
        assert printed(pdf_images(built / name), "big").width < BIG[0] * 0.8, name
    with pikepdf.open(built / "small-press.pdf") as pdf:
        finest = max(image.ppi for image in placed_images(pdf))
    assert MOST_PPI - 5 <= finest <= MOST_PPI + 1
    assert printed(pdf_images(built / "small-reader-a4.pdf"), "big").size == BIG


@pytest.mark.slow
def test_the_same_plates_in_another_folder_make_the_same_files(built: Path, tmp_path: Path) -> None:
    """Nothing of where the project stands goes into its editions, prepared and reduced images
    included."""
    root = tmp_path / "elsewhere" / "book"
    shutil.copytree(built.parent, root, ignore=shutil.ignore_patterns("dist", ".cache"))
    editions = ["reader-a4", "press", "archive", "epub"]
    build(root, root / "dist", editions=editions)
    for name in ("small-reader-a4.pdf", "small-press.pdf", "small-archive.pdf", "small.epub"):
        assert (root / "dist" / name).read_bytes() == (built / name).read_bytes(), name


def in_memory(mode: str) -> tuple[Image.Image, Image.Image]:
    """An image in `mode`, which no JPEG or PNG file holds, and how it looks."""
    if mode.startswith("I"):
        return wide_grey(mode), grey_ramp()
    if mode in {"LA", "La", "PA", "RGBA", "RGBa"}:
        clear = with_alpha(scene()).convert(mode)
        return clear, on_white(clear.convert("RGBA") if mode != "La" else clear.convert("LA"))
    if mode == "LAB":
        lab = ImageCms.profileToProfile(
            scene(), ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), outputMode="LAB"
        )
        return lab, scene()
    image = scene().convert(mode)
    return image, image.convert("RGB")


@pytest.mark.parametrize("mode", sorted(PLATE_MODES))
def test_every_mode_a_plate_may_have_is_prepared_as_it_looks(mode: str) -> None:
    image, expected = in_memory(mode)
    prepared = in_srgb(image, None)
    assert prepared.mode in {"L", "RGB"}
    assert max(mean_difference(prepared, expected.convert(prepared.mode))) < 2  # CIELAB in 8 bits: 1.6


def test_a_mode_that_cannot_be_printed_is_refused_with_its_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plate whose pixels the builder has no way to print (as it had none for floating point)
    stops the build at its manifest entry, in one line."""
    wide_grey("I;16").save(small_project.root / "images" / "one.png")
    small_project.replace("images/plates.yaml", "one.jpg", "one.png")
    monkeypatch.setattr(plates_reader, "PLATE_MODES", PLATE_MODES - {"I;16"})
    problem = failed_build(small_project, capsys).splitlines()[0]
    assert problem == (
        "images/plates.yaml:2: image 'one.png' holds pixels of mode I;16, which cannot be printed; "
        "save it as an 8- or 16-bit greyscale or colour image"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("200", "max_ppi must be at least 300: a plate printed coarser looks soft"),
        ('"fine"', "'max_ppi' must be a whole number, like 450"),
    ],
)
def test_the_most_ppi_is_checked(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    config = small_project.root / "book.toml"
    config.write_text(config.read_text() + f"\n[press]\nmax_ppi = {value}\n")
    line = config.read_text().count("\n")
    assert failed_build(small_project, capsys).splitlines()[0] == f"book.toml:{line}: {message}"


def test_a_cmyk_image_under_an_srgb_intent_is_found() -> None:
    """The read-back's R306: a PDF/A whose output intent is sRGB may hold no CMYK image."""
    pdf = pikepdf.new()

    def image(space: str, data: bytes) -> pikepdf.Stream:
        return pikepdf.Stream(
            pdf,
            data,
            Subtype=pikepdf.Name.Image,
            Width=1,
            Height=1,
            ColorSpace=pikepdf.Name(space),
            BitsPerComponent=8,
        )

    cmyk, grey = image("/DeviceCMYK", bytes(4)), image("/DeviceGray", bytes(1))
    page = pdf.add_blank_page()
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=cmyk, Im1=grey))
    assert images_outside_intent(pdf) == []  # no output intent: any space
    srgb = pikepdf.Stream(pdf, b"", N=3)
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(DestOutputProfile=srgb)])
    assert images_outside_intent(pdf) == ["1×1 px in /DeviceCMYK"]
