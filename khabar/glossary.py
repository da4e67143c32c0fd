"""The house style's glossary (content/glossary.yaml): how each name is spelled, and how it is not.

A desk spells one name several ways (كيم جونج أون, كيم جونغ أون) and now and then
describes someone as what they are not (Kim Jong Un "الكوري الجنوبي"). The glossary
gives each person, place, organisation and weapon its one spelling per language, the
variants seen in copy, and the descriptors that contradict it; `NameFinder` finds them
in a text as written, Arabic-aware, so each sighting keeps its exact place in the file.
"""

from __future__ import annotations

import bisect
import os
import re
import unicodedata
from dataclasses import dataclass

from .config import CONTENT_DIR, SiteConfig
from .fields import FieldReader, YamlMapping, parse_mapping, suggest
from .problems import Problems
from .sourcefile import read_source
from .textnorm import WORD_MARKS, spelling_key, spelling_pattern

GLOSSARY_FILE = "glossary.yaml"  # under content/, beside the language folders
GLOSSARY_PATH = f"{CONTENT_DIR}/{GLOSSARY_FILE}"
KINDS = ["person", "place", "organisation", "weapon", "other"]
SPELLING_KEYS = ["name", "variants", "contradictions"]

# A descriptor stands "beside" a name when no more than this many words come between them, in either order,
# within one sentence: "الزعيم الكوري الجنوبي كيم جونج أون" (none), "Kim Jong Un, the South Korean leader" (one).
WORDS_BETWEEN = 3
_CHARACTERS_BETWEEN = 120  # more than three words ever take, with their punctuation: farther is not beside
_SENTENCE_END = re.compile(r"[.!?؟؛…]|\n[^\S\n]*\n")
_WORD = re.compile(r"\w")
_WORD_CHARACTER = rf"[\w{WORD_MARKS}]"
# Clitics an Arabic name may wear: و or ف (and), then ب, ك or ل (with, as, for), or the article, or both (بال, لل).
_CLITICS = "(?:[وف]?(?:[بكل]?ال|لل|[بكل])?)"
_CLITIC = re.compile(_CLITICS)
_WORD_RUN = re.compile(_WORD_CHARACTER + "+")


@dataclass(frozen=True)
class Spelling:
    """One way the glossary writes a name in one language: the canonical one, or a variant of it."""

    text: str
    entry: str  # the glossary entry's key, e.g. "kim-jong-un"
    canonical: str
    line: int  # its line in glossary.yaml

    @property
    def is_variant(self) -> bool:
        return self.text != self.canonical


@dataclass(frozen=True)
class Descriptor:
    """Words that must not stand beside an entry's name."""

    text: str
    entry: str
    canonical: str
    line: int


@dataclass(frozen=True)
class Variant:
    """A variant spelling found in a text: `found` from `start` to `end`, to be written `canonical`."""

    start: int
    end: int
    found: str
    spelling: Spelling


@dataclass(frozen=True)
class Contradiction:
    """A descriptor found beside a name it contradicts."""

    start: int
    end: int
    found: str
    name: str  # the name it stands beside, as written
    descriptor: Descriptor


@dataclass(frozen=True)
class _Sighting:
    start: int
    end: int
    index: int  # which spelling or descriptor


class NameFinder:
    """Finds the glossary's names and descriptors of one language in texts, as written."""

    def __init__(self, spellings: list[Spelling], descriptors: list[Descriptor]):
        self.spellings = spellings
        self.descriptors = descriptors
        self._names = _Index([spelling.text for spelling in spellings])
        self._descriptor_keys = list(dict.fromkeys(spelling_key(descriptor.text) for descriptor in descriptors))
        self._descriptors = _Index(self._descriptor_keys)

    def find(self, text: str, start: int = 0, end: int | None = None) -> tuple[list[Variant], list[Contradiction]]:
        """The variants and contradictions in text[start:end], at their places in `text`."""
        end = len(text) if end is None else end
        names = self._names.sightings(text, start, end)
        variants = [
            Variant(sighting.start, sighting.end, text[sighting.start:sighting.end], self.spellings[sighting.index])
            for sighting in names if self.spellings[sighting.index].is_variant
        ]
        contradictions = []
        starts = [name.start for name in names]
        for sighting in self._descriptors.sightings(text, start, end):
            beside = _nearest_name(text, names, starts, sighting)
            if beside is None:
                continue
            spelling = self.spellings[beside.index]
            for descriptor in self.descriptors:
                if descriptor.entry == spelling.entry and spelling_key(descriptor.text) == self._descriptor_keys[sighting.index]:
                    found = text[sighting.start:sighting.end]
                    contradictions.append(Contradiction(sighting.start, sighting.end, found, text[beside.start:beside.end], descriptor))
                    break
        return variants, contradictions


