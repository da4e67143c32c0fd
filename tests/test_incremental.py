"""Incremental builds: after any sequence of edits, the same bytes as a clean build; nothing rewritten whose bytes did
not change; a site made whole again after a kill at any moment; a full build in place of a build state it cannot read."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from PIL import Image as PillowImage

from conftest import BUILD_TIME, MANY_ARTICLES, PROJECT, ScratchSite, kill_later, many_articles, run_cli, start_build, tree_digest
from khabar.buildstate import STATE_DIR
from khabar.pipeline import BuildOptions, Builder, BuildReport, build
from khabar.problems import BuildFailed
from khabar.write import MARKER

NOW = dt.datetime.fromisoformat(BUILD_TIME)
CLEAN = BuildOptions(now=NOW, clean=True)

# What the random projects are made of. Few values, so that edits collide: two tags with one address, two articles
# at one moment, a translation key that is another article's slug.
LANGUAGES = ("ar", "en")
NAMES = ("summit", "train", "letter", "fleet", "plant", "press")
KEYS = ("summit", "train", "letter", "visit-story", "arms-story")
TITLE_WORDS = ("قمة", "بوتين", "كيم", "قطار", "مصفح", '"فوستوتشني"', "روسيا", "Summit", "Putin", "train", "&", "<b>")
TAGS = ("روسيا", "كوريا الشمالية", "فضاء", "Russia", "russia", "Space", "north korea", "North-Korea")
CATEGORIES = ("reports", "news", "world-press", "reactions")
AUTHORS = ("nasrin-tarek", "international-desk", "monitoring-desk")
PICTURES = ("images/armoured-train.jpg", "images/tiny.png")  # a picture of the demo's, and one the test paints
COLOURS = ("#8c1d18", "#1d4e8c", "#2e7d32")  # of the picture the test paints
NOTES = ("تحديث: أضيفت تفاصيل جديدة", "تصحيح: عُدّل تاريخ الزيارة")  # the text of a template the project adds
MISTAKES = ("duplicate slug", "unknown author", "template", "site.yaml", "timeline")  # edits the build refuses
TIMELINES = ("visit", "arms")
EVENT_DATES = ("2022-12", "2023", "2023-09", "2023-09-13", "2023-09-17")
PARAGRAPHS = {
    "ar": ("عقد لقاء بين الرئيس الروسي فلاديمير بوتين والزعيم الكوري الشمالي كيم جونغ أون في قاعدة فوستوتشني الفضائية.",
           "وقال بوتين إن موسكو ستساعد بيونغ يانغ على بناء أقمار اصطناعية.",
           "## ردود الفعل",
           "أثارت الزيارة مخاوف في الولايات المتحدة من أن تسعى موسكو إلى الحصول على ذخائر."),
    "en": ("Russian President Vladimir Putin and North Korean leader Kim Jong Un met at the Vostochny space centre.",
           "Putin said Moscow would help Pyongyang build satellites.",
           "## Reactions",
           "The visit raised fears in the United States that Moscow is seeking munitions."),
}
READ_ALSO = {"ar": "اقرأ أيضًا", "en": "Read also"}
PICTURE_ALT = {"ar": "رسم توضيحي", "en": "An illustration"}
# Edits of the Arabic string table: (the line as the file has it, the line edited).
STRINGS = (("latest: آخر الأخبار", "latest: أحدث الأخبار"), ("back_to_top: العودة إلى الأعلى", "back_to_top: إلى أعلى الصفحة"),
           ("tags: الوسوم", "tags: الكلمات المفتاحية"),
           ('read_translation: "اقرأ هذا المقال باللغة {language}:"', 'read_translation: "هذا المقال متاح باللغة {language}:"'))
SETTINGS = {"per_page": (2, 1, 3), "feed_size": (3, 1), "slider_size": (2, 1), "words_per_minute": (200, 20),
            "timezone": ("Asia/Riyadh", "UTC", "America/New_York")}
NEWS_LABELS = ("أخبار", "آخر المستجدات")
CSS_RULES = (".badge { background: url(../images/badge.svg) no-repeat; }", ".kicker { letter-spacing: 0.02em; }")
BADGES = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="4" fill="#8c1d18"/></svg>',
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#1d4e8c"/></svg>')


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


@dataclass(frozen=True)
class Event:
    date: str
    title: str
    timeline: str | None  # None: the default timeline


@dataclass(frozen=True)
class Story:
    """One article file, as the model of the project knows it."""

    lang: str
    name: str  # the file's name, and the slug unless `slug` is given
    title: str
    date: str
    body: tuple[int, ...]  # paragraphs of PARAGRAPHS[lang]
    tags: tuple[str, ...] = ()
    category: str | None = None
    author: str | None = None
    slider: bool = False
    draft: bool = False
    image: str | None = None
    translation_key: str | None = None
    related: tuple[str, ...] = ()  # slugs of other articles of its language
    events: tuple[Event, ...] = ()
    links: tuple[str, ...] = ()  # names of the other articles of its language its body links to, by their file
    slug: str | None = None

    @property
    def path(self) -> str:
        return f"content/{self.lang}/{self.name}.md"

    @property
    def address(self) -> str:
        return self.slug or self.name

    @property
    def key(self) -> str:
        return self.translation_key or self.address

    def text(self) -> str:
        lines = [f"title: {quoted(self.title)}", f"date: {self.date}"]
        lines += [f"{key}: {value}" for key, value in (("slug", self.slug), ("author", self.author), ("category", self.category),
                                                      ("translation_key", self.translation_key)) if value]
        if self.tags:
            lines.append(f"tags: [{', '.join(map(quoted, self.tags))}]")
        lines += [f"{flag}: true" for flag in ("slider", "draft") if getattr(self, flag)]
        if self.image:
            lines += [f"image: {self.image}", f"image_alt: {quoted(PICTURE_ALT[self.lang])}"]
        if self.related:
            lines.append(f"related: [{', '.join(self.related)}]")
        if self.events:
            lines.append("timeline:")
            for event in self.events:
                # The default language's title is required: an English article gives both.
                title = quoted(event.title) if self.lang == "ar" else f"{{ar: {quoted(event.title)}, en: {quoted(event.title)}}}"
                lines += [f"  - date: {event.date}", f"    title: {title}"]
                lines += [f"    timeline: {event.timeline}"] if event.timeline else []
        paragraphs = [PARAGRAPHS[self.lang][index] for index in self.body]
        paragraphs += [f"[{READ_ALSO[self.lang]}]({name}.md)" for name in self.links]
        return "---\n" + "\n".join(lines) + "\n---\n\n" + "\n\n".join(paragraphs) + "\n"


@dataclass(frozen=True)
class Entry:
    """An event of a timeline file."""

    date: str
    title: str
    articles: tuple[str, ...]  # translation keys


@dataclass(frozen=True)
class TimelineFile:
    title: str
    events: tuple[Entry, ...]

    def text(self) -> str:
        lines = ["title:", f"  ar: {quoted(self.title)}", f"  en: {quoted(self.title + ' (en)')}", "events:"]
        for entry in self.events:
            lines += [f"  - date: {entry.date}", f"    title: {quoted(entry.title)}"]
            lines += [f"    articles: [{', '.join(entry.articles)}]"] if entry.articles else []
        return "\n".join(lines) + ("\n" if self.events else " []\n")


class Project:
    """The model of a small bilingual project, written out as files; every edit an editor makes is an edit of it."""

    def __init__(self, root: Path):
        self.root = root
        self.base = {path: (root / path).read_text(encoding="utf-8") for path in (
            "site.yaml", "layouts/article.html", "layouts/listing.html", "layouts/strings/ar.yaml",
            "assets/css/site.css", "assets/images/favicon.svg")}
        self.stories: dict[tuple[str, str], Story] = {}
        self.timelines = {
            "visit": TimelineFile("الزيارة يومًا بيوم", (Entry("2023-09-12", "كيم يبدأ زيارة لروسيا", ("summit",)),)),
            "arms": TimelineFile("موسكو وبيونغ يانغ وملف السلاح", (Entry("2022-12", "شحنة سلاح", ()),)),
        }
        self.settings = {key: values[0] for key, values in SETTINGS.items()}
        self.news_label = NEWS_LABELS[0]
        self.strings: frozenset[int] = frozenset()  # which edits of STRINGS are made
        self.article_class = self.listing_class = ""
        self.template_note = 0
        self.includes_note, self.note = False, NOTES[0]  # a template of the project's own, which article.html may include
        self.css_rules: tuple[str, ...] = ()
        self.badge: str | None = None
        self.favicon_version = 0
        self.tiny_colour = COLOURS[0]
        self.on_disk: dict[str, str] = {}
        anchors = {"site.yaml": ["      ar: أخبار\n", *(f"\n{key}: " for key in SETTINGS)],
                   "layouts/article.html": ['<article class="article">', "{% block content %}\n"],
                   "layouts/listing.html": ['<header class="listing-header">'],
                   "layouts/strings/ar.yaml": [f"\n{line}\n" for line, _ in STRINGS]}
        assert all(anchor in self.base[path] for path, found in anchors.items() for anchor in found), "the demo changed: edit the model"

    def files(self) -> dict[str, str]:
        """Every file of the project the model makes, by its path."""
        files = {story.path: story.text() for story in self.stories.values()}
        files |= {f"content/timelines/{key}.yaml": timeline.text() for key, timeline in self.timelines.items()}
        config = self.base["site.yaml"] + "default_timeline: visit\n"
        for key, value in self.settings.items():
            config = re.sub(rf"^{key}: .*$", f"{key}: {value}", config, count=1, flags=re.MULTILINE)
        files["site.yaml"] = config.replace("      ar: أخبار\n", f"      ar: {self.news_label}\n", 1)
        files["layouts/article.html"] = (self.base["layouts/article.html"].replace(
            '<article class="article">', f'<article class="article{self.article_class}">', 1)
            .replace("{% block content %}\n", "{% block content %}\n" + "{%- include '_note.html' %}\n" * self.includes_note, 1)
            + "{# a note for the desk #}\n" * self.template_note)
        files["layouts/_note.html"] = f'<p class="desk-note">{self.note}</p>\n'
        files["layouts/listing.html"] = self.base["layouts/listing.html"].replace(
            '<header class="listing-header">', f'<header class="listing-header{self.listing_class}">', 1)
        strings = self.base["layouts/strings/ar.yaml"]
        for index in sorted(self.strings):
            strings = strings.replace(f"\n{STRINGS[index][0]}\n", f"\n{STRINGS[index][1]}\n", 1)
        files["layouts/strings/ar.yaml"] = strings
        files["assets/css/site.css"] = self.base["assets/css/site.css"] + "".join(f"{css}\n" for css in self.css_rules)
        if self.badge:
            files["assets/images/badge.svg"] = self.badge
        files["assets/images/favicon.svg"] = self.base["assets/images/favicon.svg"] + "<!-- redrawn -->\n" * self.favicon_version
        return files

    def painted(self) -> bytes:
        """The picture the test paints (the others are the demo's): small, so that its derivatives take no time to encode."""
        picture = io.BytesIO()
        PillowImage.new("RGB", (48, 32), self.tiny_colour).save(picture, "PNG")
        return picture.getvalue()

    def write(self) -> None:
        """The project's files as the model has them: only those whose text changed are written, as an editor saves."""
        files = self.files()
        for path in self.on_disk.keys() - files.keys():
            (self.root / path).unlink()
        for path, text in files.items():
            if self.on_disk.get(path) != text:
                (self.root / path).parent.mkdir(parents=True, exist_ok=True)
                (self.root / path).write_text(text, encoding="utf-8")
        self.on_disk = files
        painted, path = self.painted(), self.root / "assets" / PICTURES[1]
        if not path.exists() or path.read_bytes() != painted:
            path.write_bytes(painted)

    def in_language(self, lang: str) -> list[Story]:
        return [story for (story_lang, _), story in sorted(self.stories.items()) if story_lang == lang]

    def identity_clash(self) -> bool:
        """Whether two articles of a language share a slug or a translation key (the build refuses that)."""
        for lang in LANGUAGES:
            stories = self.in_language(lang)
            if len({story.address for story in stories}) < len(stories) or len({story.key for story in stories}) < len(stories):
                return True
        return False

    def put(self, story: Story) -> None:
        """Add or replace an article, unless it would clash with another; then drop what no longer names an article."""
        before = self.stories.get((story.lang, story.name))
        self.stories[story.lang, story.name] = story
        if self.identity_clash():
            if before is None:
                del self.stories[story.lang, story.name]
            else:
                self.stories[story.lang, story.name] = before
        self.tidy()

    def tidy(self) -> None:
        """What an editor fixes with a deletion or a rename: pins, links and timeline entries naming an article gone."""
        for (lang, name), story in self.stories.items():
            others = [other for other in self.in_language(lang) if other.name != name]
            self.stories[lang, name] = replace(
                story, related=tuple(pin for pin in story.related if pin in {other.address for other in others}),
                links=tuple(link for link in story.links if link in {other.name for other in others}))
        keys = {story.key for story in self.stories.values()}
        self.timelines = {key: replace(timeline, events=tuple(replace(entry, articles=tuple(k for k in entry.articles if k in keys))
                                                              for entry in timeline.events))
                          for key, timeline in self.timelines.items()}


# Strategies for what an editor writes

titles = st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=4).map(" ".join)
# From 1 September to 6 October 2023, at three hours of the day: some after the build time (scheduled), some at one moment.
dates = st.builds(lambda day, hour: (dt.datetime(2023, 9, 1, hour) + dt.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:00+03:00"),
                  st.integers(0, 35), st.sampled_from((0, 9, 18)))
bodies = st.lists(st.integers(0, len(PARAGRAPHS["ar"]) - 1), min_size=1, max_size=3).map(tuple)
tag_lists = st.lists(st.sampled_from(TAGS), max_size=3).map(tuple)
event_lists = st.lists(st.builds(Event, st.sampled_from(EVENT_DATES), titles, st.sampled_from((None, *TIMELINES))), max_size=2).map(tuple)
picks = st.lists(st.integers(0, 9), max_size=3)  # other articles of the language, by their place among them


def optional(values: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    return st.sampled_from((None, *values))


field_edits = st.one_of(
    st.tuples(st.just("title"), titles),
    st.tuples(st.just("title of the same size"), st.none()),  # within the same second, the same size: racy-clean
    st.tuples(st.just("date"), dates),
    st.tuples(st.just("body"), bodies),
    st.tuples(st.just("tags"), tag_lists),
    st.tuples(st.just("category"), optional(CATEGORIES)),
    st.tuples(st.just("author"), optional(AUTHORS)),
    st.tuples(st.just("slider"), st.booleans()),
    st.tuples(st.just("draft"), st.booleans()),
    st.tuples(st.just("image"), optional(PICTURES)),
    st.tuples(st.just("translation_key"), optional(KEYS)),
    st.tuples(st.just("events"), event_lists),
    st.tuples(st.just("related"), picks),
    st.tuples(st.just("links"), picks),
)


def same_size_variant(title: str) -> str:
    """The title with its last letter swapped for another of as many bytes."""
    swaps = {"ب": "ت", "a": "b", "n": "m"}
    last = title[-1]
    return title[:-1] + swaps.get(last, next((k for k, v in swaps.items() if v == last), "ب" if len(last.encode()) == 2 else "a"))


def file_states(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of a folder by its path: its inode and modification time, which change when it is written again."""
    return {path.relative_to(folder).as_posix(): (path.lstat().st_ino, path.lstat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def rewritten(out: Path, digests: dict[str, str], states: dict[str, tuple[int, int]]) -> list[str]:
    """The files of an output folder written again with the bytes they had (`digests`, `states`: before the build)."""
    site = tree_digest(out)
    return sorted(path for path, state in file_states(out).items() if digests.get(path) == site[path] and states.get(path) != state)


def differences(built: Path, expected: Path) -> str:
    """Which files of two output folders differ, and how, for a reader."""
    got, wanted = tree_digest(built), tree_digest(expected)
    lines = [f"missing from the incremental build: {', '.join(sorted(wanted.keys() - got.keys()))}",
             f"left over in the incremental build: {', '.join(sorted(got.keys() - wanted.keys()))}"]
    differing = sorted(path for path in got.keys() & wanted.keys() if got[path] != wanted[path])
    lines.append(f"different: {', '.join(differing)}")
    for path in differing[:3]:
        try:
            clean, incremental = ((folder / path).read_text(encoding="utf-8") for folder in (expected, built))
        except UnicodeDecodeError:
            continue
        diff = difflib.unified_diff(clean.splitlines(), incremental.splitlines(), f"clean/{path}", f"incremental/{path}", n=1, lineterm="")
        lines += [line[:240] for line in list(diff)[:24]]
    return "\n".join(lines)


def seed_picture_cache(root: Path) -> None:
    """The derivatives of the pictures articles may show, from the project's cache if it has them: encoding them takes seconds."""
    cache = root / ".cache/images"
    cache.mkdir(parents=True, exist_ok=True)
    for picture in PICTURES:
        for derivative in (PROJECT / ".cache/images").glob(f"{Path(picture).stem}-*"):
            shutil.copyfile(derivative, cache / derivative.name)


def without_state(root: Path, copy: Path) -> Path:
    """A copy of the project's sources and picture cache, but not its build state: what a clean build is built from, so
    that no state, not even the parsed articles a clean build may reuse, can make it agree with an incremental one."""
    shutil.rmtree(copy, ignore_errors=True)
    for source in ("site.yaml", "content", "layouts", "assets", ".cache/images"):
        if (root / source).is_dir():
            shutil.copytree(root / source, copy / source)
        elif (root / source).exists():
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / source, copy / source)
    return copy


def build_or_fail(root: Path, out: Path, options: BuildOptions, builder: Builder | None = None,
                  search_later: bool = False) -> BuildReport:
    try:
        return builder.build(search_later) if builder else build(root, out, options)
    except BuildFailed as failure:
        pytest.fail("the build refused a valid project:\n" + "\n".join(map(str, failure.problems.errors)))


def small_project(root: Path) -> Project:
    """The demo's configuration, layouts and assets, five articles in two languages, two timelines, a picture."""
    root.mkdir()
    ScratchSite(root)
    seed_picture_cache(root)
    project = Project(root)
    for story in (
        Story("ar", "summit", "قمة فوستوتشني", "2023-09-13T18:00:00+03:00", (0, 1), tags=("روسيا", "فضاء"), category="news",
              author="nasrin-tarek", slider=True, image=PICTURES[1], events=(Event("2023-09-13", "بوتين وكيم يلتقيان", None),)),
        Story("en", "summit", "The Vostochny summit", "2023-09-13T18:00:00+03:00", (0, 1), tags=("Russia", "Space"),
              category="news", author="nasrin-tarek", slider=True, related=("fleet",), links=("fleet",)),
        Story("ar", "train", "قطار مصفح", "2023-09-12T09:00:00+03:00", (3, 2, 1), tags=("روسيا",), category="reports",
              related=("summit",), links=("summit",)),
        Story("ar", "letter", "رسالة شكر", "2023-09-18T09:00:00+03:00", (1,), author="international-desk", draft=True),
        Story("en", "fleet", "The Pacific fleet", "2023-09-16T09:00:00+03:00", (3,), tags=("russia",), category="reports",
              translation_key="arms-story", events=(Event("2023-09", "Kim sees the fleet", "arms"),)),
    ):
        project.stories[story.lang, story.name] = story
    project.write()
    return project


class IncrementalBuilds(RuleBasedStateMachine):
    """Random edits of a small project; after each, the incremental build equals a clean build, byte for byte."""

    def __init__(self):
        super().__init__()
        self.workspace = Path(tempfile.mkdtemp(prefix="khabar-incremental-"))
        self.project = small_project(self.workspace / "project")
        self.out = self.project.root / "_site"
        self.clean_out = self.workspace / "clean"
        self.last: dict[str, str] = {}  # the incremental output after the last build
        self.clean_of: dict[str, object] = {}  # the project and options the clean output was built from
        self.options = BuildOptions(now=NOW)
        self.kept: Builder | None = None

    def teardown(self) -> None:
        shutil.rmtree(self.workspace)

    def story(self, pick: int) -> Story:
        stories = sorted(self.project.stories)
        return self.project.stories[stories[pick % len(stories)]]

    def others(self, story: Story, picks: list[int], attribute: str) -> tuple[str, ...]:
        others = [other for other in self.project.in_language(story.lang) if other.name != story.name]
        return tuple(dict.fromkeys(getattr(others[pick % len(others)], attribute) for pick in picks)) if others else ()

    # Articles

    @rule(lang=st.sampled_from(LANGUAGES), name=st.sampled_from(NAMES), title=titles, date=dates, body=bodies, tags=tag_lists,
          category=optional(CATEGORIES), author=optional(AUTHORS), slider=st.booleans(), draft=st.booleans(),
          image=optional(PICTURES), translation_key=optional(KEYS), events=event_lists, related=picks, links=picks)
    def add_article(self, lang, name, related, links, **fields):
        if (lang, name) in self.project.stories:
            return
        story = Story(lang, name, **fields)
        self.project.put(replace(story, related=self.others(story, related, "address"), links=self.others(story, links, "name")))
        self.project.write()

    @precondition(lambda self: self.project.stories)
    @rule(pick=st.integers(0, 9), edit=field_edits)
    def edit_article(self, pick, edit):
        story = self.story(pick)
        field, value = edit
        if field == "title of the same size":
            field, value = "title", same_size_variant(story.title)
        elif field in ("related", "links"):
            value = self.others(story, value, "address" if field == "related" else "name")
        self.project.put(replace(story, **{field: value}))
        self.project.write()

    @precondition(lambda self: self.project.stories)
    @rule(pick=st.integers(0, 9))
    def delete_article(self, pick):
        story = self.story(pick)
        del self.project.stories[story.lang, story.name]
        self.project.tidy()
        self.project.write()

    @precondition(lambda self: self.project.stories)
    @rule(pick=st.integers(0, 9), name=st.sampled_from(NAMES))
    def rename_article(self, pick, name):
        """A new file name, and so a new address; the articles that named it by file or by slug follow it."""
        story = self.story(pick)
        if (story.lang, name) in self.project.stories:
            return
        renamed = replace(story, name=name)
        del self.project.stories[story.lang, story.name]
        self.project.stories[story.lang, name] = renamed
        if self.project.identity_clash():
            del self.project.stories[story.lang, name]
            self.project.stories[story.lang, story.name] = story
            return
        for other in self.project.in_language(story.lang):
            self.project.stories[other.lang, other.name] = replace(
                other, links=tuple(name if link == story.name else link for link in other.links),
                related=tuple(renamed.address if pin == story.address else pin for pin in other.related))
        self.project.tidy()
        self.project.write()

    @rule(pick=st.integers(0, 30))
    def save_unchanged(self, pick):
        """A file saved again as it was: a newer modification time, the same bytes; the site must not change."""
        paths = sorted(self.project.on_disk)
        path = self.project.root / paths[pick % len(paths)]
        path.write_bytes(path.read_bytes())

    # Timelines, templates, string tables, site.yaml, assets

    @rule(key=st.sampled_from(TIMELINES), edit=st.one_of(
        st.tuples(st.just("title"), titles),
        st.tuples(st.just("add"), st.builds(Entry, st.sampled_from(EVENT_DATES), titles,
                                            st.lists(st.sampled_from(KEYS), max_size=2).map(tuple))),
        st.tuples(st.just("remove"), st.integers(0, 9)),
    ))
    def edit_timeline(self, key, edit):
        timeline = self.project.timelines[key]
        action, value = edit
        if action == "title":
            timeline = replace(timeline, title=value)
        elif action == "add":
            timeline = replace(timeline, events=(*timeline.events, value))
        elif timeline.events:
            gone = value % len(timeline.events)
            timeline = replace(timeline, events=timeline.events[:gone] + timeline.events[gone + 1:])
        self.project.timelines[key] = timeline
        self.project.tidy()  # an entry naming no article is dropped as the editor would
        self.project.write()

    @rule(edit=st.one_of(
        st.tuples(st.just("article class"), st.sampled_from(("", " wide", " long-read"))),
        st.tuples(st.just("listing class"), st.sampled_from(("", " archive"))),
        st.tuples(st.just("comment"), st.integers(0, 2)),  # a template edit that changes no page
        st.tuples(st.just("include"), st.booleans()),
        st.tuples(st.just("included"), st.sampled_from(NOTES)),  # which changes the article pages only if they include it
    ))
    def edit_template(self, edit):
        what, value = edit
        if what == "article class":
            self.project.article_class = value
        elif what == "listing class":
            self.project.listing_class = value
        elif what == "include":
            self.project.includes_note = value
        elif what == "included":
            self.project.note = value
        else:
            self.project.template_note = value
        self.project.write()

    @rule(index=st.integers(0, len(STRINGS) - 1))
    def edit_string_table(self, index):
        self.project.strings ^= {index}
        self.project.write()

    @rule(edit=st.one_of(*(st.tuples(st.just(key), st.sampled_from(values)) for key, values in SETTINGS.items()),
                         st.tuples(st.just("news label"), st.sampled_from(NEWS_LABELS))))
    def edit_site_yaml(self, edit):
        key, value = edit
        if key == "news label":
            self.project.news_label = value
        else:
            self.project.settings[key] = value
        self.project.write()

    @rule(edit=st.one_of(
        st.tuples(st.just("stylesheet rule"), st.sampled_from(CSS_RULES)),  # added, or removed if there
        st.tuples(st.just("badge"), optional(BADGES)),  # a file the stylesheet names, added, changed or removed
        st.tuples(st.just("favicon"), st.integers(0, 2)),  # a file every page names
        st.tuples(st.just("picture"), st.sampled_from(COLOURS)),  # a picture articles may show: new derivatives
    ))
    def edit_assets(self, edit):
        what, value = edit
        if what == "stylesheet rule":
            rules = self.project.css_rules
            self.project.css_rules = tuple(rule for rule in rules if rule != value) if value in rules else (*rules, value)
        elif what == "badge":
            self.project.badge = value
        elif what == "picture":
            self.project.tiny_colour = value
        else:
            self.project.favicon_version = value
        self.project.write()

    # The build's time and options

    @rule(hours=st.sampled_from((1, 24, 72)))
    def later(self, hours):
        """Builds later on: scheduled articles come out, recent ones leave the news sitemap."""
        self.options = replace(self.options, now=self.options.now + dt.timedelta(hours=hours))

    @rule(drafts=st.booleans(), base_url=optional(("https://example.org/microsite/",)))
    def other_options(self, drafts, base_url):
        """The same output folder built with other options, as a preview and the published site might be."""
        self.options = replace(self.options, include_drafts=drafts, base_url=base_url)

    @rule()
    def restart(self):
        """The next build in a new process: what the last one kept in memory is gone, what it left in .cache/build is not."""
        self.kept = None

    @precondition(lambda self: self.kept is not None)
    @rule(pick=st.integers(0, 9), title=titles)
    def another_process_builds(self, pick, title):
        """An edit built by another process (the command line while `serve` runs): the kept builder's memory is stale."""
        story = self.story(pick)
        self.project.put(replace(story, title=title))
        self.project.write()
        build_or_fail(self.project.root, self.out, self.options)
        self.last = tree_digest(self.out)  # what the next build finds, and must rewrite only where it differs
        self.project.put(story)
        self.project.write()

    @precondition(lambda self: self.project.stories)
    @rule(edits=st.lists(st.tuples(st.integers(0, 9), field_edits), min_size=1, max_size=2))
    def serve_shows_edits_before_they_are_searchable(self, edits):
        """Edits each built as `serve` builds a save, the search indexes they changed left for the next build (the
        check's): a second save may come before that build, in the same language or the other."""
        for pick, edit in edits:
            self.edit_article(pick, edit)
            build_or_fail(self.project.root, self.out, self.options, self.builder(), search_later=True)
        self.last = tree_digest(self.out)

    # Edits the build refuses

    @precondition(lambda self: self.project.stories)
    @rule(pick=st.integers(0, 9), mistake=st.sampled_from(MISTAKES))
    def break_then_fix(self, pick, mistake):
        """A mistake fails the build and leaves the last site as it was, file for file; then the editor fixes it."""
        story = self.story(pick)
        fixed = None
        if mistake == "duplicate slug":
            name = next((name for name in NAMES if (story.lang, name) not in self.project.stories), None)
            if name is None:
                return
            broken = {f"content/{story.lang}/{name}.md": replace(story, name=name, slug=story.address).text()}
            fixed = replace(story, name=name, slug=f"{story.address}-{name}", translation_key=None, related=(), links=())
        elif mistake == "unknown author":
            broken = {story.path: replace(story, author="nobody").text()}
        elif mistake == "template":
            broken = {"layouts/base.html": (self.project.root / "layouts/base.html").read_text(encoding="utf-8") + "{% if %}\n"}
        elif mistake == "site.yaml":
            broken = {"site.yaml": self.project.on_disk["site.yaml"].replace("per_page: ", "per_page: many", 1)}
        else:
            arms = self.project.timelines["arms"]
            broken = {"content/timelines/arms.yaml": replace(arms, events=(*arms.events, Entry("2023", "حدث", ("nobody",)))).text()}
        saved = {path: (self.project.root / path).read_bytes() if (self.project.root / path).exists() else None for path in broken}
        for path, text in broken.items():
            (self.project.root / path).write_text(text, encoding="utf-8")
        self.refused()
        for path, content in saved.items():
            if content is None:
                (self.project.root / path).unlink()
            else:
                (self.project.root / path).write_bytes(content)
        if fixed is not None:
            self.project.put(fixed)
            self.project.write()

    def builder(self) -> Builder:
        """The builder that keeps the site in memory between builds, as `serve` does; a new one for other options."""
        if self.kept is None or self.kept.options != self.options:
            self.kept = Builder(self.project.root, self.out, self.options)
        return self.kept

    def refused(self) -> None:
        beside, before, states = sorted(os.listdir(self.project.root)), tree_digest(self.out), file_states(self.out)
        with pytest.raises(BuildFailed):
            self.builder().build()
        assert tree_digest(self.out) == before and file_states(self.out) == states, "a failed build changed the site"
        assert sorted(os.listdir(self.project.root)) == beside

    # After every step

    @invariant()
    def incremental_build_equals_a_clean_build(self):
        states = file_states(self.out) if self.out.exists() else {}
        report = build_or_fail(self.project.root, self.out, self.options, self.builder())
        project: dict[str, object] = {path: tree_digest(self.project.root / path) for path in ("content", "layouts", "assets")}
        project |= {"site.yaml": (self.project.root / "site.yaml").read_text(encoding="utf-8"), "options": self.options}
        if project != self.clean_of:  # a clean build is a function of these: the last one stands if they are the same
            shutil.rmtree(self.clean_out, ignore_errors=True)
            build_or_fail(without_state(self.project.root, self.workspace / "copy"), self.clean_out, replace(self.options, clean=True))
            self.clean_of = project
        assert tree_digest(self.out) == tree_digest(self.clean_out), differences(self.out, self.clean_out)
        site = tree_digest(self.out)
        again = rewritten(self.out, self.last, states)
        assert not again, f"rewritten with the same bytes: {', '.join(again)}"
        changed = {path for path in site if self.last.get(path) != site[path]} - {MARKER, ".nojekyll"}
        assert (report.written, report.deleted) == (len(changed), len(self.last.keys() - site.keys())), report
        self.last = site


# Examples of 8 steps: 4 take about 20 s of CPU (KHABAR_INCREMENTAL_EXAMPLES=60 for a long hunt: about 5 minutes of CPU).
EXAMPLES = int(os.environ.get("KHABAR_INCREMENTAL_EXAMPLES", "4"))


def test_incremental_builds_equal_clean_builds_after_any_edits(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    run_state_machine_as_test(IncrementalBuilds, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=8, deadline=None, suppress_health_check=[HealthCheck.too_slow]))


def test_a_failed_incremental_build_leaves_the_site_as_it_was_and_the_next_build_right(monkeypatch: pytest.MonkeyPatch):
    """Every kind of mistake of the machine above, one after the other, each fixed before the next."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    machine = IncrementalBuilds()
    try:
        machine.incremental_build_equals_a_clean_build()
        for mistake in MISTAKES:
            machine.break_then_fix(0, mistake)
        machine.incremental_build_equals_a_clean_build()
    finally:
        machine.teardown()


# SIGKILL during an incremental build of a few hundred articles

def sources(scratch: ScratchSite) -> dict[str, bytes]:
    return {path.relative_to(scratch.root).as_posix(): path.read_bytes() for path in sorted((scratch.root / "content").rglob("*.md"))}


def put_sources(scratch: ScratchSite, files: dict[str, bytes]) -> None:
    """The articles as `files` has them: the others deleted, those that differ written."""
    for path, content in sources(scratch).items():
        if path not in files:
            (scratch.root / path).unlink()
        elif content != files[path]:
            (scratch.root / path).write_bytes(files[path])
    for path in files.keys() - sources(scratch).keys():
        scratch.write(path, files[path])


def clean_build(scratch: ScratchSite, out: Path) -> dict[str, str]:
    copy = without_state(scratch.root, out.parent / "copy")
    result = run_cli("build", "--out", str(out), "--now", BUILD_TIME, "--clean", root=copy)
    assert result.returncode == 0, result.stderr
    return tree_digest(out)


def wait_for_writing(watched: list[Path], build: subprocess.Popen) -> None:
    """Until one of the watched output files is replaced (or the build ends first)."""
    before = [(path.lstat().st_ino, path.lstat().st_mtime_ns) for path in watched]
    while build.poll() is None:
        for path, old in zip(watched, before):
            try:
                if (path.lstat().st_ino, path.lstat().st_mtime_ns) != old:
                    return
            except FileNotFoundError:
                return
        time.sleep(0.0005)


def test_an_incremental_build_killed_at_any_moment_leaves_a_site_the_next_build_completes(scratch: ScratchSite,
                                                                                          tmp_path_factory: pytest.TempPathFactory):
    many_articles(scratch)
    first = scratch.build("--now", BUILD_TIME)
    assert first.returncode == 0, first.stderr
    projects, sites = {"old": sources(scratch)}, {"old": tree_digest(scratch.out)}
    retitled = range(0, MANY_ARTICLES, 3)  # their pages, the listings and feeds that show them, others' related lists
    many_articles(scratch, retitled, title="خبر معدّل رقم {number}")
    for number in range(1, 40, 8):
        (scratch.root / f"content/{('ar', 'en')[number % 2]}/story-{number}.md").unlink()
    many_articles(scratch, range(MANY_ARTICLES, MANY_ARTICLES + 4))
    clean = tmp_path_factory.mktemp("clean") / "site"
    projects["new"], sites["new"] = sources(scratch), clean_build(scratch, clean)
    started = time.monotonic()
    update = scratch.build("--now", BUILD_TIME)
    build_seconds = time.monotonic() - started
    assert update.returncode == 0 and tree_digest(scratch.out) == sites["new"], differences(scratch.out, clean)
    target, other = "old", "new"
    put_sources(scratch, projects[target])
    kept = sites["old"].keys() & sites["new"].keys()
    watched = [scratch.out / path for path in sorted(kept) if any(f"/story-{number}/" in path for number in retitled)][:20]
    # (while writing?, seconds after): one moment in each half of an incremental build, then one after a page is replaced.
    moments = [(False, build_seconds * (half + random.random()) / 2) for half in range(2)]
    moments += [(True, random.uniform(0, 0.03))]
    for attempt, (while_writing, seconds) in enumerate(moments):
        build = start_build(scratch)
        kill_later(build, seconds, attempt % 2 == 0, (lambda: wait_for_writing(watched, build)) if while_writing else None)
        moment = f"{seconds:.2f} s after {'a page was replaced' if while_writing else 'the start'}"
        assert scratch.out.is_dir(), f"no output folder after a kill {moment}"
        seen = tree_digest(scratch.out)
        if seen == sites[other]:
            continue  # killed before its update was decided: the next attempt makes it again
        if seen != sites[target]:  # killed half-way through its update: the next build must finish it
            finish = scratch.build("--now", BUILD_TIME)
            assert finish.returncode == 0 and "Traceback" not in finish.stderr, finish.stderr
            assert tree_digest(scratch.out) == sites[target], f"a kill {moment} left a site the next build did not make whole"
        target, other = other, target
        put_sources(scratch, projects[target])
    last = scratch.build("--now", BUILD_TIME)
    assert last.returncode == 0 and "Traceback" not in last.stderr, last.stderr
    assert tree_digest(scratch.out) == sites[target]
    assert set(os.listdir(scratch.root)) - {".cache"} == {"_site", "assets", "content", "layouts", "site.yaml"}


# A build state that cannot be trusted

def every_state_file(root: Path, change) -> None:
    state = sorted(path for path in (root / STATE_DIR).rglob("*") if path.is_file())
    assert state, "the build kept no state"
    for path in state:
        change(path)


def garbled(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 1  # a digit for another digit, a letter for another: what a reader may still take
    path.write_bytes(bytes(content))


# Each a way the state under .cache/build may not describe the output folder any more (root, output folder, an older state).
DAMAGES = {
    "deleted": lambda root, out, older: shutil.rmtree(root / STATE_DIR),
    "cut in half": lambda root, out, older: every_state_file(
        root, lambda path: path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])),
    "with a bit flipped": lambda root, out, older: every_state_file(root, garbled),
    "sealed with a key since lost": lambda root, out, older: (Path(os.environ["XDG_CACHE_HOME"]) / "khabar/state-key").unlink(),
    "an older one put back": lambda root, out, older: (shutil.rmtree(root / STATE_DIR), shutil.copytree(older, root / STATE_DIR)),
    "of a folder another build replaced": lambda root, out, older: (out / MARKER).write_bytes(
        re.sub(rb"(?m)^build .*$", b"build 0123456789abcdef", (out / MARKER).read_bytes())),
}


def test_a_damaged_or_stale_build_state_means_a_full_build_never_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # where the key that seals states is kept
    project = small_project(tmp_path / "project")
    root, out = project.root, project.root / "_site"
    titles = ("قمة فوستوتشني", "قمة فوستوتشني الفضائية")
    editions = []
    for number, title in enumerate(titles):
        project.put(replace(project.stories["ar", "summit"], title=title))
        project.write()
        build_or_fail(without_state(root, tmp_path / "copy"), tmp_path / f"clean-{number}", CLEAN)
        editions.append(tree_digest(tmp_path / f"clean-{number}"))
    build_or_fail(root, out, BuildOptions(now=NOW))
    older = shutil.copytree(root / STATE_DIR, tmp_path / "older-state")
    for number, (damage, spoil) in enumerate(DAMAGES.items()):
        spoil(root, out, older)
        project.put(replace(project.stories["ar", "summit"], title=titles[number % 2]))
        project.write()
        build_or_fail(root, out, BuildOptions(now=NOW))
        assert tree_digest(out) == editions[number % 2], f"with its state {damage}, the build made another site"
        digests, states = tree_digest(out), file_states(out)
        build_or_fail(root, out, BuildOptions(now=NOW))
        again = rewritten(out, digests, states)
        assert not again, f"after a build whose state was {damage}, the next build rewrote {', '.join(again)}"
