"""Hostile input: files that lead out of the project, files that are not files, files built to hang or crash the build.

The named cases drive the real command line: one line per problem, exit status 1,
the last good site byte for byte as it was. The properties then throw random and
hostile front matter, Markdown, YAML and file trees at `check` and `build` in-process,
where many examples are cheap: never a traceback, never a hang, only Problems.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ScratchSite, run_cli, tree_digest
from khabar.fields import CLOSEST_PER_FILE, MAX_LIST_ITEMS, MAX_YAML_DEPTH, MAX_YAML_VALUES, Suggestions, parse_mapping
from khabar.load import MAX_TAGS
from khabar.pipeline import BuildOptions, build, check
from khabar.problems import BuildFailed, Problem, Problems
from khabar.sourcefile import MAX_ARTICLE_BYTES, MAX_LINE_CHARS, MAX_SOURCE_BYTES

GOOD = "title: خبر\ndate: 2023-09-13\nauthor: nasrin-tarek\ncategory: reports"
SECRET = "SECRET-TOKEN-0123456789"
ONLY_OWN = "outside the project: only the project's own files are read"
NOT_REGULAR = "not a regular file: only regular files are read"


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder beside the project holding a secret, as /etc or a home folder would."""
    folder = tmp_path_factory.mktemp("outside").resolve()
    (folder / "secret.txt").write_text(SECRET)
    (folder / "story.md").write_text(f"---\ntitle: {SECRET}\ndate: 2023-09-13\n---\n\n{SECRET}\n")
    shutil.copy(Path(__file__).parent.parent / "assets/images/newspapers.jpg", folder / "photo.jpg")
    return folder


def built_good_site(scratch: ScratchSite) -> dict[str, str]:
    """A good site built into scratch.out, as its digest: what every refused build must leave as it was."""
    scratch.article("ar", "story", GOOD)
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    return tree_digest(scratch.out)


def assert_refused(scratch: ScratchSite, good_site: dict[str, str], *expected: str) -> None:
    """The build fails with exactly these problems, one line each, and the last good site stays byte for byte as it was."""
    result = scratch.build()
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    problems = [line for line in lines[:-1] if not line.startswith("warning:")]
    assert sorted(problems) == sorted(expected), result.stderr
    assert lines[-1] == f"{len(expected)} problem(s) found; nothing was written."
    assert tree_digest(scratch.out) == good_site


def link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


# Files that lead out of the project.

def test_articles_and_folders_linked_out_of_the_project_are_refused(scratch: ScratchSite, outside: Path):
    good_site = built_good_site(scratch)
    link(scratch.root / "content/en/leak.md", outside / "story.md")
    link(scratch.root / "content/en/elsewhere", outside)
    link(scratch.root / "content/ar/itself", ".")
    link(scratch.root / "content/ar/gone.md", outside / "no-such-file.md")
    link(scratch.root / "content/ar/round.md", "round.md")
    link(scratch.root / "content/timelines/leak.yaml", outside / "secret.txt")
    assert_refused(
        scratch, good_site,
        f"content/en/leak.md: error: a link to {outside}/story.md, {ONLY_OWN}",
        f"content/en/elsewhere: error: a link to {outside}, {ONLY_OWN}",
        "content/ar/itself: error: a link to a folder it is in: the folder would never end",
        "content/ar/gone.md: error: a link to a file that does not exist",
        "content/ar/round.md: error: a link that leads back to itself",
        f"content/timelines/leak.yaml: error: a link to {outside}/secret.txt, {ONLY_OWN}",
    )
    (scratch.root / "content").rename(outside / "content")
    link(scratch.root / "content", outside / "content")
    assert_refused(
        scratch, good_site,
        f"content: error: a link to {outside}/content, {ONLY_OWN}",
        f"content/timelines: error: a link to {outside}/content/timelines, {ONLY_OWN}",
    )


