"""The glossary: names found however Arabic writes them, never in code or URLs, reported where they stand, fixed in place."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PROJECT, ScratchSite, run_cli
from khabar.checks.glossary import rewrite
from khabar.config import load_config
from khabar.glossary import Descriptor, NameFinder, Spelling, read_glossary
from khabar.problems import Problems

GLOSSARY = PROJECT / "content" / "glossary.yaml"
SEED = PROJECT / "tests" / "fixtures" / "seed-article.md"
KIM, VOSTOCHNY = "كيم جونغ أون", "فوستوتشني"
CONFIG = load_config(PROJECT)


def finder(*names: tuple[str, str, list[str], list[str]]) -> NameFinder:
    """A finder for (entry, name, variants, contradictions)."""
    spellings, descriptors = [], []
    for entry, name, variants, contradictions in names:
        spellings += [Spelling(text, entry, name, 1) for text in (name, *variants)]
        descriptors += [Descriptor(text, entry, name, 1) for text in contradictions]
    return NameFinder(spellings, descriptors)


ARABIC = finder(
    ("kim", KIM, ["كيم جونج أون"], ["الكوري الجنوبي"]),
    ("vostochny", VOSTOCHNY, ["فوستوشني"], []),
    ("yoon", "يون سوك يول", [], ["الكوري الشمالي"]),
    ("su-35", "سو-35", ["سوخوي-35"], []),
)
ENGLISH = finder(("kim", "Kim Jong Un", ["Kim Jong-un", "Kim Jung Un"], ["South Korean"]))


def variants(found_in: NameFinder, text: str) -> list[tuple[str, str]]:
    """Each variant found, as written in the text (its own span), and what it should be."""
    found, _ = found_in.find(text)
    assert all(text[v.start:v.end] == v.found for v in found)
    return [(v.found, v.spelling.canonical) for v in found]


def contradictions(found_in: NameFinder, text: str) -> list[tuple[str, str]]:
    _, found = found_in.find(text)
    return [(c.found, c.name) for c in found]


@pytest.mark.parametrize("text, found", [
    ("زار وكيم جونج أون القاعدة", "كيم جونج أون"),
    ("وصل لفوستوشني", "فوستوشني"),
    ("في بفوستوشني", "فوستوشني"),
    ("والفوستوشني", "فوستوشني"),
    ("فبالفوستوشني", "فوستوشني"),
    ("كفوستوشني", "فوستوشني"),
])
def test_a_clitic_is_left_out_of_the_variant(text: str, found: str):
    assert variants(ARABIC, text) == [(found, VOSTOCHNY if "فوستوشني" in found else KIM)]


@pytest.mark.parametrize("written", [
    "كِيمْ جُونْج أُون",  # tashkeel
    "كيـــم جونـج أون",  # tatweel
    "كيم جونج اون", "كيم جونج إون", "كيم جونج آون",  # alef and hamza forms
    "كيم\nجونج أون",  # wrapped over a line
])
def test_a_variant_is_found_however_it_is_written(written: str):
    assert variants(ARABIC, f"التقى {written} بوتين") == [(written, KIM)]


def test_ta_marbuta_alef_maqsura_and_digits_meet():
    spelled = finder(("x", "كوريا الشمالية", ["كوريه الشمالية"], []), ("y", "مستشفى", ["مشفى"], []), ("z", "سو-35", ["سوخوي-35"], []))
    assert variants(spelled, "كوريا الشماليه وكوريه الشماليه") == [("كوريه الشماليه", "كوريا الشمالية")]
    assert variants(spelled, "مستشفي ومشفي") == [("مشفي", "مستشفى")]
    assert variants(spelled, "سوخوي-٣٥ وسو-٣٥") == [("سوخوي-٣٥", "سو-35")]


@pytest.mark.parametrize("text", [
    "كيم جونغ أون", "وكيم جونغ اون", "كيمُ جونغ أون",  # the name itself, however written
    "فوستوشنيين", "افوستوشني", "ومفوستوشني",  # part of a longer word
    "كيم جونج\n\nأون",  # a blank line ends the paragraph
    "سوخوي-350",
])
def test_the_name_itself_and_other_words_are_not_variants(text: str):
    assert variants(ARABIC, text) == []


def test_english_names_match_whole_words_in_any_case():
    assert variants(ENGLISH, "KIM JONG-UN met kim jung un; Kim Jong Un's train") == [("KIM JONG-UN", "Kim Jong Un"), ("kim jung un", "Kim Jong Un")]
    assert variants(ENGLISH, "Kim Jong-unite, xKim Jung Un, Kim Jung Un2") == []


@pytest.mark.parametrize("text", [
    "الزعيم الكوري الجنوبي كيم جونج أون والرئيس الروسي",  # before it
    "كيم جونج أون، الزعيم الكوري الجنوبي، وصل",  # after it, one word between
    "التقى والكوري الجنوبي كيم جونج أون",  # with a clitic
])
def test_a_descriptor_beside_the_name_contradicts_it(text: str):
    assert contradictions(ARABIC, text) == [("الكوري الجنوبي", "كيم جونج أون")]


@pytest.mark.parametrize("text", [
    "الكوري الجنوبي. كيم جونغ أون",  # another sentence
    "الرئيس الكوري الجنوبي قال أمس في مؤتمر صحفي إن كيم جونغ أون",  # too far
    "كيم جونغ أون والرئيس الكوري الجنوبي يون سوك يول",  # nearer another name: Yoon's
    "كيم جونغ أون الكوري الشمالي",  # a descriptor other names reject, not Kim
])
def test_a_descriptor_elsewhere_contradicts_nothing(text: str):
    assert contradictions(ARABIC, text) == []


def test_english_contradictions_in_either_order():
    assert contradictions(ENGLISH, "South Korean leader Kim Jong Un") == [("South Korean", "Kim Jong Un")]
    assert contradictions(ENGLISH, "Kim Jung Un, the south korean leader") == [("south korean", "Kim Jung Un")]
    assert contradictions(ENGLISH, "Kim Jong Un left. South Korean officials") == []


# --- check, through the command line, on real files ---------------------------------------------------------------

def glossary_lines(output: str) -> list[str]:
    """The lines of check's output that come from the glossary: each names it."""
    return [line for line in output.splitlines() if "content/glossary.yaml" in line]


