"""Page chrome pasted with a story: "fbpx", "مقالات ذات صلة", "زر الذهاب إلى الأعلى", "Share this".

Copying an article out of a web page copies the page's buttons, headings of its side lists and
cookie notices with it; a reader of ours finds "Back to top" in the middle of the text. A line of the
body is chrome when, letters alone, it is one of the lines below: matching whole lines keeps prose
that merely mentions sharing or reading more out of it. A warning: the page builds, but reads wrong.
"""

from __future__ import annotations

from ..model import Site
from ..problems import Problems
from ..textnorm import plain_words
from .source import article_sources

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


def check_pasted_chrome(site: Site, problems: Problems) -> None:
    for source in article_sources(site):
        # Read line by line first; the body is parsed only to tell a chrome line from one in code.
        if not any(len(line) <= _LONGEST and plain_words(line) in _CHROME for line in source.body.split("\n")):
            continue
        for token in source.tokens:
            if token.type != "inline" or not token.map:
                continue  # code blocks and raw HTML are the editor's on purpose
            first = source.file_line(token)
            for offset, text in enumerate(token.content.split("\n")):
                if plain_words(text) in _CHROME:
                    problems.warn(source.article.source, first + offset,
                                  f"{text.strip()!r} looks like part of the web page the text was copied from: remove the line")