def test_assets_linked_out_of_the_project_or_into_its_hidden_files_are_never_published(scratch: ScratchSite, outside: Path):
    good_site = built_good_site(scratch)
    link(scratch.root / "assets/passwd.txt", outside / "secret.txt")
    link(scratch.root / "assets/elsewhere", outside)
    (scratch.root / ".git").mkdir()
    (scratch.root / ".git/config").write_text(f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
    link(scratch.root / "assets/js/config.js", "../../.git/config")
    expected = (
        f"assets/passwd.txt: error: a link to {outside}/secret.txt, {ONLY_OWN}",
        f"assets/elsewhere: error: a link to {outside}, {ONLY_OWN}",
        "assets/js/config.js: error: leads to .git/config, a hidden file of the project: hidden files are never read into the site",
    )
    assert_refused(scratch, good_site, *expected)
    checked = run_cli("check", root=scratch.root)
    assert checked.returncode == 1 and sorted(checked.stderr.splitlines()) == sorted(expected)
    assert checked.stdout == "3 errors found\n"


def test_configuration_string_tables_and_templates_linked_out_of_the_project_are_refused(scratch: ScratchSite, outside: Path):
    good_site = built_good_site(scratch)
    for relative in ("site.yaml", "layouts/strings/en.yaml", "layouts/article.html"):
        own = scratch.root / relative
        moved = outside / relative
        moved.parent.mkdir(parents=True, exist_ok=True)
        own.rename(moved)
        own.symlink_to(moved)
        assert_refused(scratch, good_site, f"{relative}: error: a link to {moved}, {ONLY_OWN}")
        own.unlink()
        moved.rename(own)


def test_links_that_stay_inside_the_project_are_followed(scratch: ScratchSite):
    scratch.write("archive/visit.md", "---\ntitle: Linked\ndate: 2023-09-13\n---\n\nWritten elsewhere in the project.\n")
    link(scratch.root / "content/en/visit.md", "../../archive/visit.md")
    scratch.write("shared/more.md", "---\ntitle: More\ndate: 2023-09-14\n---\n\nThrough a linked folder.\n")
    link(scratch.root / "content/en/more", "../../shared")
    scratch.write("notes/notes.txt", "plain notes")
    link(scratch.root / "assets/notes.txt", "../notes/notes.txt")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    assert scratch.built().page("/en/2023/09/visit/").find("h1").get_text(strip=True) == "Linked"
    assert scratch.built().page("/en/2023/09/more/").find("h1").get_text(strip=True) == "More"
    assert [path.read_text() for path in (scratch.out / "assets").glob("notes.*.txt")] == ["plain notes"]


# Files that are not regular files, and files past the limits.

def test_pipes_sockets_and_files_past_the_limits_are_each_one_line(scratch: ScratchSite):
    good_site = built_good_site(scratch)
    content = scratch.root / "content"
    os.mkfifo(content / "ar/pipe.md")
    (content / "timelines").mkdir()
    os.mkfifo(content / "timelines/pipe.yaml")
    os.mknod(content / "en/socket.md", stat.S_IFSOCK | 0o600)
    scratch.write("content/en/empty.md", "")
    head = "---\ntitle: Big\ndate: 2023-09-13\n---\n\n"
    scratch.write("content/en/big.md", head + "word " * ((MAX_ARTICLE_BYTES + 1 - len(head)) // 5) + "w" * ((MAX_ARTICLE_BYTES + 1 - len(head)) % 5))
    scratch.article("en", "long", "title: Long\ndate: 2023-09-13", "x" * (MAX_LINE_CHARS + 1))
    levels = "abcdefgh"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip(levels, levels[1:])
    )
    scratch.article("ar", "bomb", "title: قنبلة\ndate: 2023-09-13\n" + bomb)
    scratch.article("en", "deep", "title: Deep\ndate: 2023-09-13\nx: " + "[" * 100 + "]" * 100)
    scratch.write("content/timelines/deep.yaml", "title: Deep\nevents:\n" + "".join("  " * depth + "- \n" for depth in range(40)))
    tags = ", ".join(f"tag {n}" for n in range(MAX_TAGS + 1))
    scratch.article("en", "tags", f"title: Tags\ndate: 2023-09-13\ntags: [{tags}]")
    pins = "".join(f"  - story-{n}\n" for n in range(MAX_LIST_ITEMS + 1))
    scratch.article("en", "pins", f"title: Pins\ndate: 2023-09-13\nrelated:\n{pins}")
    assert_refused(
        scratch, good_site,
        f"content/ar/pipe.md: error: a named pipe (FIFO), {NOT_REGULAR}",
        f"content/timelines/pipe.yaml: error: a named pipe (FIFO), {NOT_REGULAR}",
        f"content/en/socket.md: error: a socket, {NOT_REGULAR}",
        "content/en/empty.md:1: error: missing front matter: an article starts with a line '---', then title: and date:",
        f"content/en/big.md: error: too large: {MAX_ARTICLE_BYTES + 1:,} bytes, more than the {MAX_ARTICLE_BYTES:,} a file here may have",
        f"content/en/long.md:6: error: line too long: {MAX_LINE_CHARS + 1:,} characters, more than the {MAX_LINE_CHARS:,} a line may have",
        f"content/ar/bomb.md:9: error: more than {MAX_YAML_VALUES:,} values once its aliases are repeated (an alias bomb?)",
        f"content/en/deep.md:4: error: nested deeper than {MAX_YAML_DEPTH} levels",
        f"content/timelines/deep.yaml:{2 + MAX_YAML_DEPTH}: error: nested deeper than {MAX_YAML_DEPTH} levels",
        f"content/en/tags.md:4: error: {MAX_TAGS + 1} tags, more than the {MAX_TAGS} an article may have",
        f"content/en/pins.md:4: error: 'related' lists {MAX_LIST_ITEMS + 1} items, more than the {MAX_LIST_ITEMS} a list may have",
    )


def test_configuration_string_tables_and_templates_that_are_pipes_or_too_deep_are_refused(scratch: ScratchSite):
    good_site = built_good_site(scratch)
    for relative in ("site.yaml", "layouts/strings/en.yaml", "layouts/article.html"):
        own = scratch.root / relative
        kept = own.read_bytes()
        own.unlink()
        os.mkfifo(own)
        assert_refused(scratch, good_site, f"{relative}: error: a named pipe (FIFO), {NOT_REGULAR}")
        own.unlink()
        own.write_bytes(kept)
    scratch.edit_config("per_page: 6", "per_page: " + "{a: " * 50 + "1" + "}" * 50)
    config = (scratch.root / "site.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(config, start=1) if text.startswith("per_page:"))
    assert_refused(scratch, good_site, f"site.yaml:{line}: error: nested deeper than {MAX_YAML_DEPTH} levels")


# Pictures: named from the front matter, site.yaml and the body, they must be files of assets/.

def test_pictures_outside_assets_or_linked_out_of_the_project_are_refused_at_their_line(scratch: ScratchSite, outside: Path):
    good_site = built_good_site(scratch)
    shutil.copy(outside / "photo.jpg", scratch.root / "illustrations.jpg")
    link(scratch.root / "assets/images/leak.jpg", outside / "photo.jpg")
    picture = "\nimage_alt: a picture\n---\n\n"
    scratch.write("content/ar/a.md", f"---\n{GOOD}\nimage: images/../../site.yaml{picture}نص.\n")
    scratch.write("content/ar/b.md", f"---\n{GOOD}\nimage: /assets/../illustrations.jpg{picture}نص.\n")
    scratch.write("content/en/c.md", "---\ntitle: C\ndate: 2023-09-13\n---\n\nText.\n\n![a picture](images/../../illustrations.jpg)\n")
    scratch.write("content/en/d.md", f"---\ntitle: D\ndate: 2023-09-13\nimage: images/leak.jpg{picture}Text.\n")
    assert_refused(
        scratch, good_site,
        "content/ar/a.md:6: error: image 'images/../../site.yaml' is outside assets/",
        "content/ar/b.md:6: error: image '/assets/../illustrations.jpg' is outside assets/",
        "content/en/c.md:8: error: image 'images/../../illustrations.jpg' is outside assets/",
        f"content/en/d.md:4: error: image 'images/leak.jpg': a link to {outside}/photo.jpg, {ONLY_OWN}",
        f"assets/images/leak.jpg: error: a link to {outside}/photo.jpg, {ONLY_OWN}",  # refused under assets/ too
    )
    for name in ("a", "b"):
        (scratch.root / f"content/ar/{name}.md").unlink()
    for name in ("c", "d"):
        (scratch.root / f"content/en/{name}.md").unlink()
    (scratch.root / "assets/images/leak.jpg").unlink()
    scratch.edit_config("      en: Nasrin Tarek\n", "      en: Nasrin Tarek\n    photo: ../illustrations.jpg\n")
    line = (scratch.root / "site.yaml").read_text(encoding="utf-8").splitlines().index("    photo: ../illustrations.jpg") + 1
    assert_refused(scratch, good_site, f"site.yaml:{line}: error: author 'nasrin-tarek': image '../illustrations.jpg' is outside assets/")


def test_a_link_planted_in_the_picture_cache_is_never_published(scratch: ScratchSite, outside: Path):
    scratch.article("en", "story", "title: Story\ndate: 2023-09-13\nimage: images/newspapers.jpg\nimage_alt: Newspapers")
    assert scratch.build().returncode == 0
    cached = sorted((scratch.root / ".cache/images").glob("newspapers-320.*.webp"))
    assert len(cached) == 1
    made = cached[0].read_bytes()
    cached[0].unlink()
    cached[0].symlink_to(outside / "secret.txt")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    assert (scratch.out / "assets/images" / cached[0].name).read_bytes() == made
    assert not cached[0].is_symlink() and cached[0].read_bytes() == made


# YAML bounded before it is composed; problems that stay one line whatever they quote.

@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\nb: &x [*x]\n", "front.md:3: error: the alias *x is inside the value it repeats, which would never end"),
    ("a: !!timestamp 2023-99-99\n", "front.md:2: error: invalid YAML: month must be in 1..12"),
    ("a: !!float many\n", "front.md:2: error: invalid YAML: could not convert string to float: 'many'"),
    ("a:\n" + "".join("  " * depth + "- \n" for depth in range(1, 40)), f"front.md:{2 + MAX_YAML_DEPTH}: error: nested deeper than {MAX_YAML_DEPTH} levels"),
])
def test_yaml_that_would_never_end_or_cannot_be_made_is_one_problem(text: str, expected: str):
    problems = Problems()
    assert parse_mapping(text, "front.md", problems, first_line=2) is None
    assert [str(problem) for problem in problems.errors] == [expected]


def test_aliases_within_the_bounds_still_repeat_their_values():
    problems = Problems()
    mapping = parse_mapping("base: &base {ar: خبر, en: News}\ntitle: *base\nmore: [*base, *base]\n", "site.yaml", problems)
    assert not problems and mapping.values["title"] == {"ar": "خبر", "en": "News"} and len(mapping.values["more"]) == 2


def test_the_closest_known_value_is_sought_only_a_few_times_per_file():
    hints = Suggestions(["summit-opens", "train-arrives", "visit-ends"])
    given = [hints("visit-end", "content/en/a.md") for _ in range(CLOSEST_PER_FILE + 1)]
    assert given[:-1] == ["(known: visit-ends, summit-opens, train-arrives)"] * CLOSEST_PER_FILE
    assert given[-1] == "(known: summit-opens, train-arrives, visit-ends)"
    assert hints("visit-end", "content/en/b.md") == "(known: visit-ends, summit-opens, train-arrives)"


def test_a_problem_quoting_control_characters_stays_one_line():
    problem = Problem("content/ar/a\nb.md", 3, "unknown author 'x\x1b[2Jy'")
    assert str(problem) == "content/ar/a\\nb.md:3: error: unknown author 'x\\x1b[2Jy'"


# Properties: random and hostile input thrown at check and build, in-process.

PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow],
)
HANG_SECONDS = 20  # the slowest example takes a fraction of a second; a hang takes forever