def respelled(found: str, canonical: str) -> str:
    """The canonical spelling laid out as the variant was: a name wrapped over two lines stays wrapped, if it can."""
    words, separators = canonical.split(), re.findall(r"\s+", found.strip())
    if len(separators) != len(words) - 1:
        return canonical
    return "".join(word + separator for word, separator in zip(words, [*separators, ""]))


class _Index:
    """Spellings by the word they begin with, so that at each word of a text only those that may begin there are tried.

    One pattern of every spelling as alternatives would be tried at every word, a hundred names a word;
    a look-up here costs about what reading the word does.
    """

    def __init__(self, spellings: list[str]):
        self._patterns = [
            re.compile(rf"(?<!{_WORD_CHARACTER}){_CLITICS}(?P<name>{spelling_pattern(spelling)})(?!{_WORD_CHARACTER})", re.IGNORECASE)
            for spelling in spellings
        ]
        # Longest first, so that "Kim Jong Un" is read whole before a shorter name that begins it.
        longest_first = sorted(range(len(spellings)), key=lambda index: -len(spelling_key(spellings[index])))
        self._longest_first = {index: rank for rank, index in enumerate(longest_first)}
        self._by_first_word: dict[str, list[int]] = {}
        for index, spelling in enumerate(spellings):
            if (first := _WORD_RUN.search(spelling_key(spelling))) is not None:
                self._by_first_word.setdefault(first.group(), []).append(index)
        self._candidates: dict[str, tuple[int, ...]] = {}  # by word as written: a text repeats most of its words

    def _may_begin_with(self, word: str) -> tuple[int, ...]:
        """The spellings that may begin at a word as written, with a clitic or without, longest first; kept for the next time."""
        keys = _without_clitics(spelling_key(word))
        found = {index for key in keys for index in self._by_first_word.get(key, ())}
        candidates = self._candidates[word] = tuple(sorted(found, key=self._longest_first.__getitem__))
        return candidates

    def sightings(self, text: str, start: int, end: int) -> list[_Sighting]:
        """Every spelling in text[start:end], without the clitics before it, in order and not overlapping."""
        found: list[_Sighting] = []
        for word in _WORD_RUN.finditer(text, start, end):
            if found and word.start() < found[-1].end:
                continue
            candidates = self._candidates.get(word.group())
            if candidates is None:
                candidates = self._may_begin_with(word.group())
            for index in candidates:
                if (match := self._patterns[index].match(text, word.start(), end)) is not None:
                    found.append(_Sighting(match.start("name"), match.end("name"), index))
                    break
        return found


def _without_clitics(word: str) -> list[str]:
    """A word as it is and without each clitic it may begin with: وبالفوستوشني, بالفوستوشني, الفوستوشني, فوستوشني."""
    return [word, *(word[length:] for length in range(1, min(4, len(word) - 1) + 1) if _CLITIC.fullmatch(word[:length]))]


def _nearest_name(text: str, names: list[_Sighting], starts: list[int], descriptor: _Sighting) -> _Sighting | None:
    """The name a descriptor stands beside: the nearer of the names before and after it in its sentence, within
    WORDS_BETWEEN words; on a tie the one after ("the South Korean leader Yoon Suk Yeol, beside Kim Jong Un")."""
    after = bisect.bisect_left(starts, descriptor.end)
    candidates = []
    if after < len(names):
        candidates.append((_words_between(text, descriptor.end, names[after].start), 0, names[after]))
    if after > 0:
        before = names[after - 1]
        if before.end > descriptor.start:  # the descriptor's words are part of a name ("Korean Central News Agency")
            return None
        candidates.append((_words_between(text, before.end, descriptor.start), 1, before))
    near = [candidate for candidate in candidates if candidate[0] is not None and candidate[0] <= WORDS_BETWEEN]
    return min(near, key=lambda candidate: candidate[:2])[2] if near else None


def _words_between(text: str, start: int, end: int) -> int | None:
    """How many words text[start:end] holds, or None if a sentence ends in it (or it is too long to look at)."""
    if end - start > _CHARACTERS_BETWEEN or _SENTENCE_END.search(text, start, end):
        return None
    return sum(1 for piece in text[start:end].split() if _WORD.search(piece))


