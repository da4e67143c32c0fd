#!/usr/bin/env python3
"""The @font-face adjustments that make a local fallback font take the web font's room.

    pip install fonttools brotli      # only for this script, not the build
    python3 tools/fallback_metrics.py assets/fonts/noto-naskh-arabic-400.woff2 /path/to/NotoSansArabic-Regular.ttf

size-adjust scales the fallback so that the seed report's Arabic letters, weighted by how
often they occur, take the same width as in the web font; the ascent and descent overrides
then give it the web font's line metrics (browsers apply them after size-adjust, hence the
division). The figures in assets/css/site.css come from this script.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from fontTools.ttLib import TTFont

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "arabic-news-report.txt"


def average_advance(font: TTFont, letters: Counter[str]) -> float:
    """The mean advance width of the letters, weighted by frequency, in ems."""
    cmap, advances = font.getBestCmap(), font["hmtx"]
    total = counted = 0
    for letter, count in letters.items():
        glyph = cmap.get(ord(letter))
        if glyph is not None:
            total += advances[glyph][0] * count
            counted += count
    return total / counted / font["head"].unitsPerEm


def main(web_font: str, fallback: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    letters = Counter(char for char in text if "\u0600" <= char <= "\u06ff" or char == " ")
    web, local = TTFont(web_font), TTFont(fallback)
    size_adjust = average_advance(web, letters) / average_advance(local, letters)
    em = web["head"].unitsPerEm
    ascent, descent = web["hhea"].ascent / em, -web["hhea"].descent / em
    print(f"size-adjust: {size_adjust:.1%};")
    print(f"ascent-override: {ascent / size_adjust:.1%};")
    print(f"descent-override: {descent / size_adjust:.1%};")
    print("line-gap-override: 0%;")


if __name__ == "__main__":
    main(*sys.argv[1:3])