@contextmanager
def never_hangs() -> Iterator[None]:
    """Fail, rather than wait forever, if the code inside blocks (on a pipe, a device, an endless alias)."""
    def hung(signal_number, frame):
        raise AssertionError(f"still running after {HANG_SECONDS} s: a hang")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class PropertySite:
    """One scratch site for all examples of a property, put back as it was before each."""

    def __init__(self, root: Path):
        self.scratch = ScratchSite(root)
        self.root = root
        self.kept = {relative: (root / relative).read_bytes() for relative in ("site.yaml", "layouts/strings/ar.yaml", "layouts/strings/en.yaml")}

    def reset(self) -> ScratchSite:
        for folder in ("content", "assets/x", "archive"):
            if os.path.lexists(self.root / folder):
                shutil.rmtree(self.root / folder)
        for language in ("ar", "en"):
            (self.root / "content" / language).mkdir(parents=True)
        for relative, data in self.kept.items():
            (self.root / relative).unlink(missing_ok=True)
            (self.root / relative).write_bytes(data)
        return self.scratch

    def check(self) -> Problems:
        """`check`, bounded in time, whose problems must each be one line naming a project file."""
        with never_hangs():
            problems = check(self.root)
        assert_well_formed(problems)
        return problems


@pytest.fixture(scope="module")
def property_site(tmp_path_factory: pytest.TempPathFactory) -> PropertySite:
    return PropertySite(tmp_path_factory.mktemp("property"))