def read_glossary(config: SiteConfig, problems: Problems) -> dict[str, NameFinder]:
    """A finder per language from content/glossary.yaml, every problem of the file reported at its line; none without one."""
    if not os.path.lexists(config.root / GLOSSARY_PATH):
        return {}
    text = read_source(config.root, GLOSSARY_PATH, problems)
    mapping = parse_mapping(text, GLOSSARY_PATH, problems) if text is not None else None
    if mapping is None:
        return {}
    languages = config.language_codes
    spellings: dict[str, list[Spelling]] = {language: [] for language in languages}
    descriptors: dict[str, list[Descriptor]] = {language: [] for language in languages}
    fields = FieldReader(mapping, problems)
    for key in mapping.values:
        entry = fields.mapping_of(key, required=True)
        if entry is not None:
            _read_entry(key, entry, languages, problems, spellings, descriptors)
    return {language: NameFinder(spellings[language], descriptors[language]) for language in languages if spellings[language]}


def _read_entry(
    key: str, entry: YamlMapping, languages: list[str], problems: Problems,
    spellings: dict[str, list[Spelling]], descriptors: dict[str, list[Descriptor]],
) -> None:
    fields = FieldReader(entry, problems, f"'{key}'")
    fields.reject_unknown(["kind", *languages])
    kind = fields.string("kind", required=True)
    if kind is not None and kind not in KINDS:
        fields.error("kind", f"unknown kind '{kind}' {suggest(kind, KINDS)}")
    given = [language for language in languages if language in entry.values]
    if not given:
        problems.error(entry.path, entry.start_line, f"'{key}' spells its name in no language: add {' or '.join(f'{code}:' for code in languages)} with a name")
    for language in given:
        spelled = fields.mapping_of(language, required=True)
        if spelled is None:
            continue
        language_fields = FieldReader(spelled, problems, f"'{key}' in '{language}'")
        language_fields.reject_unknown(SPELLING_KEYS)
        name = language_fields.string("name", required=True)
        if name is None:
            continue
        taken = {spelling_key(spelling.text): spelling for spelling in spellings[language]}
        for text, line in [(name, spelled.line_of("name")), *_listed(language_fields, "variants")]:
            spelling = Spelling(text, key, name, line)
            if (problem := _bad_spelling(spelling, taken)) is not None:
                problems.error(entry.path, line, f"'{key}' in '{language}': {problem}")
            else:
                taken[spelling_key(text)] = spelling
                spellings[language].append(spelling)
        for text, line in _listed(language_fields, "contradictions"):
            if any(character.isalpha() for character in text):
                descriptors[language].append(Descriptor(text, key, name, line))
            else:
                problems.error(entry.path, line, f"'{key}' in '{language}': the contradiction {text!r} has no letters")


def _listed(fields: FieldReader, key: str) -> list[tuple[str, int]]:
    """The text items of a list (or one text) with the line of each."""
    if not fields.string_list(key):  # none, or not a list of texts (reported)
        return []
    value = fields.mapping.values[key]
    items = value if isinstance(value, list) else [value]
    lines = [fields.mapping.line_of(f"{key}.{index}") if isinstance(value, list) else fields.mapping.line_of(key) for index in range(len(items))]
    return [(str(item).strip(), line) for item, line in zip(items, lines) if str(item).strip()]


def _bad_spelling(spelling: Spelling, taken: dict[str, Spelling]) -> str | None:
    """Why a spelling cannot be in the glossary, or None."""
    text = spelling.text
    odd = sorted({character for character in text if not _may_be_in_name(character)})
    if odd:
        # check --fix writes the canonical spelling into YAML and Markdown, where these characters mean something.
        return f"{text!r} has {' '.join(odd)!r}: names are written in letters, digits, spaces, hyphens and dots"
    if not any(character.isalpha() for character in text):
        return f"{text!r} has no letters"
    other = taken.get(spelling_key(text))
    if other is None:
        return None
    if other.entry != spelling.entry:
        return f"'{text}' is already a spelling of '{other.entry}' (line {other.line})"
    # The finder matches every such form of a spelling: listing one as a variant says nothing new.
    what = "the name itself" if not other.is_variant else f"the variant '{other.text}' (line {other.line})"
    return f"'{text}' is {what} once tashkeel, alef and hamza forms, ى/ي, ة/ه and case are set aside"


def _may_be_in_name(character: str) -> bool:
    return character.isalnum() or character in " -.\u0640" or unicodedata.category(character).startswith("M")
