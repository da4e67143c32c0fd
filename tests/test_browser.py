"""The demo site in real headless Chromium (Debian's), on a phone-sized screen: accessibility, layout, slider."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from conftest import PROJECT
from system import ensure_program, lighthouse

PAGES = [
    "/ar/", "/en/", "/ar/2023/09/kim-russia-visit/", "/en/2023/09/world-press-summit/",
    "/ar/2023/09/kim-thanks-putin/", "/ar/categories/news/", "/en/authors/nasrin-tarek/", "/ar/page/2/", "/404.html",
    "/ar/timelines/", "/ar/timelines/visit/", "/en/timelines/arms/", "/en/2023/09/aircraft-plant-visit/",
    "/ar/search/", "/en/search/",
]


@pytest.mark.parametrize("url", PAGES)
def test_no_accessibility_violations(phone: Page, server: str, url: str):
    phone.goto(server + url)
    results = Axe().run(phone)
    violations = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]]
    assert violations == [], results.generate_report()


@pytest.mark.parametrize("url", PAGES)
def test_nothing_overflows_a_phone_screen(phone: Page, server: str, url: str):
    phone.goto(server + url)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_arabic_web_font_is_shipped_and_used(phone: Page, server: str):
    failed: list[str] = []
    phone.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    phone.goto(server + "/ar/2023/09/kim-russia-visit/")
    phone.wait_for_load_state("networkidle")
    phone.evaluate("document.fonts.ready.then(() => true)")
    loaded = phone.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight)")
    assert '"Noto Naskh Arabic" 400' in loaded or "Noto Naskh Arabic 400" in loaded
    assert phone.evaluate("getComputedStyle(document.querySelector('.article-body')).fontFamily").startswith('"Noto Naskh Arabic"')
    assert failed == []


def test_slider_scrolls_by_keyboard_and_by_its_numbered_links(phone: Page, server: str):
    phone.goto(server + "/ar/")
    slides = phone.locator(".slides")
    slides.focus()
    assert phone.evaluate("document.activeElement.classList.contains('slides')")
    phone.keyboard.press("ArrowLeft")  # in a right-to-left strip the next slide lies to the left
    phone.wait_for_function("Math.abs(document.querySelector('.slides').scrollLeft) > 100")
    phone.locator(".slider-dots a").nth(0).click()
    phone.wait_for_function("Math.abs(document.querySelector('.slides').scrollLeft) < 5")
    phone.locator(".slider-dots a").nth(2).click()
    phone.wait_for_function("(() => { const box = document.querySelector('#slide-3').getBoundingClientRect();"
                            " return box.left >= 0 && box.right <= window.innerWidth; })()")


def test_skip_link_is_first_and_moves_focus_to_main(phone: Page, server: str):
    phone.goto(server + "/en/2023/09/vostochny-summit/")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert phone.locator(".skip-link").is_visible()
    phone.keyboard.press("Enter")
    phone.wait_for_function("document.activeElement.id === 'main'")


def test_language_switch_goes_to_the_translation(phone: Page, server: str):
    phone.goto(server + "/ar/2023/09/vostochny-summit/")
    phone.locator(".language-switch a[hreflang=en]").click()
    phone.wait_for_url("**/en/2023/09/vostochny-summit/")
    assert phone.evaluate("document.documentElement.dir") == "ltr"
    assert "Vostochny" in phone.locator("h1").inner_text()


@pytest.mark.parametrize("url", [
    "/ar/", "/ar/2023/09/kim-russia-visit/", "/en/timelines/visit/", "/ar/search/", "/en/search/",
    "/ar/search/?q=بوتين", "/en/search/?q=Vostochny",  # with the results the address asks for
])
def test_lighthouse_scores_on_a_phone(server: str, url: str, tmp_path):
    """Lighthouse's mobile audit (throttled, phone-sized): every category at 95 or more."""
    chromium = ensure_program("chromium", "chromium")
    report = tmp_path / "report.json"
    flags = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
    subprocess.run(
        [str(lighthouse(PROJECT / ".cache")), server + url, "--quiet", f"--chrome-flags={flags}",
         "--output=json", f"--output-path={report}"],
        check=True, env={**os.environ, "CHROME_PATH": chromium}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    scores = {name: round(category["score"] * 100) for name, category in json.loads(report.read_text())["categories"].items()}
    assert set(scores) == {"performance", "accessibility", "best-practices", "seo"}
    assert min(scores.values()) >= 95, scores