_PROBLEM_PATH = re.compile(r"(site\.yaml|content/.+|layouts/.+|assets/.+)")


def assert_well_formed(problems: Problems) -> None:
    for problem in (*problems.errors, *problems.warnings):
        text = str(problem)
        assert text.isprintable(), f"not one printable line: {text!r}"
        assert _PROBLEM_PATH.fullmatch(problem.path) and problem.line >= 0 and problem.message, text


# YAML that is random, typed wrongly, or built to hurt.
_LETTERS = "abcxyz019 بتثجحخدذ"
_YAML_SPECIALS = ":-[]{}&*!|>'\"#%@`,?\n \t\\"
yaml_text = st.text(alphabet=st.sampled_from(_LETTERS + _YAML_SPECIALS) | st.characters(blacklist_categories=("Cs",)), max_size=120)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(_LETTERS + "\n:-", max_size=20),
    st.sampled_from(["2023-09-13", "2023-02-30", "1961", "2023-13", "../x", "/etc/passwd", "nasrin-tarek", "reports", "images/favicon.svg"]),
)
yaml_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(_LETTERS, max_size=8), inner, max_size=4), max_leaves=10,
)


@st.composite
def alias_bombs(draw) -> str:
    width, levels = draw(st.integers(2, 12)), draw(st.integers(1, 12))
    names = [f"l{level}" for level in range(levels + 1)]
    text = f"{names[0]}: &{names[0]} [{', '.join(['lol'] * width)}]\n"
    return text + "".join(f"{name}: &{name} [{', '.join([f'*{previous}'] * width)}]\n" for previous, name in zip(names, names[1:]))


