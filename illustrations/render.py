#!/usr/bin/env python3
"""Render the demo's drawn illustrations (SVG) and the site card (HTML) to the raster pictures under assets/images/.

The rasters are committed; run this again after editing a drawing. It needs
Debian's chromium (driven through playwright) and Pillow.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PICTURES = HERE.parent / "assets" / "images"
ILLUSTRATION_SIZE = (1600, 900)
CARD_SIZE = (1200, 630)  # what link previews show best


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": ILLUSTRATION_SIZE[0], "height": ILLUSTRATION_SIZE[1]})
        for drawing in sorted(HERE.glob("*.svg")):
            svg = drawing.read_text(encoding="utf-8").replace("<svg ", '<svg width="100%" height="100%" ', 1)
            page.set_content(f'<body style="margin:0;overflow:hidden">{svg}</body>')
            _save(page.screenshot(), PICTURES / f"{drawing.stem}.jpg")
        page.set_viewport_size({"width": CARD_SIZE[0], "height": CARD_SIZE[1]})
        page.goto((HERE / "card.html").as_uri())
        page.evaluate("document.fonts.ready")
        _save(page.screenshot(), PICTURES / "site-card.png")
        browser.close()


def _save(screenshot: bytes, target: Path) -> None:
    picture = Image.open(io.BytesIO(screenshot)).convert("RGB")
    if target.suffix == ".jpg":
        picture.save(target, "JPEG", quality=90, optimize=True, progressive=True)
    else:
        picture.save(target, "PNG", optimize=True)
    print(f"{target.relative_to(HERE.parent)}: {picture.width}×{picture.height}, {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
