"""A synthetic corpus of articles drawn from distinct topics, to measure how related the related articles are.

Each topic has its own vocabulary and its own tags (which partly overlap with the
next topic's); every article mixes topic words with words common to all topics and
a little of another topic's vocabulary. Arabic words are written the many ways real
text writes them: with the article and conjunctions glued on, with tashkeel, with
tatweel, with different alef and ta marbuta spellings.

    python3 bench/topics.py            # precision@4 in both languages, with and without tags
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from corpus import PROJECT  # noqa: E402

TOPICS = {
    "ar": [
        "فضاء قمر صناعي صاروخ مدار إطلاق محطة رائد مركبة كوكب فلك تلسكوب منصة مسبار إشارة أقمار مجرة",
        "طائرة مقاتلة طيار مطار مدرج محرك جناح سرب قاذفة طيران هبوط إقلاع رادار وقود صيانة مروحية",
        "سفينة فرقاطة أسطول ميناء بحرية غواصة بحار مرفأ ربان طوربيد مدمرة ساحل رصيف إبحار قبطان زورق",
        "عقوبة حظر قرار مجلس تصويت مندوب دبلوماسي سفارة مفاوضة معاهدة بيان إدانة وساطة وزيرة مؤتمر تحالف",
        "نفط غاز طاقة أسعار سوق تجارة صادرات واردات ميزانية عملة تضخم استثمار مصرف قمح غذاء شحنة",
        "صحيفة مقال محرر تقرير قناة مراسل عنوان افتتاحية تحليل مصدر مقابلة نشرة بث تغطية وكالة صحافي",
        "مدفعية قذيفة ذخيرة عيار مخزن ترسانة دبابة جبهة خندق هجوم دفاع كتيبة لواء جندي مستودع بندقية",
        "طالب جامعة حرم دراسة منحة أستاذ محاضرة مكتبة امتحان تخرج بحث مختبر كلية معهد شهادة فصل",
    ],
    "en": [
        "space satellite rocket orbit launch station astronaut spacecraft planet astronomy telescope pad probe signal moon galaxy",
        "aircraft fighter pilot airfield runway engine wing squadron bomber aviation landing takeoff radar fuel maintenance helicopter",
        "ship frigate fleet port navy submarine sailor harbour captain torpedo destroyer coast dock voyage crew boat",
        "sanction embargo resolution council vote envoy diplomat embassy negotiation treaty statement condemnation mediation minister conference alliance",
        "oil gas energy prices market trade exports imports budget currency inflation investment bank wheat food cargo",
        "newspaper article editor report channel correspondent headline editorial analysis source interview bulletin broadcast coverage agency journalist",
        "artillery shell ammunition calibre depot arsenal tank front trench offensive defence battalion brigade soldier warehouse rifle",
        "student university campus study scholarship professor lecture library exam graduation research laboratory college institute degree semester",
    ],
}
COMMON = {
    "ar": "قال أعلن مسؤول الحكومة روسيا كوريا موسكو يوم الأسبوع العام الرئيس الزعيم زيارة لقاء مصادر الوضع الجانب الدولة العالم المنطقة الشرق الغرب جديد كبير مهم".split(),
    "en": "said announced official government russia korea moscow day week year president leader visit meeting sources situation side state world region east west new large important".split(),
}
ARABIC_PREFIXES = ["", "", "ال", "و", "وال", "بال", "لل"]
ARABIC_VARIANTS = str.maketrans({"ا": "أ"})  # some writers put hamza on every initial alef


def arabic_spelling(word: str, rng: random.Random) -> str:
    """One of the many ways Arabic text writes the same word."""
    prefix = rng.choice(ARABIC_PREFIXES)
    if prefix and word.startswith("ال"):
        prefix = prefix.removesuffix("ال")
    spelled = prefix + word
    roll = rng.random()
    if roll < 0.15:
        spelled = spelled[:2] + "\u064e" + spelled[2:]  # a fatha
    elif roll < 0.25:
        spelled = spelled[:-1] + "\u0640" + spelled[-1]  # tatweel
    elif roll < 0.35 and spelled.startswith("ا"):
        spelled = spelled.translate(ARABIC_VARIANTS)
    elif roll < 0.45 and spelled.endswith("ة"):
        spelled = spelled[:-1] + "ه"
    return spelled


def write_topic_site(root: Path, topics: int, per_topic: int, with_tags: bool, seed: int = 7) -> dict[str, int]:
    """A site under root whose articles each belong to one topic; return slug -> topic."""
    rng = random.Random(seed)
    for name in ("layouts", "assets"):
        shutil.copytree(PROJECT / name, root / name)
    (root / "site.yaml").write_text(
        "title: {ar: موضوعات, en: Topics}\nlanguages:\n  ar: {locale: ar}\n  en: {locale: en}\n"
        "categories:\n  world: {label: {ar: العالم, en: World}}\n",
        encoding="utf-8",
    )
    topic_of = {}
    for lang in ("ar", "en"):
        folder = root / "content" / lang
        folder.mkdir(parents=True)
        vocabularies = [words.split() for words in TOPICS[lang][:topics]]
        for index in range(topics * per_topic):
            topic = index % topics
            slug = f"story-{index:04d}"
            topic_of[slug] = topic
            words = []
            for _ in range(rng.randint(150, 300)):
                roll = rng.random()
                if roll < 0.10:
                    word = rng.choice(vocabularies[topic])
                elif roll < 0.18:
                    word = rng.choice(vocabularies[rng.randrange(topics)])  # noise from any topic
                else:
                    word = rng.choice(COMMON[lang])
                words.append(arabic_spelling(word, rng) if lang == "ar" else word)
            # A topic's tags overlap with the next topic's: tag k of topic t is also tag k-2 of topic t+1.
            pool = [f"tag-{(topic * 2 + k) % (topics * 2)}" for k in range(4)]
            tags = rng.sample(pool, 2) + [f"tag-{rng.randrange(topics * 2)}"] if with_tags else []
            date = f"2023-{1 + index % 12:02d}-{1 + index % 28:02d}"
            (folder / f"{slug}.md").write_text(
                f"---\ntitle: {' '.join(words[:6])}\ndate: {date}\ncategory: world\ntags: [{', '.join(tags)}]\n---\n\n"
                + " ".join(words[6:]) + "\n",
                encoding="utf-8",
            )
    return topic_of


def precision_at_k(topics: int = 8, per_topic: int = 40, with_tags: bool = True) -> dict[str, float]:
    """The share of related links, in each language, that point to an article of the same topic."""
    from khabar.pages import ArticlePage
    from khabar.pipeline import load_site

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        topic_of = write_topic_site(root, topics, per_topic, with_tags)
        site, _, _ = load_site(root)
    scores = {}
    for lang in ("ar", "en"):
        pages = [p for p in site.pages if isinstance(p, ArticlePage) and p.lang == lang]
        links = [(page.article.slug, other.slug) for page in pages for other in page.related]
        same = sum(topic_of[a] == topic_of[b] for a, b in links)
        scores[lang] = same / len(links)
    return scores


if __name__ == "__main__":
    for tags in (True, False):
        scores = precision_at_k(with_tags=tags)
        label = "with tags   " if tags else "text alone  "
        print(f"precision@4, {label}: " + ", ".join(f"{lang} {value:.3f}" for lang, value in scores.items()))
