"""Converts an image to the print shop's CMYK output profile, for the press file."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageCms

from amnesty_book.images.pixels import opaque, own_profile, upright

INTENTS = {
    "relative": ImageCms.Intent.RELATIVE_COLORIMETRIC,
    "perceptual": ImageCms.Intent.PERCEPTUAL,
    "saturation": ImageCms.Intent.SATURATION,
    "absolute": ImageCms.Intent.ABSOLUTE_COLORIMETRIC,
}
# A CMYK image is a JPEG: WeasyPrint 70 passes a JPEG through as DeviceCMYK, but re-encodes
# anything else as PNG, which cannot hold CMYK, and drops it. A lossless scan is kept at a
# quality no print shows.
JPEG_QUALITY = 95


def convert_to_cmyk(
    source: Path,
    target: Path,
    profile: Path,
    intent: str = "relative",
    black_point_compensation: bool = True,
) -> None:
    """Writes `source` to `target`, a JPEG in the CMYK of `profile` (a CMYK output profile, as
    the book's loading checked), at the source's dpi. The ICC profile is not embedded: the
    PDF's output intent names it once for every image."""
    output = ImageCms.getOpenProfile(str(profile))
    if intent not in INTENTS:
        raise ValueError(f"unknown rendering intent {intent!r}: use one of {', '.join(INTENTS)}")
    # The EXIF orientation goes with the EXIF block the target leaves out.
    image, embedded = upright(source)
    dpi = image.info.get("dpi")
    image = _in_press_cmyk(opaque(image), embedded, output, INTENTS[intent], black_point_compensation)
    image.info.pop("icc_profile", None)  # ImageCms tags what it converts
    saving = {"dpi": dpi} if dpi else {}
    # 4:4:4: Pillow's subsampling would thin out three of the four inks, not chroma.
    image.save(target, "JPEG", quality=JPEG_QUALITY, subsampling=0, **saving)


def _in_press_cmyk(
    image: Image.Image,
    embedded: bytes | None,
    output: ImageCms.ImageCmsProfile,
    intent: ImageCms.Intent,
    black_point_compensation: bool,
) -> Image.Image:
    """The image converted from its own profile (`embedded`, if it fits its pixels) to `output`.

    Untagged pixels are taken to be in the usual space for their kind: grey and RGB in sRGB
    (as a browser shows them), CMYK already in the press's CMYK.
    """
    profile = own_profile(image, embedded)
    if profile is None and image.mode == "CMYK":
        return image
    if profile is None:
        image, profile = image.convert("RGB"), ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    flags = ImageCms.Flags.BLACKPOINTCOMPENSATION if black_point_compensation else ImageCms.Flags.NONE
    transform = ImageCms.buildTransform(profile, output, image.mode, "CMYK", intent, flags)
    return ImageCms.applyTransform(image, transform)