def with_glossary(scratch: ScratchSite, glossary: str | None = None) -> ScratchSite:
    scratch.write("content/glossary.yaml", glossary if glossary is not None else GLOSSARY.read_text(encoding="utf-8"))
    return scratch


def test_the_seed_reports_its_variants_and_its_caption_s_contradiction(scratch: ScratchSite):
    with_glossary(scratch).write("content/ar/seed-article.md", SEED.read_text(encoding="utf-8"))
    result = run_cli("check", root=scratch.root)
    lines = glossary_lines(result.stderr)
    where = "content/ar/seed-article.md"
    kim = f'warning: "كيم جونج أون" is not the house spelling: write "{KIM}" (content/glossary.yaml: \'kim-jong-un\')'
    assert f"{where}:9:18: warning: \"الكوري الجنوبي\" beside \"كيم جونج أون\" contradicts the glossary: it is not said of {KIM} (content/glossary.yaml: 'kim-jong-un')" in lines
    assert f"{where}:9:33: {kim}" in lines  # the caption
    assert f"{where}:12:43: {kim}" in lines and f"{where}:76:161: {kim}" in lines  # the body
    assert f"{where}:22:137: warning: \"فوستوشني\" is not the house spelling: write \"{VOSTOCHNY}\" (content/glossary.yaml: 'vostochny')" in lines
    # The seed writes "كيم جونغ أون" and "فوستوتشني" too: the house spellings are never reported.
    text = SEED.read_text(encoding="utf-8").split("\n")
    assert text[17].count(KIM) == 1 and text[17].count(VOSTOCHNY) == 1 and not [line for line in lines if f"{where}:18:" in line and "'pyongyang'" not in line]
    assert len([line for line in lines if "'kim-jong-un'" in line]) == 4 and len([line for line in lines if "'vostochny'" in line]) == 1
    assert result.returncode == 0  # warnings, not errors


