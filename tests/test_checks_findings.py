"""`check`'s findings beyond what the build refuses, each family with a case it finds and one it leaves alone,
and the demo site's findings, all through the real command line."""

from __future__ import annotations

from pathlib import Path

from conftest import ScratchSite, run_cli

SEED = Path(__file__).parent / "fixtures" / "arabic-news-report.txt"  # the real page the demo was written from, as copied
DATE = "date: 2023-09-17T12:00:00+03:00"


def findings(scratch: ScratchSite, level: str = "warning") -> list[str]:
    """The findings of one level `check` prints for a scratch site, which must load without errors."""
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stderr.splitlines() if f": {level}: " in line]


def test_a_body_picture_without_alt_text_or_with_a_file_name_for_one(scratch: ScratchSite):
    scratch.article("en", "pictures", f"title: Pictures\n{DATE}", (
        "Text first.\n\n![](https://example.org/map.png)\n\nThen ![IMG_2041.jpg](https://example.org/IMG_2041.jpg) and"
        " ![ ](https://example.org/b.png)\n\n![A map of the Russian Far East](https://example.org/c.png)\n\n`![](code.png)`"
    ))
    assert findings(scratch) == [
        "content/en/pictures.md:8:1: warning: the picture https://example.org/map.png has no alt text: describe it in the"
        " brackets, ![what it shows](https://example.org/map.png)",
        "content/en/pictures.md:10:6: warning: the alt text of https://example.org/IMG_2041.jpg is a file name"
        " (IMG_2041.jpg): describe what the picture shows",
        "content/en/pictures.md:10:60: warning: the picture https://example.org/b.png has no alt text: describe it in the"
        " brackets, ![what it shows](https://example.org/b.png)",
    ]


def test_an_image_alt_that_is_a_file_name(scratch: ScratchSite):
    scratch.write("assets/images/train.jpg", (Path(__file__).parent.parent / "assets/images/armoured-train.jpg").read_bytes())
    scratch.article("en", "named", f"title: Named\n{DATE}\nimage: images/train.jpg\nimage_alt: train.jpg")
    scratch.article("en", "described", f"title: Described\n{DATE}\nimage: images/train.jpg\nimage_alt: An armoured train")
    assert findings(scratch) == [
        "content/en/named.md:5:12: warning: the alt text of images/train.jpg is a file name (train.jpg): describe what the picture shows",
    ]


def test_a_raw_html_picture_without_alt_text_where_the_site_allows_html(scratch: ScratchSite):
    scratch.article("en", "html", f"title: HTML\n{DATE}", (
        'Inline <img src="https://example.org/a.png"> and <img alt="A map" src="https://example.org/b.png">.\n\n'
        '<figure>\n  <img src="https://example.org/c.png" alt="">\n</figure>'
    ))
    assert findings(scratch) == []  # without allow_html, the tags are shown as text: no picture
    scratch.edit_config("allow_html: false", "allow_html: true")
    assert findings(scratch) == [
        'content/en/html.md:6:8: warning: the picture <img src="https://example.org/a.png"> has no alt text: add alt="what it shows"',
        'content/en/html.md:9:3: warning: the picture <img src="https://example.org/c.png"> has no alt text: add alt="what it shows"',
    ]


def test_a_summary_longer_than_a_meta_description(scratch: ScratchSite):
    long, short = "ا" * 161, "ا" * 160
    scratch.article("ar", "long", f"title: طويل\n{DATE}\nsummary: {long}")
    scratch.article("ar", "short", f"title: قصير\n{DATE}\nsummary: {short}")
    scratch.article("ar", "cut", f"title: مقتطع\n{DATE}", "كلمة " * 100)  # a summary cut from the body is not the editor's
    assert findings(scratch) == [
        "content/ar/long.md:4:10: warning: the summary has 161 characters: search results and link previews cut it after"
        " about 160, so say it in fewer",
    ]


def test_a_heading_that_skips_a_level(scratch: ScratchSite):
    scratch.article("en", "skips", f"title: Skips\n{DATE}", "Text.\n\n### Too deep\n\nText.\n\n## Right\n\n#### Too deep again\n\n# Title again")
    scratch.article("en", "steps", f"title: Steps\n{DATE}", "Text.\n\n## One\n\n### Two\n\n## One again\n\n```\n### in code\n```")
    assert findings(scratch) == [
        "content/en/skips.md:8:1: warning: a level-3 heading (###) after the title skips a level: use ##",
        "content/en/skips.md:14:1: warning: a level-4 heading (####) after a level-2 heading skips a level: use ## or ###",
        "content/en/skips.md:16:1: warning: a level-1 heading (#) in the body: the title is the page's only one; use ##",
    ]


def test_an_empty_or_repeated_tag(scratch: ScratchSite):
    scratch.article("ar", "tags", f'title: وسوم\n{DATE}\ntags: [بوتين, "", كيم, بُوتين, كيم]')
    scratch.article("ar", "fine", f"title: سليم\n{DATE}\ntags: [بوتين, كيم]")
    assert findings(scratch) == [
        "content/ar/tags.md:4:15: warning: an empty tag: remove it, or write the tag",
        "content/ar/tags.md:4:24: warning: the tag 'بُوتين' repeats the tag 'بوتين', spelled another way: list it once",
        "content/ar/tags.md:4:32: warning: the tag 'كيم' repeats the tag: list it once",
    ]


