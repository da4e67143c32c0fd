"""Words for comparing texts: Arabic normalisation, a light stemmer for Arabic and English, stop words.

Arabic spells one word many ways (with or without tashkeel, أ/إ/آ/ا, ى/ي, ة/ه,
stretched with tatweel) and glues the article and conjunctions to it (والصواريخ).
Comparing texts needs all of these to meet, so a word is normalised, then stripped
of one common prefix and suffix in the manner of Larkey's "light10" stemmer.

The search index and the search box compare words in their "search form" instead
(`search_form`), which the browser computes again for the query in
assets/js/search.js: the two must stay in step (tests/test_search.py checks).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import chain

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_LETTER_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
# A word is a run of Arabic letters and marks (tashkeel is not \w), or a run of Latin (or Cyrillic) letters and
# digits, so that "وTu-95MS" gives و, Tu and 95MS. Numbers are dropped by stem(). Explicit ranges scan
# about twice as fast as \w.
_WORD = re.compile(r"[\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ff]+|[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]+")

# Longest first, so وال is tried before و.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")

_ARABIC_STOP_WORDS = """
في من على الى عن ان او ثم قد لم لن لا ما ماذا هل هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين كان كانت
يكون تكون كانوا مع بين بعد قبل خلال منذ حتى عند عندما كل بعض اي غير هو هي هم هما نحن انا انت انه انها
ايضا اذا لكن بل حيث كما مثل نحو لدي لديها لديه وقال قال قالت اضاف واضاف وكان وهي وهو فيها فيه منها منه
عليها عليه اليها اليه به بها له لها لهم التي الي وفي ومن وعلى والى فيما بينما الا اما اذ اكثر جدا
""".split()
_ENGLISH_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other
our out over own said same she should so some such than that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why will with would you
your says say told its it's one two
""".split()


def normalize_arabic(text: str) -> str:
    """Drop tashkeel and tatweel; unify alef forms, ى with ي and ة with ه."""
    return _TASHKEEL.sub("", text).replace(_TATWEEL, "").translate(_LETTER_FORMS)


_NOT_A_LETTER = re.compile(r"[\W_]+")


def plain_words(text: str) -> str:
    """A text's letters and digits alone, one space between words, Arabic letter forms and case made one:
    how two spellings of one title or line are compared ("بُوتين يلتقي كيم." and "بوتين يلتقي كيم")."""
    return " ".join(_NOT_A_LETTER.sub(" ", normalize_arabic(text).casefold()).split())