def test_every_text_a_reader_reads_is_searched_and_code_and_urls_never(scratch: ScratchSite):
    with_glossary(scratch, """
kim-jong-un:
  kind: person
  ar: {name: كيم جونغ أون, variants: [كيم جونج أون]}
  en: {name: Kim Jong Un, variants: [Kim Jong-un], contradictions: [South Korean]}
""")
    scratch.write("content/timelines/visit.yaml", """title:
  ar: زيارة كيم جونج أون
  en: Kim Jong-un's visit
events:
  - date: 2023-09-12
    title: {ar: وصول كيم جونج أون, en: Kim Jong-un arrives}
    text: {ar: نص, en: "The South Korean Kim Jong Un, said nobody"}
""")
    scratch.article("ar", "visit", """
title: زيارة كيم جونج أون
date: 2023-09-13
summary: "ملخص: كيم جونج أون في روسيا"
tags: [كيم جونج أون, روسيا]
image: images/armoured-train.jpg
image_alt: "رسم لقطار كيم جونج أون"
caption: https://example.org/كيم جونج أون
# كيم جونج أون in a comment is for the desk, not for readers
timeline:
  - date: 2023-09-13
    timeline: visit
    title: {ar: لقاء كيم جونج أون, en: Kim Jong-un meets Putin}
""", """وصل كيم جونج أون.

`كيم جونج أون` و``مع `كيم جونج أون` ``

```
كيم جونج أون
```

    كيم جونج أون

[رابط](https://example.org/كيم جونج أون) و<https://example.org/كيم-جونج-أون> وhttps://example.org/كيم_جونج

![صورة كيم جونج أون](images/fighter-jet.jpg "كيم جونج أون في الجو")

<!-- كيم جونج أون -->
""")
    places = sorted(line.split(": warning")[0] for line in glossary_lines(run_cli("check", root=scratch.root).stderr))
    assert places == sorted([
        "content/ar/visit.md:2:14",  # title
        "content/ar/visit.md:4:17",  # summary
        "content/ar/visit.md:5:8",  # a tag
        "content/ar/visit.md:7:23",  # the picture's alt text
        "content/ar/visit.md:13:22", "content/ar/visit.md:13:40",  # a timeline event, in each language
        "content/ar/visit.md:16:5",  # the body
        "content/ar/visit.md:28:8", "content/ar/visit.md:28:46",  # a body picture's alt text and caption
        "content/timelines/visit.yaml:2:13", "content/timelines/visit.yaml:3:7",  # the timeline's title
        "content/timelines/visit.yaml:6:22", "content/timelines/visit.yaml:6:40",  # an event's title
        "content/timelines/visit.yaml:7:29",  # an event's text: "South Korean" beside Kim Jong Un
    ])


def test_fix_rewrites_the_variants_and_not_one_other_byte(scratch: ScratchSite):
    with_glossary(scratch)
    # A byte order mark, CRLF line ends, a clitic, tashkeel, a name wrapped over a line (and kept so), code, a URL and a contradiction.
    pieces = [
        "\ufeff---\r\ntitle: \"زيارة ", ("كيم جونج أون", KIM), "\"\r\ndate: 2023-09-13\r\n---\r\n\r\nوصل و", ("كِيم جونج أون", KIM),
        " إلى قاعدة ", ("فوستوشني", VOSTOCHNY), " ثم ل", ("فوستوشني", VOSTOCHNY), " مع ", ("سيرجي\r\nشويجو", "سيرغي\r\nشويغو"),
        ".\r\n\r\n`فوستوشني` https://example.org/فوستوشني\r\n\r\nالزعيم الكوري الجنوبي ", ("كيم جونج أون", KIM), ".\r\n",
    ]
    before = "".join(piece if isinstance(piece, str) else piece[0] for piece in pieces).encode("utf-8")
    after = "".join(piece if isinstance(piece, str) else piece[1] for piece in pieces).encode("utf-8")
    path = scratch.write("content/ar/visit.md", before)
    path.chmod(0o640)
    fixed = run_cli("check", "--fix", root=scratch.root)
    assert path.read_bytes() == after  # every byte but the variants' as it was: the BOM, the CRLFs, the code, the URL
    assert fixed.stdout.splitlines()[:6] == [
        f'content/ar/visit.md:2:15: fixed: "كيم جونج أون" → "{KIM}"',
        f'content/ar/visit.md:6:6: fixed: "كِيم جونج أون" → "{KIM}"',
        f'content/ar/visit.md:6:30: fixed: "فوستوشني" → "{VOSTOCHNY}"',
        f'content/ar/visit.md:6:43: fixed: "فوستوشني" → "{VOSTOCHNY}"',
        'content/ar/visit.md:6:55: fixed: "سيرجي شويجو" → "سيرغي شويغو"',  # on one line, as it is reported
        f'content/ar/visit.md:11:23: fixed: "كيم جونج أون" → "{KIM}"',
    ]
    # The contradiction is the editor's to mend: reported, not rewritten.
    assert glossary_lines(fixed.stderr) == [
        f"content/ar/visit.md:11:8: warning: \"الكوري الجنوبي\" beside \"{KIM}\" contradicts the glossary: it is not said of {KIM} (content/glossary.yaml: 'kim-jong-un')"
    ]
    assert path.stat().st_mode & 0o777 == 0o640 and [p.name for p in path.parent.iterdir()] == ["visit.md"]
    again = run_cli("check", "--fix", root=scratch.root)
    assert path.read_bytes() == after and "fixed:" not in again.stdout


