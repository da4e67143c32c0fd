"""Raster pictures (JPEG, PNG, WebP): what each is, and the derivatives it is published as.

The file an editor puts under assets/ is never published as it is: a camera's
file carries EXIF (the photographer's GPS position among it) and is far larger
than a phone needs. Each picture is published instead as derivatives at a few
widths, in WebP and in its own format, without metadata. Their names are decided
here, when a picture is first met (loading an article or site.yaml), from a hash
of the file and of the derivative's recipe: pages can link to derivatives before
any is encoded (khabar/outputs/images.py does that), a name always means the
same bytes (hosts may cache them for a year), and the encoding cache under
.cache/images/ keeps each derivative under that name.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import stat
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image as PillowImage
from PIL import UnidentifiedImageError

# Derivative widths: a phone's screen, twice and three times it, a laptop's, a large screen's.
WIDTHS = (320, 640, 960, 1280, 1920)
WEBP = "image/webp"
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": WEBP}  # Pillow's format names
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", WEBP: ".webp"}
RASTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Encoder settings per format. They are part of every derivative's name, so changing one renames them all.
ENCODER_SETTINGS = {
    "image/jpeg": {"quality": 82, "optimize": True, "progressive": True},
    "image/png": {"optimize": True},
    WEBP: {"quality": 80, "method": 4},
}
_RECIPE = f"Pillow {PIL.__version__}; sRGB; Lanczos; {sorted((k, sorted(v.items())) for k, v in ENCODER_SETTINGS.items())}"
CACHE_DIR = ".cache/images"
_ORIENTATION = 0x0112  # the EXIF tag; values 5 to 8 turn the picture a quarter
_TURNED = (5, 6, 7, 8)


@dataclass(frozen=True)
class ImageVariant:
    """One published derivative of a picture."""

    url: str  # site-relative, "/assets/images/train-640.3f2a9c1b0d.webp"
    width: int
    height: int
    media_type: str


@dataclass(frozen=True)
class Picture:
    """A raster picture under assets/ and its derivatives."""

    source: str  # the original, relative to the project: "assets/images/train.jpg"
    width: int  # as shown, the EXIF orientation applied
    height: int
    variants: tuple[ImageVariant, ...]  # WebP first, then the original's format; narrowest first in each

    @property
    def media_type(self) -> str:
        """The original's format, which the <img> fallback keeps."""
        return self.variants[-1].media_type

    def in_format(self, media_type: str) -> tuple[ImageVariant, ...]:
        return tuple(variant for variant in self.variants if variant.media_type == media_type)

    def largest(self) -> ImageVariant:
        """The widest derivative in the original's format (for link previews, which may not take WebP)."""
        return self.variants[-1]


@dataclass(frozen=True)
class Image:
    url: str  # site-relative ("/assets/images/x.jpg") or absolute ("https://…")
    alt: str
    caption: str | None
    picture: Picture | None = None  # None for SVG and remote images, which are published as they are


class PictureError(Exception):
    """Why a file cannot be used as a picture, in words for the editor."""


def is_raster(relative: str) -> bool:
    return relative.lower().endswith(RASTER_SUFFIXES)


def picture_of(root: Path, relative: str) -> Picture | None:
    """The picture at a project path ("assets/images/x.jpg") with its derivatives; None if it is not a raster file."""
    if not is_raster(relative):
        return None
    try:
        stat = (root / relative).stat()
    except OSError as error:
        raise PictureError(f"cannot be read ({error.strerror})") from None
    # An article and its translation usually share their picture: probe each file once per process.
    return _probe(root, relative, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _probe(root: Path, relative: str, _mtime_ns: int, _size: int) -> Picture:
    try:
        data = (root / relative).read_bytes()
    except OSError as error:
        raise PictureError(f"cannot be read ({error.strerror})") from None
    digest = hashlib.sha256(data).hexdigest()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        try:
            # Opening reads the header only: size, format, EXIF.
            with PillowImage.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
                width, height = image.size
                if image.getexif().get(_ORIENTATION) in _TURNED:
                    width, height = height, width
                picture = Picture(relative, width, height, _derivatives(relative, digest, width, height, MEDIA_TYPES[image.format]))
                # A picture whose every derivative is cached was once decoded whole. Any other is decoded
                # now, while the article naming it is known, so a truncated file is reported at that line.
                if not all(is_cached(root, variant) for variant in picture.variants):
                    image.draft(image.mode, (1, 1))  # a JPEG decoded at an eighth of its size: still every byte read, but cheaper
                    image.load()
        except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
            raise PictureError(
                f"has more pixels than the {PillowImage.MAX_IMAGE_PIXELS:,} Pillow decodes safely (a decompression bomb?)"
            ) from None
        except UnidentifiedImageError:
            raise PictureError("is not a JPEG, PNG or WebP picture") from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise PictureError(f"cannot be decoded: {error}") from None
    return picture


def _derivatives(relative: str, digest: str, width: int, height: int, media_type: str) -> tuple[ImageVariant, ...]:
    """Every derivative of a picture: the standard widths below its own, and its own up to the largest; never upscaled."""
    widths = [w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]
    stem = posixpath.splitext(relative)[0]
    variants = []
    for output_type in dict.fromkeys((WEBP, media_type)):
        for variant_width in widths:
            variant_height = max(1, round(height * variant_width / width))
            key = _derivative_key(digest, variant_width, variant_height, output_type)
            url = f"/{stem}-{variant_width}.{key[:10]}{EXTENSIONS[output_type]}"
            variants.append(ImageVariant(url, variant_width, variant_height, output_type))
    return tuple(variants)


def read_unchanged(root: Path, picture: Picture) -> bytes:
    """The picture's file, provided it is still the one its derivatives were named after (it may be edited mid-build)."""
    try:
        data = (root / picture.source).read_bytes()
    except OSError as error:
        raise PictureError(f"cannot be read ({error.strerror})") from None
    first = picture.variants[0]
    key = _derivative_key(hashlib.sha256(data).hexdigest(), first.width, first.height, first.media_type)
    if not posixpath.basename(first.url).endswith(f".{key[:10]}{EXTENSIONS[first.media_type]}"):
        raise PictureError("changed while the site was being built: build it again")
    return data


def _derivative_key(digest: str, width: int, height: int, media_type: str) -> str:
    """What a derivative's bytes depend on, hashed: the original's content, the size and format, and the encoder."""
    return hashlib.sha256(f"{digest} {width}x{height} {media_type} {_RECIPE}".encode()).hexdigest()


def cache_file(root: Path, variant: ImageVariant) -> Path:
    """Where a derivative's bytes are kept between builds: under its published name, which holds its key."""
    return root / CACHE_DIR / posixpath.basename(variant.url)


def is_cached(root: Path, variant: ImageVariant) -> bool:
    """Whether the cache holds a derivative: as a regular file, never a link (planted there, one would publish any file)."""
    try:
        return stat.S_ISREG(os.lstat(cache_file(root, variant)).st_mode)
    except OSError:
        return False
