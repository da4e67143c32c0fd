"""Picture derivatives as outputs: every raster picture the site shows, encoded once per content and recipe.

The derivatives' names were decided when the pictures were probed (khabar/pictures.py);
here they get their bytes: from the cache under .cache/images/ when an earlier build
made them, else by encoding, on every core when several pictures need it. The cache
is what keeps a second build fast and its output byte for byte the same.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps

from ..model import Site
from ..output import Output
from ..pages import ListingPage
from ..pictures import ENCODER_SETTINGS, MEDIA_TYPES, ImageVariant, Picture, PictureError, cache_file, is_cached, read_unchanged
from ..pool import Workers
from ..problems import BuildFailed, Problems

_PILLOW_FORMATS = {media_type: name for name, media_type in MEDIA_TYPES.items()}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Derivative:
    variant: ImageVariant
    source: str  # the original, relative to the project
    cached: Path  # where its bytes are


@dataclass(frozen=True)
class EncodedPictures:
    derivatives: tuple[Derivative, ...]
    encoded: int  # derivatives this build encoded
    cached: int  # derivatives an earlier build had encoded

    def outputs(self) -> Iterator[Output]:
        """Each derivative as an output, read from the cache only as it is written (there may be many)."""
        for derivative in self.derivatives:
            variant = derivative.variant
            yield Output(variant.url.lstrip("/"), variant.media_type, derivative.cached.read_bytes(), (derivative.source,))


def encode_pictures(site: Site, workers: Workers = Workers()) -> EncodedPictures:
    """Make sure every derivative of every picture the site shows is in the cache; raise BuildFailed if one cannot be."""
    root = site.config.root
    derivatives: list[Derivative] = []
    pending: list[tuple[Picture, tuple[ImageVariant, ...]]] = []
    for picture in _pictures_shown(site):
        files = {variant: cache_file(root, variant) for variant in picture.variants}
        derivatives.extend(Derivative(variant, picture.source, path) for variant, path in files.items())
        missing = tuple(variant for variant in picture.variants if not is_cached(root, variant))
        if missing:
            pending.append((picture, missing))
    # Forked workers inherit the pictures; each stores its derivatives in the cache itself.
    workers.map(lambda job: _encode(root, *job), pending, least=2, doing="encoding", what="pictures")
    encoded = sum(len(missing) for _, missing in pending)
    return EncodedPictures(tuple(derivatives), encoded, len(derivatives) - encoded)


def _pictures_shown(site: Site) -> list[Picture]:
    """The site's card, each article's picture and body pictures, and the photo of each author with a page."""
    images = [site.config.card_image, *(page.image for page in site.pages if isinstance(page, ListingPage))]
    pictures = [image.picture for image in images if image and image.picture]
    pictures.extend(picture for articles in site.articles.values() for article in articles for picture in article.pictures)
    return list(dict.fromkeys(pictures))


def _encode(root: Path, picture: Picture, variants: tuple[ImageVariant, ...]) -> None:
    """Decode a picture once and store each of its missing derivatives in the cache."""
    encoded: dict[ImageVariant, bytes] = {}
    try:
        with PillowImage.open(io.BytesIO(read_unchanged(root, picture))) as original:
            upright = _for_the_web(original)
        resized = {upright.size: upright}  # each size once, for both of its formats
        for variant in variants:
            size = (variant.width, variant.height)
            if size not in resized:
                resized[size] = upright.resize(size, PillowImage.Resampling.LANCZOS, reducing_gap=3.0)
            data = io.BytesIO()
            resized[size].save(data, _PILLOW_FORMATS[variant.media_type], **ENCODER_SETTINGS[variant.media_type])
            encoded[variant] = data.getvalue()
    except PictureError as error:
        raise BuildFailed(_problem(picture, str(error))) from None
    except (OSError, SyntaxError, ValueError, EOFError, PillowImage.DecompressionBombError) as error:
        # It was decoded whole when probed; whatever broke since, name the file, as no article line is known now.
        raise BuildFailed(_problem(picture, f"cannot be decoded: {error}")) from None
    for variant, data in encoded.items():
        target = cache_file(root, variant)
        try:
            _store(target, data)
        except OSError as error:  # a read-only project or a full disk: not the picture's fault
            raise BuildFailed(_problem(picture, f"cannot keep its derivatives in {target.parent}: {error.strerror or error}")) from None


def _for_the_web(original: PillowImage.Image) -> PillowImage.Image:
    """The picture upright (its EXIF orientation applied), in sRGB, as RGB or RGBA, with no metadata at all."""
    original.load()
    upright = ImageOps.exif_transpose(original)
    mode = "RGBA" if upright.has_transparency_data else "RGB"
    profile = original.info.get("icc_profile")
    if profile:
        try:
            source = upright.convert(mode) if upright.mode in ("P", "PA") else upright
            upright = ImageCms.profileToProfile(source, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a profile littleCMS cannot use: take the colours as sRGB, as browsers would
    clean = upright.convert(mode) if upright.mode != mode else upright.copy()
    # EXIF (GPS position, camera, owner), XMP, ICC, comments and text chunks all live in `info`; savers read it.
    clean.info = {}
    return clean


def _store(path: Path, content: bytes) -> None:
    """Write a cache file whole or not at all, so an interrupted build never leaves half a picture behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(content)
    os.replace(partial, path)


def _problem(picture: Picture, message: str) -> Problems:
    problems = Problems()
    problems.error(picture.source, 0, message)
    return problems
