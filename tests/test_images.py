"""Pictures: derivatives at the advertised widths and formats, no metadata, a cache that spares a second build,
clear errors for unusable files, and URLs under a sub-path."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from conftest import PROJECT, BuiltSite, ScratchSite
from khabar.outputs.images import _encode as encode
from khabar.pictures import picture_of
from khabar.pipeline import load_site
from khabar.problems import BuildFailed

GOOD = "title: Story\ndate: 2023-09-13T10:00:00+03:00"
FORMAT_OF = {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
PHOTOGRAPHER = "Photographer: A. Nonymous, Vladivostok"
NOW = "2023-09-20T12:00:00+03:00"


def photo_with_gps(size: tuple[int, int] = (1200, 800)) -> bytes:
    """A camera-like JPEG: GPS position, camera and owner in EXIF, turned a quarter by its orientation tag, an ICC
    profile, XMP and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera maker"
    exif[ExifTags.Base.Artist] = PHOTOGRAPHER
    exif[ExifTags.Base.Orientation] = 6  # shown turned a quarter clockwise: 800 wide, 1200 high
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 7.0, 15.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (131.0, 53.0, 30.0)
    picture = Image.new("RGB", size, (180, 60, 40))
    picture.paste((30, 90, 160), (0, 0, size[0] // 2, size[1]))
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{PHOTOGRAPHER}</rdf:Description></x:xmpmeta>'.encode()
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", exif=exif, icc_profile=profile, xmp=xmp, comment=PHOTOGRAPHER, quality=90)
    return encoded.getvalue()


def png_with_alpha(size: tuple[int, int]) -> bytes:
    """A half-transparent PNG with the same GPS EXIF, a broken ICC profile and a text chunk naming the photographer."""
    picture = Image.new("RGBA", size, (20, 120, 60, 128))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (43.0, 7.0, 15.0)
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", PHOTOGRAPHER)
    encoded = io.BytesIO()
    picture.save(encoded, "PNG", exif=exif, icc_profile=b"not a profile", pnginfo=text)
    return encoded.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a huge size in its header: opening it is enough to see the bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def candidates(srcset: str) -> list[tuple[str, int]]:
    """(URL, width) of each candidate of a srcset."""
    found = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        assert descriptor.endswith("w"), srcset
        found.append((url, int(descriptor[:-1])))
    return found


def built_file(site: BuiltSite, url: str, prefix: str = "/") -> Path:
    assert url.startswith(prefix), f"{url} does not start with {prefix}"
    path = site.out / unquote(url[len(prefix):])
    assert path.is_file(), f"{url} is not in the built site"
    return path


def check_pictures(site: BuiltSite, page: BeautifulSoup, prefix: str = "/") -> int:
    """Every <picture> of a page: each candidate exists with the width it advertises and the format its type says,
    and the fallback's width and height are those of its file. Returns how many pictures there were."""
    pictures = page.select("picture")
    for picture in pictures:
        image = picture.select_one("img")
        sources = picture.select("source")
        assert [source["type"] for source in sources] in (["image/webp"], []), picture
        for source in sources:
            assert source["sizes"] == image["sizes"]
            for url, width in candidates(source["srcset"]):
                with Image.open(built_file(site, url, prefix)) as derivative:
                    assert (derivative.format, derivative.width) == ("WEBP", width), url
        fallback_format = FORMAT_OF[Path(image["src"]).suffix]
        listed = candidates(image["srcset"])
        assert [width for _, width in listed] == sorted(width for _, width in listed)
        for url, width in listed:
            with Image.open(built_file(site, url, prefix)) as derivative:
                assert (derivative.format, derivative.width) == (fallback_format, width), url
        with Image.open(built_file(site, image["src"], prefix)) as fallback:
            assert (int(image["width"]), int(image["height"])) == fallback.size
        assert image["src"] == listed[-1][0]
    return len(pictures)


def assert_no_metadata(path: Path) -> None:
    content = path.read_bytes()
    with Image.open(path) as derivative:
        assert not derivative.getexif(), path
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(derivative.info), (path, derivative.info.keys())
    assert b"Exif" not in content and PHOTOGRAPHER.encode() not in content and b"Vladivostok" not in content, path


def picture_line(stdout: str) -> tuple[int, int, int]:
    match = re.search(r"pictures: (\d+) derivatives, (\d+) encoded, (\d+) from the cache", stdout)
    assert match, stdout
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_every_picture_of_the_demo_has_its_derivatives(demo: BuiltSite):
    shown = 0
    for path in demo.html_files():
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        shown += check_pictures(demo, page)
        # The first picture of a page is fetched first; every later one waits until it nears the screen.
        images = page.select("main img")
        if images:
            assert "fetchpriority" not in " ".join(str(image) for image in images[1:]), path
            assert all(image.get("loading") == "lazy" for image in images if not image.get("fetchpriority"))
    assert shown > 100
    hero = demo.page("/ar/2023/09/vostochny-summit/").select_one(".hero img")
    assert hero["fetchpriority"] == "high" and "loading" not in hero.attrs
    assert hero["sizes"] == "(min-width: 48rem) 42rem, 100vw"
    widths = [width for _, width in candidates(hero["srcset"])]
    assert widths == [320, 640, 960, 1280, 1600]  # the 1600-pixel original is never upscaled to 1920
    first_slide = demo.page("/en/").select_one(".slide img")
    assert first_slide["fetchpriority"] == "high"


def test_the_demo_publishes_no_raster_original(demo: BuiltSite):
    published = {path.name for path in (demo.out / "assets" / "images").iterdir()}
    originals = [path.name for path in (Path(__file__).parent.parent / "assets" / "images").glob("*.jpg")]
    assert originals and not set(originals) & published
    for name in published:
        if not name.endswith(".svg"):
            assert re.fullmatch(r"[\w-]+-\d+\.[0-9a-f]{10}\.(jpg|png|webp)", name), name
    # The site's card image (for link previews) is published in its own format at its own width.
    card = [name for name in published if name.startswith("site-card-1200.") and name.endswith(".png")]
    assert len(card) == 1
    with Image.open(demo.out / "assets" / "images" / card[0]) as picture:
        assert picture.size == (1200, 630)


def test_body_pictures_are_responsive_with_a_caption(demo: BuiltSite):
    figure = demo.page("/en/2023/09/vladivostok-pacific-fleet/").select_one(".article-body figure")
    assert figure.select_one("figcaption").get_text() == "Illustration: a fighter jet in flight."
    image = figure.select_one("picture img")
    assert image["alt"] == "An illustration of a fighter jet above the clouds"
    assert image["loading"] == "lazy" and "title" not in image.attrs


def test_metadata_is_stripped_and_the_original_not_published(scratch: ScratchSite):
    original = photo_with_gps()
    scratch.write("assets/images/summit.jpg", original)
    scratch.write("assets/images/badge.png", png_with_alpha((500, 300)))
    scratch.article("en", "story", f"{GOOD}\nimage: images/summit.jpg\nimage_alt: The summit",
                    "A paragraph.\n\n![A badge](/assets/images/badge.png)\n\nAnother paragraph.")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    site = scratch.built()
    page = site.page("/en/2023/09/story/")
    assert check_pictures(site, page) == 2
    hero = page.select_one(".hero img")
    assert (hero["width"], hero["height"]) == ("800", "1200")  # the EXIF orientation is applied, then dropped
    body = page.select_one(".article-body picture img")
    assert [width for _, width in candidates(body["srcset"])] == [320, 500] and body["src"].endswith(".png")

    derivatives = sorted(path for path in (site.out / "assets" / "images").iterdir() if path.suffix != ".svg")
    assert len(derivatives) == 2 * len([320, 640, 800]) + 2 * len([320, 500])
    for derivative in derivatives:
        assert_no_metadata(derivative)
        assert derivative.read_bytes() != original
    with Image.open(next(path for path in derivatives if path.suffix == ".png")) as badge:
        assert badge.mode == "RGBA"  # transparency survives
    assert not any(path.name in ("summit.jpg", "badge.png") for path in site.out.rglob("*"))


def test_a_second_build_encodes_nothing_and_writes_the_same_bytes(scratch: ScratchSite, tmp_path: Path):
    scratch.write("assets/images/summit.jpg", photo_with_gps((1000, 600)))
    scratch.article("ar", "story", f"{GOOD}\nimage: images/summit.jpg\nimage_alt: القمة")
    first = scratch.build("--now", NOW)
    assert first.returncode == 0, first.stderr
    assert picture_line(first.stdout) == (4, 4, 0)  # upright, 320 and 600 wide, in WebP and JPEG
    before = tree_digest(scratch.out)
    second = scratch.build("--now", NOW)
    assert second.returncode == 0, second.stderr
    assert picture_line(second.stdout) == (4, 0, 4)
    assert tree_digest(scratch.out) == before
    assert len(list((scratch.root / ".cache" / "images").iterdir())) == 4


def test_picture_urls_carry_the_base_path(scratch: ScratchSite):
    scratch.write("assets/images/summit.jpg", photo_with_gps((700, 400)))
    scratch.write("assets/images/the badge, in green.png", png_with_alpha((400, 400)))
    scratch.article("en", "story", f"{GOOD}\nimage: images/summit.jpg\nimage_alt: The summit",
                    "A paragraph.\n\n![A badge](<images/the badge, in green.png>)")
    scratch.article("en", "plain", GOOD.replace("Story", "Plain"), "![A badge](<images/the badge, in green.png>)")
    result = scratch.build("--base-url", "https://example.org/microsite/")
    assert result.returncode == 0, result.stderr
    site = scratch.built()
    # An article without a picture of its own: its body's first picture is the page's first.
    first = site.page("/en/2023/09/plain/").select_one(".article-body img")
    assert first["fetchpriority"] == "high" and "loading" not in first.attrs
    for url in ("/en/2023/09/story/", "/en/", "/en/2023/09/plain/"):
        page = site.page(url)
        assert check_pictures(site, page, prefix="/microsite/") >= 1
        addresses = [image["src"] for image in page.select("img")]
        addresses += [url for tag in page.select("[srcset]") for url, _ in candidates(tag["srcset"])]
        assert addresses and all(address.startswith("/microsite/assets/images/") for address in addresses)


def test_author_photos_webp_and_svg_pictures(scratch: ScratchSite):
    scratch.write("assets/images/nasrin.png", png_with_alpha((400, 400)))
    scratch.write("assets/images/map.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"/>')
    webp = io.BytesIO()
    Image.new("RGB", (700, 500), (90, 90, 200)).save(webp, "WEBP")
    scratch.write("assets/images/chart.webp", webp.getvalue())
    scratch.edit_config("      en: A journalist covering Asian affairs and Russia's relations in Asia.\n",
                        "      en: A journalist covering Asian affairs and Russia's relations in Asia.\n    photo: images/nasrin.png\n")
    scratch.article("en", "story", f"{GOOD}\nauthor: nasrin-tarek\nimage: images/map.svg\nimage_alt: A map",
                    "A paragraph.\n\n![A chart](images/chart.webp)")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    site = scratch.built()
    author = site.page("/en/authors/nasrin-tarek/")
    assert check_pictures(site, author) == 1
    photo = author.select_one("picture img.author-photo")
    assert (photo["width"], photo["height"], photo["alt"], photo["sizes"]) == ("400", "400", "", "6rem")
    card = author.select_one(".card img")
    assert re.fullmatch(r"/assets/images/map\.[0-9a-f]{10}\.svg", card["src"]) and card.find_parent("picture") is None
    assert card["loading"] == "lazy"  # the photo is the author page's first picture
    # A WebP original has WebP derivatives only: no <source> beside its <img>.
    article = site.page("/en/2023/09/story/")
    assert check_pictures(site, article) == 1
    chart = article.select_one(".article-body picture")
    assert not chart.select("source") and chart.img["src"].endswith(".webp")


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").split("\n").index(text) + 1


def test_unusable_pictures_are_errors_at_their_line(scratch: ScratchSite):
    truncated = photo_with_gps()
    scratch.write("assets/images/truncated.jpg", truncated[: len(truncated) // 2])
    scratch.write("assets/images/notes.jpg", b"these are notes, not a picture\n")
    scratch.write("assets/images/bomb.png", png_header(30_000, 30_000))
    articles = [
        scratch.article("ar", "truncated", f"{GOOD}\nimage: images/truncated.jpg\nimage_alt: x"),
        scratch.article("ar", "notes", f"{GOOD}\nimage: images/notes.jpg\nimage_alt: x"),
        scratch.article("ar", "bomb", GOOD, "A paragraph\nover two lines.\n\n![x](images/bomb.png)"),
        scratch.article("ar", "missing", GOOD, "A paragraph.\n\n![x](/assets/images/missing.png)"),
        scratch.article("ar", "outside", GOOD, "![x](../../site.yaml)"),
        scratch.article("ar", "font", GOOD, "![x](fonts/noto-naskh-arabic-400.woff2)"),
    ]
    lines = [
        "image: images/truncated.jpg", "image: images/notes.jpg", "![x](images/bomb.png)",
        "![x](/assets/images/missing.png)", "![x](../../site.yaml)", "![x](fonts/noto-naskh-arabic-400.woff2)",
    ]
    messages = [
        "image 'images/truncated.jpg' cannot be decoded: image file is truncated",
        "image 'images/notes.jpg' is not a JPEG, PNG or WebP picture",
        "image 'images/bomb.png' has more pixels than the 89,478,485 Pillow decodes safely (a decompression bomb?)",
        "image '/assets/images/missing.png' not found under assets/",
        "image '../../site.yaml' is outside assets/",
        "image 'fonts/noto-naskh-arabic-400.woff2' is not a JPEG, PNG, WebP or SVG picture",
    ]
    result = scratch.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for article, line, message in zip(articles, lines, messages):
        expected = f"{article.relative_to(scratch.root).as_posix()}:{line_of(article, line)}: error: {message}"
        assert expected in result.stderr, f"{expected!r} not in:\n{result.stderr}"
    assert "6 problem(s) found; nothing was written." in result.stderr
    assert not scratch.out.exists()


def test_unusable_pictures_in_site_yaml_are_errors_at_their_line(scratch: ScratchSite):
    scratch.write("assets/images/card.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"/>')
    scratch.edit_config("base_url: https://example.org/\n", "base_url: https://example.org/\ncard_image: images/card.svg\n")
    desk = "      en: Follows what the world's newspapers and news agencies publish.\n"
    scratch.edit_config(desk, f"{desk}    photo: images/absent.jpg\n")
    scratch.article("ar", "story", GOOD)
    result = scratch.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    config = scratch.root / "site.yaml"
    card, photo = line_of(config, "card_image: images/card.svg"), line_of(config, "    photo: images/absent.jpg")
    assert result.stderr.splitlines() == [
        f"site.yaml:{card}: error: a card image needs 'card_image_alt': a short description per language",
        f"site.yaml:{card}: error: the card image must be a JPEG, PNG or WebP picture under assets/ (link previews do not show SVG)",
        f"site.yaml:{photo}: error: author 'monitoring-desk': image 'images/absent.jpg' not found under assets/",
        "3 problem(s) found; nothing was written.",
    ]
    assert not scratch.out.exists()


def test_the_model_gives_pictures_for_link_previews_and_page_inputs():
    site, _, _ = load_site(PROJECT)
    card = site.card_images["en"]
    assert card.alt == "The site's logo and its name, \"Kim in Russia\", in Arabic and English"
    assert site.card_images["ar"].alt.startswith("شعار الموقع")
    largest = card.picture.largest()
    assert (largest.width, largest.height, largest.media_type) == (1200, 630, "image/png")
    page = next(page for page in site.pages if page.url == "/ar/2023/09/vostochny-summit/")
    largest = page.article.image.picture.largest()
    assert (largest.width, largest.height, largest.media_type) == (1600, 900, "image/jpeg")
    assert "assets/images/vostochny-rocket.jpg" in page.sources  # the page names its derivatives


def test_a_picture_edited_while_the_site_builds_is_refused_not_cached(tmp_path: Path):
    (tmp_path / "assets").mkdir()
    Image.new("RGB", (400, 300), (10, 20, 30)).save(tmp_path / "assets" / "train.jpg")
    picture = picture_of(tmp_path, "assets/train.jpg")
    Image.new("RGB", (400, 300), (200, 20, 30)).save(tmp_path / "assets" / "train.jpg")
    with pytest.raises(BuildFailed) as failure:
        encode(tmp_path, picture, picture.variants)
    assert [str(error) for error in failure.value.problems.errors] == [
        "assets/train.jpg: error: changed while the site was being built: build it again"
    ]
    assert not (tmp_path / ".cache").exists()


def test_a_cache_that_cannot_be_written_is_named_as_such_not_blamed_on_the_picture(scratch: ScratchSite):
    scratch.write("assets/images/summit.jpg", photo_with_gps((700, 400)))
    scratch.article("en", "story", f"{GOOD}\nimage: images/summit.jpg\nimage_alt: The summit")
    scratch.write(".cache", "a file where the cache's folder should be")
    result = scratch.build()
    problem, summary = result.stderr.splitlines()
    assert result.returncode == 1 and summary == "1 problem(s) found; nothing was written."
    assert problem.startswith(f"assets/images/summit.jpg: error: cannot keep its derivatives in {scratch.root / '.cache' / 'images'}: ")
    assert not scratch.out.exists()
