"""A deterministic synthetic site: N article pairs (Arabic + English), ~900 words each.

The site uses the project's own layouts and assets and a site.yaml with a dozen
authors and categories, so a build of it exercises every page kind.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

ARABIC_WORDS = (
    "قمة زيارة روسيا كوريا الشمالية الرئيس الزعيم موسكو بيونج يانج قطار مصفح قاعدة فضائية صاروخ أقمار اصطناعية "
    "تعاون عسكري عقوبات دولية مجلس الأمن الحرب أوكرانيا الغرب الولايات المتحدة وزارة الخارجية المتحدث صحيفة وكالة "
    "أنباء ذخائر مدفعية قذائف مخزونات مقاتلة طائرة مصنع إنتاج رحلة تجريبية أسطول المحيط الهادئ فرقاطة وزير الدفاع "
    "مطار قاذفات طلاب جامعة عرض حوض المدينة العلاقات الجانبين اتفاق الكرملين هدايا مسيرات سترة ملابس كاميرات حرارية "
    "الاستقرار أوروبا آسيا تحالف تكنولوجيا الفضاء أولوية مرحلة جديدة عزلة تطور مهم الأهمية المتزايدة إمدادات المعارك "
    "الشرق الأقصى مقاطعة آمور كيلومتر الطرفين الاهتمام الإعلامي العالمي رسالة شكر الرخاء الازدهار الشعب التاريخ "
    "حسن الجوار جمهورية الديمقراطية الشعبية البلدين الأوضاع الجيوسياسية التوتر شبه الجزيرة الاختبارات الصاروخية"
).split()
ENGLISH_WORDS = (
    "summit visit Russia North Korea president leader Moscow Pyongyang armoured train space centre rocket satellites "
    "military cooperation international sanctions Security Council war Ukraine West United States State Department "
    "spokesman newspaper agency news munitions artillery shells stocks fighter aircraft plant production test flight "
    "Pacific Fleet frigate defence minister airfield bombers students university show aquarium city relations sides "
    "agreement Kremlin gifts drones vest clothing thermal cameras stability Europe Asia alliance technology priority "
    "phase isolation development importance supplies battles Far East region kilometres media attention message thanks "
    "prosperity people history neighbourliness republic countries situation tension peninsula missile tests launch"
).split()
CATEGORIES = ["reports", "news", "analysis", "world-press", "reactions", "interviews", "opinion", "economy"]
AUTHORS = [f"author-{index}" for index in range(12)]


def site_yaml() -> str:
    lines = [
        "title: {ar: قمة, en: Summit}",
        "base_url: https://bench.example/",
        "timezone: Asia/Riyadh",
        "languages:\n  ar: {name: العربية, locale: ar}\n  en: {name: English, locale: en}",
        "per_page: 20",
        "authors:",
        *(f"  {key}:\n    name: {{ar: كاتب {i}, en: Writer {i}}}" for i, key in enumerate(AUTHORS)),
        "categories:",
        *(f"  {key}:\n    label: {{ar: قسم {i}, en: Section {i}}}" for i, key in enumerate(CATEGORIES)),
    ]
    return "\n".join(lines) + "\n"


def body(rng: random.Random, words: list[str], target: int) -> str:
    parts, count = [], 0
    while count < target:
        if parts and rng.random() < 0.12:
            parts.append("## " + " ".join(rng.choices(words, k=4)))
        sentence_count = rng.randint(3, 6)
        sentences = [" ".join(rng.choices(words, k=rng.randint(8, 16))) + "." for _ in range(sentence_count)]
        paragraph = " ".join(sentences)
        if rng.random() < 0.3:
            paragraph = paragraph.replace(words[0], f"**{words[0]}**", 1)
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts)


def article(rng: random.Random, index: int, lang: str, words: list[str], tag_pool: list[str]) -> str:
    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    year = 2015 + index // (28 * 12)
    tags = ", ".join(rng.sample(tag_pool, 3))
    title = " ".join(rng.choices(words, k=7))
    front_matter = (
        f"---\ntitle: {title} {index}\ndate: {year:04d}-{month:02d}-{day:02d}T{index % 24:02d}:00:00\n"
        f"author: {AUTHORS[index % len(AUTHORS)]}\ncategory: {CATEGORIES[index % len(CATEGORIES)]}\n"
        f"tags: [{tags}]\nslider: {'true' if index % 50 == 0 else 'false'}\ntranslation_key: story-{index}\n---\n\n"
    )
    return front_matter + body(rng, words, 900) + "\n"


def make_corpus(root: Path, pairs: int) -> Path:
    """Write (or reuse) a corpus of `pairs` article pairs under root, with the project's layouts and assets as they are now."""
    folder = root / f"pairs-{pairs}"
    marker = folder / ".complete"
    if not marker.exists() and folder.exists():
        shutil.rmtree(folder)
    for name in ("layouts", "assets"):
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(PROJECT / name, folder / name)
    if marker.exists():
        return folder
    (folder / "site.yaml").write_text(site_yaml(), encoding="utf-8")
    rng = random.Random(pairs)
    arabic_tags = [f"{a}-{b}" for a, b in zip(ARABIC_WORDS, ARABIC_WORDS[7:])][:150]
    english_tags = [f"{a} {b}" for a, b in zip(ENGLISH_WORDS, ENGLISH_WORDS[7:])][:150]
    for lang, words, tags in (("ar", ARABIC_WORDS, arabic_tags), ("en", ENGLISH_WORDS, english_tags)):
        target = folder / "content" / lang
        target.mkdir(parents=True)
        for index in range(pairs):
            (target / f"story-{index:05d}.md").write_text(article(rng, index, lang, words, tags), encoding="utf-8")
    marker.write_text("")
    return folder