@lru_cache(maxsize=200_000)
def stem_arabic(word: str) -> str:
    """A light stem of a normalised Arabic word: one prefix and one suffix off, keeping three letters."""
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=200_000)
def stem_english(word: str) -> str:
    """Plural and possessive endings off: 'missiles' -> 'missile', 'countries' -> 'country'."""
    word = word.removesuffix("'s").removesuffix("’s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Clitics a search form takes off the front of an Arabic word, longest first, and how many letters must be left.
# و (and) and the article come off as the light stemmer's do; ب and ل (with, for) begin too many names
# (بوتين, لبنان) to come off a short word, so they need five letters left: لبوتين -> بوتين, but بوتين stays.
# Taken off until none applies, so a word meets itself whatever clitics it wears: وبالاقمار, للاقمار, الاقمار.
_SEARCH_CLITICS = (("وال", 3), ("فال", 3), ("بال", 3), ("كال", 3), ("لل", 3), ("ال", 3), ("و", 3), ("ب", 5), ("ل", 5))
# Names from other languages are spelled with تش or ش for "ch" (فوستوتشني, فوستوشني).
_CH_SPELLINGS = ("تش", "ش")
# The words of a search form: _WORD's, and runs of Arabic-Indic digits, which search as Western ones.
_SEARCH_WORD = re.compile(_WORD.pattern + "|[\u0660-\u0669]+")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


# What may sit between two letters of a word without changing it, as the inside of a character class: tashkeel and tatweel.
WORD_MARKS = _TASHKEEL.pattern[1:-1] + _TATWEEL
_MARKS_BETWEEN = f"[{WORD_MARKS}]*"
# Between the words of a name: spaces, and at most one line break (a name may wrap; a blank line ends a paragraph).
_BETWEEN_WORDS = r"(?=\s)[^\S\n]*\n?[^\S\n]*"


def _letter_spellings() -> dict[str, str]:
    """Each normalised letter or digit and every way of writing it: ا as أ, إ, آ, ٱ; ي as ى; ه as ة; 3 as ٣."""
    spellings: dict[str, str] = {}
    for written, normal in chain(_LETTER_FORMS.items(), _DIGITS.items()):
        normal = normal if isinstance(normal, str) else chr(normal)
        spellings[normal] = spellings.get(normal, normal) + chr(written)
    return spellings


_LETTER_SPELLINGS = _letter_spellings()


def spelling_pattern(spelling: str) -> str:
    """A regular expression for a name however it is written: with or without tashkeel or tatweel, with any
    alef or hamza form, ى for ي, ة for ه, Arabic-Indic digits, wrapped over a line; compile it case-insensitive
    for Latin names. Matching the text as written keeps every match's place in it, which normalising would lose."""
    words = normalize_arabic(spelling).split()
    return _BETWEEN_WORDS.join(
        _MARKS_BETWEEN.join(
            f"[{re.escape(_LETTER_SPELLINGS[letter])}]" if letter in _LETTER_SPELLINGS else re.escape(letter) for letter in word
        ) + _MARKS_BETWEEN
        for word in words
    )


def spelling_key(spelling: str) -> str:
    """What two spellings share when `spelling_pattern` of one matches the other: normalised, lower case, spaced once."""
    return " ".join(normalize_arabic(spelling).lower().translate(_DIGITS).split())


_ARABIC_STOPS = frozenset(normalize_arabic(word) for word in _ARABIC_STOP_WORDS)
_ENGLISH_STOPS = frozenset(_ENGLISH_STOP_WORDS)


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """The stem a word is compared by, or '' for a stop word or a single letter.

    Words in Arabic script are normalised and stemmed the Arabic way; others
    (English text, Latin names inside Arabic text) are lower-cased and stemmed the English way.
    """
    if not word[0].isalpha():
        return ""
    if "\u0600" <= word[0] <= "\u06ff":
        word = normalize_arabic(word)
        stops, stemmer = _ARABIC_STOPS, stem_arabic
    else:
        word = word.lower()
        stops, stemmer = _ENGLISH_STOPS, stem_english
    if len(word) < 2 or word in stops:
        return ""
    stemmed = stemmer(word)
    return "" if stemmed in stops else stemmed


def terms(text: str) -> Counter[str]:
    """How often each stem occurs in a text, stop words left out."""
    # Words never span white space: the text is split on it (in C) and each distinct piece's stems are found
    # once for the whole build, so counting them is C's work alone.
    return Counter(chain.from_iterable(map(_piece_stems, text.split())))


@lru_cache(maxsize=500_000)
def _piece_stems(piece: str) -> tuple[str, ...]:
    return tuple(filter(None, map(stem, _WORD.findall(piece))))


def search_form(text: str) -> str:
    """A text as the search box looks it up and the index stores it: words only, in one spelling each.

    Lower case; Arabic normalised, "ch" spelled one way, clitics taken off;
    Arabic-Indic digits as Western ones. Pagefind matches the words that begin with a query's words,
    so nothing is cut off their ends here.
    """
    return " ".join(filter(None, map(_search_word, _SEARCH_WORD.findall(text))))


def search_words(text: str) -> list[str]:
    """The distinct words of `search_form(text)`, in order of first use; for a whole article, quickly.

    Words never span white space, so the text is split on it first (in C) and each
    distinct piece is read once: an article repeats most of its pieces.
    """
    return list(dict.fromkeys(chain.from_iterable(map(_piece_words, dict.fromkeys(text.split())))))


@lru_cache(maxsize=500_000)
def _piece_words(piece: str) -> tuple[str, ...]:
    return tuple(filter(None, map(_search_word, _SEARCH_WORD.findall(piece))))


@lru_cache(maxsize=500_000)
def _search_word(word: str) -> str:
    """One word's search form, '' for a word of tashkeel alone. Each word, not the whole text, is normalised:
    a text has far fewer distinct words than words."""
    word = normalize_arabic(word.lower().translate(_DIGITS))
    if not word or not "\u0600" <= word[0] <= "\u06ff":
        return word
    word = word.replace(*_CH_SPELLINGS)
    stripped = True
    while stripped:
        stripped = False
        for clitic, letters_left in _SEARCH_CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= letters_left:
                word, stripped = word[len(clitic):], True
                break
    return word