@st.composite
def deep_nesting(draw) -> str:
    depth = draw(st.integers(1, 3000))
    opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
    return "deep: " + opener * depth + "x" + closer * depth + "\n"


hostile_yaml = st.one_of(
    yaml_text,
    yaml_values.map(lambda value: yaml.safe_dump({"extra": value}, allow_unicode=True)),
    alias_bombs(), deep_nesting(),
    st.sampled_from(["x: &a [*a]\n", "x: !!timestamp 2023-99-99\n", "x: !!python/object:os.system ls\n", "x: !!binary '!'\n",
                     "x: !!float nope\n", "? [a, b]\n: c\n", "<<: {title: merged}\n", "%YAML 9.9\n---\nx: 1\n"]),
)
markdown_text = st.text(
    alphabet=st.sampled_from(_LETTERS + "#*_[]()!<>`~-+=|\\\n&;:/.\"'\t") | st.characters(blacklist_categories=("Cs",)), max_size=300,
)
picture_paths = st.sampled_from([
    "images/favicon.svg", "../site.yaml", "/assets/../site.yaml", "images/../../content", "%2e%2e/site.yaml", "/etc/passwd",
    "file:///etc/passwd", "images/", "images/nothing.jpg", "images/favicon.svg?x", "\\..\\site.yaml", "images/x%00.jpg",
]) | st.text(_LETTERS + "/.%", max_size=20)