def test_the_demo_spells_every_name_as_its_glossary_does():
    result = run_cli("check")
    assert result.returncode == 0 and not glossary_lines(result.stderr), result.stderr


def test_mistakes_in_the_glossary_are_reported_at_their_lines(scratch: ScratchSite):
    with_glossary(scratch, """kim-jong-un:
  kind: persn
  ar:
    name: كيم جونغ أون
    variants: [كيم جونج أون, كيم جونغ اون, "كيم: جونج"]
  fr: {name: Kim}
  en:
    variants: [Kim Jong-un]
putin:
  kind: person
  ar:
    name: فلاديمير بوتين
    variants:
      - كيم جونج أون
    wrong: [x]
    contradictions: [الأوكراني, "--"]
moscow: Moscow
empty:
  kind: place
""")
    scratch.article("ar", "story", "title: خبر عن كيم جونج أون\ndate: 2023-09-13")
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 1
    assert sorted(line for line in result.stderr.splitlines() if line.startswith("content/glossary.yaml")) == sorted([
        "content/glossary.yaml:2: error: 'kim-jong-un': unknown kind 'persn' (known: person, place, organisation, weapon, other)",
        "content/glossary.yaml:5: error: 'kim-jong-un' in 'ar': 'كيم جونغ اون' is the name itself once tashkeel, alef and hamza forms, ى/ي, ة/ه and case are set aside",
        "content/glossary.yaml:5: error: 'kim-jong-un' in 'ar': 'كيم: جونج' has ':': names are written in letters, digits, spaces, hyphens and dots",
        "content/glossary.yaml:6: error: 'kim-jong-un': unknown key 'fr' (known: kind, ar, en)",
        "content/glossary.yaml:7: error: 'kim-jong-un' in 'en': missing required key 'name'",
        "content/glossary.yaml:14: error: 'putin' in 'ar': 'كيم جونج أون' is already a spelling of 'kim-jong-un' (line 5)",
        "content/glossary.yaml:15: error: 'putin' in 'ar': unknown key 'wrong' (known: name, variants, contradictions)",
        "content/glossary.yaml:16: error: 'putin' in 'ar': the contradiction '--' has no letters",
        "content/glossary.yaml:17: error: 'moscow' must be a mapping, not str",
        "content/glossary.yaml:18: error: 'empty' spells its name in no language: add ar: or en: with a name",
    ])
    # What the glossary does say still counts.
    assert "content/ar/story.md:2:15: warning: \"كيم جونج أون\" is not the house spelling" in result.stderr


def test_the_glossary_is_no_stray_file_of_content(scratch: ScratchSite):
    with_glossary(scratch)
    scratch.article("en", "story", "title: Kim Jong-un in Russia\ndate: 2023-09-13")
    built = scratch.build()
    assert built.returncode == 0 and "glossary" not in built.stderr, built.stderr


