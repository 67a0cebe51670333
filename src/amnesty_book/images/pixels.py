"""A plate's pixels as every edition starts from them: upright, eight bits a channel, opaque on
white paper, in grey, RGB or CMYK; and for the editions that show or print RGB, in sRGB.

Every pixel mode a plate may come in (readers/plates.py's PLATE_MODES) is taken here.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, ImageOps

from amnesty_book.readers.plates import WIDE_GREYS

# Modes with transparency (premultiplied or not) -> what they are once laid on white paper.
_ON_PAPER = {"LA": "L", "La": "L", "PA": "RGB", "RGBA": "RGB", "RGBa": "RGB"}
# Modes holding grey or RGB pixels in another form (a palette, one bit, another encoding;
# Pillow takes CIELAB to sRGB as LittleCMS does).
_RECODED = {"1": "L", "P": "RGB", "RGBX": "RGB", "YCbCr": "RGB", "HSV": "RGB", "LAB": "RGB"}
# The ICC colour space of each mode an opaque image is in.
MODE_SPACES = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_ORIENTATION = ExifTags.Base.Orientation


def upright(path: Path) -> tuple[Image.Image, bytes | None]:
    """The image at `path`, loaded and turned as its EXIF orientation says, with its ICC profile."""
    with Image.open(path) as original:
        return ImageOps.exif_transpose(original), original.info.get("icc_profile")


def opaque(image: Image.Image) -> Image.Image:
    """The image as grey, RGB or CMYK pixels of 8 bits, any transparency laid on white paper."""
    mode = image.mode
    if mode in WIDE_GREYS:  # scaled, 65535 to 255: Pillow's conversion to "L" clips them to white
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if "transparency" in image.info and mode in {"L", "P", "RGB"}:  # a PNG's tRNS: a colour left clear
        image, mode = image.convert("LA" if mode == "L" else "RGBA"), "LA" if mode == "L" else "RGBA"
    if mode in _ON_PAPER:
        clear = image.convert("LA" if _ON_PAPER[mode] == "L" else "RGBA")
        paper = Image.new(_ON_PAPER[mode], image.size, "white")
        paper.paste(clear.convert(paper.mode), mask=clear.getchannel("A"))
        return paper
    if mode in _RECODED:
        return image.convert(_RECODED[mode])
    if mode in MODE_SPACES:
        return image
    raise ValueError(f"no way to print pixels of mode {mode}")


def own_profile(image: Image.Image, embedded: bytes | None) -> ImageCms.ImageCmsProfile | None:
    """The image's embedded ICC profile, if it describes its (opaque) pixels' colour space."""
    if not embedded:
        return None
    profile = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
    return profile if profile.profile.xcolor_space.strip() == MODE_SPACES[image.mode] else None


def in_srgb(image: Image.Image, embedded: bytes | None) -> Image.Image:
    """The image as a screen and an RGB PDF take it: opaque, grey or RGB in sRGB, converted
    from its own profile (relative colorimetric, the shadows kept). Greys stay greys; CMYK
    without a profile takes Pillow's own formula, having no press to be measured on."""
    image = opaque(image)
    profile = own_profile(image, embedded)
    if image.mode == "L" or (profile is not None and _is_srgb(profile)):
        return image
    if profile is None:
        return image.convert("RGB")
    return ImageCms.profileToProfile(
        image,
        profile,
        _SRGB,
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="RGB",
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def is_ready(path: Path) -> bool:
    """Whether the scan at `path` can be printed as it is: a JPEG or PNG of opaque grey or RGB
    pixels of 8 bits (16-bit RGB Pillow reads as 8), upright, in sRGB or untagged. Read from
    its header, once for each version of the file."""
    status = path.stat()
    return _ready(path, status.st_mtime_ns, status.st_size)


@cache
def _ready(path: Path, modified: int, size: int) -> bool:
    with Image.open(path) as image:
        # An MPO (a camera's JPEG holding a second picture) is prepared: the PDF takes one.
        if image.format not in {"JPEG", "PNG"} or image.mode not in {"L", "RGB"}:
            return False
        if "transparency" in image.info or image.getexif().get(_ORIENTATION, 1) != 1:
            return False
        profile = own_profile(image, image.info.get("icc_profile"))
        return image.mode == "L" or profile is None or _is_srgb(profile)


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    return "srgb" in ImageCms.getProfileDescription(profile).casefold()