@st.composite
def articles(draw) -> str:
    """An article with a front matter now well-formed, now broken, and a body of Markdown's every special character."""
    fields = {
        "title": draw(st.one_of(st.just("خبر"), yaml_values)), "date": draw(st.one_of(st.just("2023-09-13"), yaml_values)),
        "tags": draw(st.one_of(st.lists(st.text(_LETTERS, max_size=12), max_size=40), yaml_values)),
        "author": draw(st.one_of(st.just("nasrin-tarek"), yaml_values)), "image": draw(picture_paths), "image_alt": "x",
    }
    chosen = {key: value for key, value in fields.items() if draw(st.booleans())}
    front_matter = yaml.safe_dump(chosen, allow_unicode=True) if chosen else ""
    if draw(st.booleans()):
        front_matter += draw(hostile_yaml)
    body = draw(markdown_text) + f"\n\n![{draw(markdown_text)}]({draw(picture_paths)})\n" + draw(markdown_text)
    fence = draw(st.sampled_from(["---", "---", "--- ", "----", ""]))
    return f"{fence}\n{front_matter}\n---\n{body}"


@PROPERTY_SETTINGS
@given(ar=articles(), en=articles())
def test_any_article_gets_problems_never_a_crash(property_site: PropertySite, ar: str, en: str):
    scratch = property_site.reset()
    scratch.write("content/ar/one.md", ar)
    scratch.write("content/en/one.md", en)
    property_site.check()


@PROPERTY_SETTINGS
@given(key=st.sampled_from(["title", "languages", "authors", "categories", "related", "per_page", "permalink", "timezone", "card_image"]),
       value=hostile_yaml)
def test_any_site_yaml_gets_problems_never_a_crash(property_site: PropertySite, key: str, value: str):
    scratch = property_site.reset()
    scratch.article("ar", "story", GOOD)
    config = (scratch.root / "site.yaml").read_text(encoding="utf-8")
    replaced = re.sub(rf"^{key}:.*\n(?:[ #].*\n|\n)*", lambda _: f"{key}:\n" + "".join(f"  {line}\n" for line in value.splitlines()), config, count=1, flags=re.M)
    (scratch.root / "site.yaml").write_text(replaced if replaced != config else value + config, encoding="utf-8")
    property_site.check()


@PROPERTY_SETTINGS
@given(timeline=hostile_yaml | yaml_values.map(lambda events: yaml.safe_dump({"title": "t", "events": events}, allow_unicode=True)),
       table=hostile_yaml)
def test_any_timeline_or_string_table_gets_problems_never_a_crash(property_site: PropertySite, timeline: str, table: str):
    scratch = property_site.reset()
    scratch.article("ar", "story", GOOD + "\ntimeline:\n  - {date: 2023-09-13, title: حدث, timeline: t}")
    scratch.write("content/timelines/t.yaml", timeline)
    scratch.write("layouts/strings/en.yaml", (scratch.root / "layouts/strings/en.yaml").read_text(encoding="utf-8") + table)
    property_site.check()


# File trees: what an editor's folder may hold besides Markdown.
HOSTILE_KINDS = ("pipe", "socket", "link out", "link out to a folder", "link to a folder above", "broken link", "link to itself",
                 "binary", "long line", "too large")
KINDS = (*HOSTILE_KINDS, "article", "empty", "link in", "folder")
FOLDERS = ("content/ar", "content/en", "content/en/deeper", "content/timelines", "assets/x")