def test_fix_writes_the_house_spelling_in_english_and_leaves_a_broken_site_alone(scratch: ScratchSite):
    with_glossary(scratch)
    english = scratch.article("en", "visit", "title: KIM JONG-UN in Vostochniy\ndate: 2023-09-13", "Pyong Yang said so.")
    broken = scratch.article("ar", "broken", "title: كيم جونج أون\ndate: not a date")
    before = broken.read_bytes()
    refused = run_cli("check", "--fix", root=scratch.root)
    assert refused.returncode == 1 and "fixed:" not in refused.stdout and broken.read_bytes() == before
    broken.unlink()
    fixed = run_cli("check", "--fix", root=scratch.root)
    assert fixed.stdout.splitlines()[:3] == [
        'content/en/visit.md:2:8: fixed: "KIM JONG-UN" → "Kim Jong Un"',
        'content/en/visit.md:2:23: fixed: "Vostochniy" → "Vostochny"',
        'content/en/visit.md:6:1: fixed: "Pyong Yang" → "Pyongyang"',
    ]
    assert english.read_text(encoding="utf-8") == "---\ntitle: Kim Jong Un in Vostochny\ndate: 2023-09-13\n---\n\nPyongyang said so.\n"


# Between the names: Latin letters, digits, punctuation, spaces and both kinds of line end, never an Arabic letter.
_FILLER = st.text(alphabet="ab1 .,:\n\r\t«»-", max_size=12).map(lambda filler: f" {filler} ")
_NAMES = st.sampled_from([("كيم جونج أون", KIM), ("وكيم جونج أون", "و" + KIM), ("فوستوشني", VOSTOCHNY), ("لفوستوشني", "ل" + VOSTOCHNY),
                          ("كِيم جونج\r\nأون", "كيم جونغ\r\nأون"), (KIM, KIM), (VOSTOCHNY, VOSTOCHNY)])


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(bom=st.booleans(), pieces=st.lists(st.tuples(_FILLER, _NAMES), max_size=6), tail=_FILLER)
def test_fix_changes_the_variants_and_no_other_byte_whatever_surrounds_them(tmp_path_factory, bom, pieces, tail):
    root = tmp_path_factory.mktemp("fix")
    before = ("\ufeff" if bom else "") + "".join(filler + name for filler, (name, _) in pieces) + tail
    after = ("\ufeff" if bom else "") + "".join(filler + fixed for filler, (_, fixed) in pieces) + tail
    (root / "story.md").write_bytes(before.encode("utf-8"))
    text = before.removeprefix("\ufeff").replace("\r\n", "\n")
    found, _ = ARABIC.find(text)
    if found:
        assert rewrite(root, "story.md", found)
    assert (root / "story.md").read_bytes() == after.encode("utf-8")


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.sampled_from(["ar", "en", "name", "variants", "kind", "person", KIM]))
_YAML_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_SCALARS.map(str), inner, max_size=4), max_leaves=20)


# Entries of the right shape with any text for spellings: the finder's patterns are made from them.
_SPELLINGS = st.text(alphabet=st.sampled_from("كيم جونغأونـَ-.()[]*+?\\|^$ abK1٣"), max_size=10)
_ENTRIES = st.fixed_dictionaries({"kind": st.sampled_from(["person", "weapon", "x"]), "ar": st.fixed_dictionaries(
    {"name": _SPELLINGS}, optional={"variants": st.lists(_SPELLINGS, max_size=3), "contradictions": st.lists(_SPELLINGS, max_size=3)})})


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(glossary=st.dictionaries(st.text(min_size=1, max_size=6), _YAML_VALUES | _ENTRIES, max_size=4))
def test_any_glossary_is_read_or_reported_never_a_crash(tmp_path_factory, glossary):
    root = tmp_path_factory.mktemp("glossary")
    (root / "content").mkdir()
    (root / "content" / "glossary.yaml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    problems = Problems()
    finders = read_glossary(replace(CONFIG, root=root), problems)
    assert all(problem.path == "content/glossary.yaml" and "\n" not in str(problem) for problem in problems.errors)
    for finder in finders.values():
        finder.find(f"التقى {KIM} وKim Jong Un")