def test_a_tag_spelled_two_ways_across_the_site(scratch: ScratchSite):
    for slug in ("one", "two"):
        scratch.article("ar", slug, f"title: {slug}\n{DATE}\ntags: [أوكرانيا, بوتين]")
    scratch.article("ar", "three", f"title: three\n{DATE}\ntags:\n  - اوكرانيا\n  - بُوتين")
    scratch.article("en", "one", f"title: One\n{DATE}\ntags: [Ukraine]")
    scratch.article("en", "two", f"title: Two\n{DATE}\ntags: [ukraine]")
    assert findings(scratch) == [
        "content/ar/three.md:5:5: warning: the tag 'اوكرانيا' is spelled 'أوكرانيا' in 2 articles: each spelling has a tag"
        " page of its own; write it one way",
        "content/ar/three.md:6:5: warning: the tag 'بُوتين' is spelled 'بوتين' in 2 articles: one tag page shows whichever"
        " comes first; write it one way",
        "content/en/two.md:4:8: warning: the tag 'ukraine' is spelled 'Ukraine' in 1 article: one tag page shows whichever"
        " comes first; write it one way",
    ]


def test_two_articles_with_the_same_title_in_one_language(scratch: ScratchSite):
    scratch.article("ar", "first", f"title: بوتين يلتقي كيم\n{DATE}")
    scratch.article("ar", "second", f'title: "بُوتين يلتقي كيم."\n{DATE}')
    scratch.article("ar", "other", f"title: بوتين يلتقي شويغو\n{DATE}")
    scratch.article("en", "first", f"title: بوتين يلتقي كيم\n{DATE}")  # another language's listings: no confusion
    assert findings(scratch) == [
        "content/ar/first.md:2:8: warning: the same title as content/ar/second.md: readers cannot tell the articles apart"
        " in a listing or a search",
        "content/ar/second.md:2:9: warning: the same title as content/ar/first.md: readers cannot tell the articles apart"
        " in a listing or a search",
    ]


def test_page_chrome_pasted_from_the_seed_report(scratch: ScratchSite):
    """The seed is a real page's text: its first and last lines are the page's, not the story's."""
    paragraphs = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    scratch.article("ar", "pasted", f"title: منسوخ\n{DATE}\nauthor: nasrin-tarek", "\n\n".join(paragraphs[:5] + ["## مقالات ذات صلة", "Share this:", *paragraphs[-2:]]))
    scratch.article("ar", "prose", f"title: نثر\n{DATE}",
                    "شارك الرئيس في القمة، واقرأ أيضا ما قاله.\n\n## تقارير\n\n```\nfbpx\n```\n\nفيسبوك تويتر واتساب")
    assert findings(scratch) == [
        "content/ar/pasted.md:7: warning: 'fbpx' looks like part of the web page the text was copied from: remove the line",
        "content/ar/pasted.md:9: warning: 'تقاريرسلايدر' looks like part of the web page the text was copied from: remove the line",
        "content/ar/pasted.md:13: warning: 'متابعة: نسرين طارق' is a byline: the page names the author from 'author:', so remove the line",
        "content/ar/pasted.md:17: warning: 'مقالات ذات صلة' looks like part of the web page the text was copied from: remove the line",
        "content/ar/pasted.md:19: warning: 'Share this:' looks like part of the web page the text was copied from: remove the line",
        "content/ar/pasted.md:21: warning: 'مقالات ذات صلة' looks like part of the web page the text was copied from: remove the line",
        "content/ar/pasted.md:23: warning: 'زر الذهاب إلى الأعلى' looks like part of the web page the text was copied from: remove the line",
        "content/ar/prose.md:14: warning: 'فيسبوك تويتر واتساب' looks like part of the web page the text was copied from: remove the line",
    ]


def test_an_article_without_a_translation_is_noted_once_per_missing_language(scratch: ScratchSite):
    scratch.article("ar", "alone", f"title: وحيد\n{DATE}")
    scratch.article("ar", "pair", f"title: زوج\n{DATE}\ntranslation_key: pair")
    scratch.article("en", "pair", f"title: Pair\n{DATE}\ntranslation_key: pair\ndraft: true")  # a draft translation counts
    assert findings(scratch, "note") == [
        "content/ar/alone.md:1: note: no translation in English (en): readers in that language do not see this story"
        " (a translation is an article under content/en/ with translation_key: alone)",
    ]


def test_the_demo_sites_findings():
    """The demo's findings are its relative dates and its one untranslated story: no warning."""
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert [line for line in lines if ": note: " not in line] == []
    assert [line.split(" means ")[0] for line in lines] == [
        'content/ar/kim-russia-visit.md:18:98: note: "يوم الثلاثاء الماضي"',
        'content/ar/kim-russia-visit.md:24:176: note: "الأربعاء الماضي"',
        'content/ar/kim-russia-visit.md:44:35: note: "السبت"',
        'content/ar/kim-russia-visit.md:72:257: note: "في ديسمبر الماضي"',
        'content/ar/kim-russia-visit.md:80:32: note: "الأربعاء"',
        "content/ar/kim-thanks-putin.md:1: note: no translation in English (en): readers in that language do not see this"
        " story (a translation is an article under content/en/ with translation_key: kim-thanks-putin)",
        'content/ar/vladivostok-pacific-fleet.md:16:43: note: "السبت"',
        'content/ar/vostochny-summit.md:16:73: note: "الأربعاء"',
        'content/ar/western-concerns.md:18:33: note: "الأربعاء"',
        'content/en/kim-russia-visit.md:14:91: note: "last Tuesday"',
        'content/en/kim-russia-visit.md:20:65: note: "last Wednesday"',
        'content/en/kim-russia-visit.md:40:4: note: "Saturday"',
        'content/en/kim-russia-visit.md:68:245: note: "last December"',
        'content/en/kim-russia-visit.md:76:33: note: "Wednesday"',
        'content/en/vladivostok-pacific-fleet.md:16:4: note: "Saturday"',
        'content/en/vostochny-summit.md:16:77: note: "Wednesday"',
        'content/en/western-concerns.md:18:33: note: "Wednesday"',
    ]
