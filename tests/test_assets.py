"""Assets under fingerprinted names, and the links that reach them."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import BuiltSite, ScratchSite
from khabar.assets import Asset, collect_assets
from khabar.links import Links
from khabar.problems import Problems


def assets_of(root: Path) -> dict[str, Asset]:
    problems = Problems()
    assets = collect_assets(root, problems)
    assert not problems, problems.errors
    return assets


def test_every_asset_is_published_under_a_name_carrying_its_content_hash(scratch: ScratchSite):
    assets = assets_of(scratch.root)
    font = assets["fonts/noto-naskh-arabic-400.woff2"]
    assert re.fullmatch(r"fonts/noto-naskh-arabic-400\.[0-9a-f]{10}\.woff2", font.published)
    assert font.output().media_type == "font/woff2" and font.output().path == f"assets/{font.published}"
    stylesheet = assets["css/site.css"].content.decode()
    assert f'url("../{font.published}")' in stylesheet and "noto-naskh-arabic-400.woff2" not in stylesheet
    assert assets["css/site.css"].output().inputs == (
        "assets/css/site.css", "assets/fonts/noto-naskh-arabic-400.woff2", "assets/fonts/noto-naskh-arabic-700.woff2")


def test_a_changed_font_renames_the_font_and_the_stylesheet_that_names_it(scratch: ScratchSite):
    before = assets_of(scratch.root)
    font = scratch.root / "assets/fonts/noto-naskh-arabic-700.woff2"
    font.write_bytes(font.read_bytes() + b"\0")
    after = assets_of(scratch.root)
    assert after["fonts/noto-naskh-arabic-700.woff2"].published != before["fonts/noto-naskh-arabic-700.woff2"].published
    assert after["css/site.css"].published != before["css/site.css"].published
    assert after["fonts/noto-naskh-arabic-400.woff2"].published == before["fonts/noto-naskh-arabic-400.woff2"].published


def test_links_reach_assets_by_their_published_names_under_the_base_path(scratch: ScratchSite):
    assets = assets_of(scratch.root)
    links = Links("https://example.org/microsite/", assets)
    published = assets["images/favicon.svg"].published
    assert links.asset("images/favicon.svg") == f"/microsite/assets/{published}"
    assert links.href("/assets/images/favicon.svg") == f"/microsite/assets/{published}"
    assert links.absolute("/ar/") == "https://example.org/microsite/ar/"


def test_links_inside_article_bodies_get_the_base_path_and_become_absolute_for_feeds():
    links = Links("https://example.org/microsite/", {})
    body = '<p><a href="/ar/tags/روسيا/?a=1&amp;b=2">x</a> <a href="https://other.example/">y</a></p>' \
           '<img src="/media/a-640.jpg" srcset="/media/a-640.jpg 640w, /media/a-1280.jpg 1280w" alt="">'
    assert links.in_html(body) == (
        '<p><a href="/microsite/ar/tags/%D8%B1%D9%88%D8%B3%D9%8A%D8%A7/?a=1&amp;b=2">x</a> <a href="https://other.example/">y</a></p>'
        '<img src="/microsite/media/a-640.jpg" srcset="/microsite/media/a-640.jpg 640w, /microsite/media/a-1280.jpg 1280w" alt="">'
    )
    assert 'src="https://example.org/microsite/media/a-640.jpg"' in links.in_html(body, absolute=True)


def test_the_built_site_names_no_asset_by_its_source_name(demo: BuiltSite):
    for path in demo.html_files():
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'/assets/[\w/-]+\.(css|js|woff2|svg)"', html), path
