"""Page chrome pasted with a story: "fbpx", "مقالات ذات صلة", "زر الذهاب إلى الأعلى", "Share this".

Copying an article out of a web page copies the page's buttons, headings of its side lists and
cookie notices with it; a reader of ours finds "Back to top" in the middle of the text. A line of the
body is chrome when, letters alone, it is one of the lines below, or a run of them and the site's
section names ("تقاريرسلايدر"): matching whole lines keeps prose that merely mentions sharing or
reading more out of it. A line that is only the article's byline ("متابعة: نسرين طارق") came with
it too: the page shows the author already. A warning: the page builds, but reads wrong.
"""

from __future__ import annotations

from typing import Sequence

from ..model import Site
from ..problems import Problems
from ..textnorm import plain_words
from .source import ArticleSource

# Whole lines that are a web page's furniture, never a story's; compared letters only (see plain_words).
CHROME_LINES = (
    # Tracking pixels and social buttons, which come with a page's text when it is selected and copied.
    "fbpx", "Facebook", "Twitter", "WhatsApp", "Telegram", "LinkedIn", "Pinterest", "Messenger", "Email", "Print",
    "فيسبوك", "تويتر", "واتساب", "تيليجرام", "تلغرام", "لينكدإن", "ماسنجر", "البريد الإلكتروني", "طباعة",
    "Share", "Share this", "Share this article", "Share on Facebook", "Share on Twitter", "Tweet",
    "شارك", "شارك هذا", "شارك المقال", "شارك الخبر", "مشاركة", "شارك على فيسبوك", "شارك على تويتر",
    # The headings of a page's side lists and its buttons.
    "Related posts", "Related articles", "Related stories", "Related", "Read more", "Read also", "See also",
    "You may also like", "More stories", "Most read", "Back to top", "Leave a comment", "Advertisement", "Subscribe",
    "مقالات ذات صلة", "أخبار ذات صلة", "مواضيع ذات صلة", "ذات صلة", "اقرأ أيضا", "اقرأ المزيد", "شاهد أيضا",
    "قد يعجبك أيضا", "الأكثر قراءة", "الأكثر مشاهدة", "زر الذهاب إلى الأعلى", "العودة إلى الأعلى", "اترك تعليقا",
    "إعلان", "اشترك", "اشترك في النشرة البريدية", "تابعونا على", "سلايدر",
    # Cookie notices.
    "This website uses cookies", "We use cookies", "Accept cookies", "Accept all cookies", "Accept", "Cookie settings",
    "يستخدم هذا الموقع ملفات تعريف الارتباط", "نستخدم ملفات تعريف الارتباط", "قبول", "أوافق",
)

_CHROME = frozenset(map(plain_words, CHROME_LINES))
_LONGEST = max(map(len, CHROME_LINES)) + 20  # room for the Markdown and punctuation around a chrome line


# Words that put a name on a line of its own as a byline: "متابعة: نسرين طارق", "By Nasrin Tarek".
BYLINE_WORDS = ("متابعة", "كتب", "كتبت", "بقلم", "إعداد", "تقرير", "By", "Written by", "Reporting by")


def check_pasted_chrome(site: Site, sources: Sequence[ArticleSource], problems: Problems) -> None:
    pieces = _chrome_pieces(site)
    longest_piece = max(map(len, pieces))
    for source in sources:
        author = source.article.author
        bylines = _bylines(author.name.texts.values()) if author else frozenset()

        def message(line: str) -> str | None:
            if _is_chrome(line, pieces, longest_piece):
                return f"{line.strip()!r} looks like part of the web page the text was copied from: remove the line"
            if len(line) <= _LONGEST and plain_words(line) in bylines:
                return f"{line.strip()!r} is a byline: the page names the author from 'author:', so remove the line"
            return None

        # Read line by line first; the body is parsed only to tell a chrome line from one in code.
        if not any(map(message, source.body.split("\n"))):
            continue
        for token in source.tokens:
            if token.type != "inline" or not token.map:
                continue  # code blocks and raw HTML are the editor's on purpose
            first = source.file_line(token)
            for offset, text in enumerate(token.content.split("\n")):
                if found := message(text):
                    problems.warn(source.article.source, first + offset, found)


def _bylines(names) -> frozenset[str]:
    """The lines, letters alone, that are only a byline of one of these names."""
    return frozenset(plain_words(f"{word} {name}") for name in names for word in ("", *BYLINE_WORDS))


def _chrome_pieces(site: Site) -> frozenset[str]:
    """What a run of a page's furniture is made of, spaces taken out: the lines above, and the site's section names,
    which a news site shows above each story ("تقارير" and "سلايدر" copied together are "تقاريرسلايدر")."""
    labels = (text for category in site.config.categories.values() for text in category.label.texts.values())
    return frozenset(filter(None, (plain_words(piece).replace(" ", "") for piece in (*CHROME_LINES, *labels))))


def _is_chrome(line: str, pieces: frozenset[str], longest_piece: int) -> bool:
    """Whether a line is one of the chrome lines, or two or more pieces of chrome and section names run together
    ("فيسبوك تويتر واتساب", "تقاريرسلايدر"); a section's name alone may be a subheading of the story."""
    if len(line) > _LONGEST:
        return False
    key = plain_words(line)
    if key in _CHROME:
        return True
    compact = key.replace(" ", "")
    # most[end]: the most pieces (up to 2) that compact[:end] can be cut into, -1 if it cannot be.
    most = [0] + [-1] * len(compact)
    for end in range(1, len(compact) + 1):
        for start in range(max(0, end - longest_piece), end):
            if most[start] >= 0 and compact[start:end] in pieces:
                most[end] = max(most[end], min(most[start] + 1, 2))
    return most[-1] == 2