def make_entry(root: Path, relative: str, kind: str, outside: Path) -> None:
    """One file (or not-quite-file) of the given kind at a project path."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    article = f"---\ntitle: {path.stem}\ndate: 2023-09-13\n---\n\nText.\n"
    match kind:
        case "pipe":
            os.mkfifo(path)
        case "socket":
            os.mknod(path, stat.S_IFSOCK | 0o600)
        case "link out":
            path.symlink_to(outside / "secret.txt")
        case "link out to a folder":
            path.symlink_to(outside)
        case "link to a folder above":
            path.symlink_to("..")
        case "broken link":
            path.symlink_to(outside / "no-such-file")
        case "link to itself":
            path.symlink_to(path.name)
        case "binary":
            path.write_bytes(b"\x89PNG\r\n\x1a\n\x00" + os.urandom(64))
        case "long line":
            path.write_text(article + "x" * (MAX_LINE_CHARS + 1), encoding="utf-8")
        case "too large":
            path.write_text(article + "word\n" * (MAX_SOURCE_BYTES // 5 + 1), encoding="utf-8")
        case "article":
            path.write_text(article, encoding="utf-8")
        case "empty":
            path.write_bytes(b"")
        case "link in":
            (root / "archive").mkdir(exist_ok=True)
            (root / "archive" / path.name).write_text(article, encoding="utf-8")
            path.symlink_to(os.path.relpath(root / "archive" / path.name, path.parent))
        case "folder":
            path.mkdir()


file_trees = st.lists(
    st.tuples(st.sampled_from(FOLDERS), st.text("abzدذ-_", min_size=1, max_size=6), st.sampled_from(KINDS), st.sampled_from([".md", ".yaml", ".css", ""])),
    max_size=6, unique_by=lambda entry: (entry[0], entry[1]),
)


@PROPERTY_SETTINGS
@given(tree=file_trees)
def test_any_file_tree_gets_problems_never_a_hang(property_site: PropertySite, outside: Path, tree: list):
    scratch = property_site.reset()
    scratch.article("ar", "story", GOOD)
    for folder, name, kind, suffix in tree:
        make_entry(scratch.root, f"{folder}/{name}{suffix}", kind, outside)
    problems = property_site.check()
    named = {problem.path for problem in problems.errors}
    content_failed = any(path.startswith("content/") for path in named)
    for folder, name, kind, suffix in tree:
        relative = f"{folder}/{name}{suffix}"
        if kind not in HOSTILE_KINDS or (folder.startswith("assets/") and content_failed):
            continue  # assets are read once the content holds: check stops at the first stage that fails
        if kind in ("long line", "too large", "binary") and folder.startswith("assets/"):
            continue  # assets are published as they are, whatever they hold
        # A link to a folder is named with what is found through it: the folder itself, or a file in it.
        assert relative in named or any(path.startswith(f"{relative}/") for path in named), (relative, kind, named)


@settings(PROPERTY_SETTINGS, max_examples=6)
@given(tree=file_trees, ar=st.just(f"---\n{GOOD}\n---\n\nنص.\n") | articles())
def test_a_build_that_fails_writes_nothing(property_site: PropertySite, outside: Path, tree: list, ar: str):
    scratch = property_site.reset()
    scratch.article("ar", "story", GOOD)
    out = property_site.root.parent / f"{property_site.root.name}-site"
    if not out.exists():
        build(scratch.root, out, BuildOptions())
    before = tree_digest(out)
    scratch.write("content/ar/random.md", ar)
    for folder, name, kind, suffix in tree:
        make_entry(scratch.root, f"{folder}/{name}{suffix}", kind, outside)
    with never_hangs():
        try:
            build(scratch.root, out, BuildOptions())
        except BuildFailed as failure:
            assert failure.problems.errors
            assert_well_formed(failure.problems)
            assert tree_digest(out) == before
            return
    assert SECRET not in "".join(path.read_text(errors="replace") for path in out.rglob("*") if path.is_file())
