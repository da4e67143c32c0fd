"""Addresses no input can turn against the site: every one inside the output folder, a name a file can have,
one file per page, and one element per id; anything else is one line naming the file and line, exit 1, nothing written."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PROJECT, ScratchSite, read_html, run_cli
from khabar.config import base_url_problem, load_config
from khabar.markdown import render_markdown
from khabar.model import _refuse_shared_files
from khabar.pages import Feed, Page
from khabar.problems import BuildFailed
from khabar.urls import article_url, is_slug, output_path, permalink_problem

GOOD = "title: خبر\ndate: 2023-09-13\nauthor: nasrin-tarek\ncategory: reports"


def files_of(scratch: ScratchSite) -> set[str]:
    """Every file and folder of the scratch site and what lies beside it: a build that fails leaves them as they were,
    and a path with "../" in it would show there. (Not further up: other test runs come and go there.) All but the
    build state in .cache/, which keeps the articles a failed build read, for the next one."""
    state = scratch.root / ".cache"
    return {path.as_posix() for path in (*scratch.root.rglob("*"), *scratch.root.parent.iterdir())
            if path != state and state not in path.parents}


def assert_refused(scratch: ScratchSite, *expected: str, options: tuple[str, ...] = ()) -> str:
    before = files_of(scratch)
    result = scratch.build(*options)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for line in expected:
        assert line in result.stderr.splitlines(), f"{line!r} not among:\n{result.stderr}"
    assert files_of(scratch) == before
    return result.stderr


def config_line(scratch: ScratchSite, text: str) -> int:
    lines = (scratch.root / "site.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line == text)


EXAMPLE = " (e.g. /{lang}/{yyyy}/{mm}/{slug}/)"


@pytest.mark.parametrize(
    ("permalink", "problem"),
    [
        ("/{lang}/../../{slug}/", "has a '.' or '..' segment, which would lead out of its folder"),
        ("/{lang}/{slug}/..", "has a '.' or '..' segment, which would lead out of its folder"),
        ("/{lang}/./{slug}/", "has a '.' or '..' segment, which would lead out of its folder"),
        ("/{lang}//{slug}/", "has an empty segment ('//')"),
        ("/{lang}\\{slug}/", "is not a path inside the site (one leading '/', no scheme, host or backslash)"),
        ("//evil.example/{lang}/{slug}/", "is not a path inside the site (one leading '/', no scheme, host or backslash)"),
        ("https://evil.example/{lang}/{slug}/", "is not a path inside the site (one leading '/', no scheme, host or backslash)"),
        ("/{lang}/{slug.__class__}/", "has the unknown token {slug.__class__}"),
        ("/{lang}/{slug!r}/", "has the unknown token {slug!r}"),
        ("/{lang}/{slug:>300}/", "has the unknown token {slug:>300}"),
        ("/{lang}/{0}/{slug}/", "has the unknown token {0}"),
        ("/{lang}/{}/{slug}/", "has the unknown token {}"),
        ("/{lang}/{slug}/{", "has a '{' or '}' that opens or closes no token"),
        ("/{lang}/{slug}}/", "has a '{' or '}' that opens or closes no token"),
        ("/{lang}/{{slug}}/", "must use both {lang} and {slug}"),
        ("/{slug}/", "must use both {lang} and {slug}"),
        ("/{lang}/News/{slug}/", "may only have lowercase letters, digits and hyphens beside its tokens and slashes"),
        ("/{lang}/{slug}.html", "may only have lowercase letters, digits and hyphens beside its tokens and slashes"),
        ("/{lang}/%2e%2e/{slug}/", "may only have lowercase letters, digits and hyphens beside its tokens and slashes"),
        ("/{lang}/" + "x" * 256 + "/{slug}/", "has more text besides its tokens than a file name may have (255 bytes)"),
        ("/{lang}/{slug}/{slug}/{slug}/", "uses a token twice"),
    ],
)
def test_what_makes_a_permalink_unsafe(permalink: str, problem: str):
    assert permalink_problem(permalink) == problem


@pytest.mark.parametrize("permalink", ["/{lang}/{yyyy}/{mm}/{slug}/", "{lang}/{slug}", "/{lang}/أخبار/{yyyy}-{mm}-{dd}/{slug}/"])
def test_what_makes_a_permalink_safe(permalink: str):
    assert permalink_problem(permalink) is None


@pytest.mark.parametrize(
    ("permalink", "problem"),
    [
        ("/{lang}/../../{slug}/", "has a '.' or '..' segment, which would lead out of its folder"),
        ("//evil.example/{lang}/{slug}/", "is not a path inside the site (one leading '/', no scheme, host or backslash)"),
        ("/{lang}/{slug.__class__}/", "has the unknown token {slug.__class__}"),
    ],
)
def test_a_permalink_that_could_leave_the_output_folder_is_refused(scratch: ScratchSite, permalink: str, problem: str):
    scratch.article("ar", "story", GOOD)
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", f"permalink: '{permalink}'")
    line = config_line(scratch, f"permalink: '{permalink}'")
    assert_refused(scratch, f"site.yaml:{line}: error: permalink '{permalink}' {problem}{EXAMPLE}")


def test_category_and_author_keys_must_be_slugs_a_file_can_be_named(scratch: ScratchSite):
    bad_categories = {"../x": "category key '../x' is not URL-safe (try 'x')",
                      "Bad Key": "category key 'Bad Key' is not URL-safe (try 'bad-key')",
                      "..": "category key '..' is not URL-safe (use lowercase letters, digits and hyphens)",
                      "ت" * 128: "category key is too long for a file name: 256 bytes in UTF-8, at most 255"}
    bad_authors = {"../../../tmp/owned": "author key '../../../tmp/owned' is not URL-safe (try 'tmp-owned')",
                   "n" * 256: "author key is too long for a file name: 256 bytes in UTF-8, at most 255"}
    scratch.edit_config("categories:\n", "categories:\n" + "".join(f"  '{key}':\n    label: س\n" for key in bad_categories))
    scratch.edit_config("authors:\n", "authors:\n" + "".join(f"  '{key}':\n    name: س\n" for key in bad_authors))
    assert_refused(scratch, *(f"site.yaml:{config_line(scratch, f'  {key!r}:')}: error: {problem}"
                              for key, problem in (*bad_categories.items(), *bad_authors.items())))


def test_a_language_code_is_checked_before_it_names_a_folder(scratch: ScratchSite):
    scratch.edit_config("languages:\n  ar:\n", "languages:\n  ../x:\n")
    line = config_line(scratch, "  ../x:")
    stderr = assert_refused(
        scratch, f"site.yaml:{line}: error: '../x' is not a language code such as ar, en or pt-BR (it names the language's folders and URLs)"
    )
    assert "string table" not in stderr


@pytest.mark.parametrize("base_url", ["ftp://example.org/", "javascript:alert(1)//", "/microsite/", "https://", "https:///x",
                                      "https://user:secret@example.org/", "https://example.org:99999/", "https://exa mple.org/",
                                      "https://example.org/?q=1", "https://[::1/"])
def test_what_makes_a_base_url_unusable(base_url: str):
    assert base_url_problem(base_url) == f"'{base_url}' is not an http:// or https:// address with a host, such as https://example.org/"


@pytest.mark.parametrize("base_url", ["https://example.org/", "http://127.0.0.1:8000/", "https://example.org/microsite/", "https://خبر.example/"])
def test_what_makes_a_base_url_usable(base_url: str):
    assert base_url_problem(base_url) is None


def test_base_url_must_be_an_http_address_with_a_host(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    scratch.edit_config("base_url: https://example.org/", "base_url: 'javascript:alert(1)//'")
    line = config_line(scratch, "base_url: 'javascript:alert(1)//'")
    assert_refused(scratch, f"site.yaml:{line}: error: base_url 'javascript:alert(1)//' is not an http:// or https:// address with a host, such as https://example.org/")


def test_the_base_url_option_is_checked_too(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    assert_refused(scratch, "--base-url: error: 'file:///etc/' is not an http:// or https:// address with a host, such as https://example.org/",
                   options=("--base-url", "file:///etc/"))


def test_a_time_zone_offset_no_zone_has_is_refused(scratch: ScratchSite):
    offsets = ["+05:17", "+15:00", "-14:15", "+0517", "+23:59", "+05:60"]
    for number, offset in enumerate(offsets):
        scratch.article("ar", f"story-{number}", f"title: خبر\ndate: 2023-09-13T10:00:00{offset}")
    assert_refused(scratch, *(f"content/ar/story-{number}.md:3: error: bad time-zone offset '{offset}' in 'date'"
                              " (offsets are whole quarter hours from -14:00 to +14:00)" for number, offset in enumerate(offsets)))


def test_offsets_are_checked_in_updated_and_timeline_dates_take_none(scratch: ScratchSite):
    scratch.article("ar", "story", "title: خبر\ndate: 2023-09-13\nupdated: 2023-09-14T10:00:00+05:17")
    scratch.article("ar", "far", "title: خبر\ndate: 9999-12-31T23:00:00-14:00")
    scratch.write("content/timelines/visit.yaml", "title: {ar: الزيارة}\nevents:\n  - date: 2023-09-13T10:00:00+03:00\n    title: {ar: وصول}\n")
    assert_refused(
        scratch,
        "content/ar/story.md:4: error: bad time-zone offset '+05:17' in 'updated' (offsets are whole quarter hours from -14:00 to +14:00)",
        # a real offset, but no UTC time: the year 10000 there
        "content/ar/far.md:3: error: bad date '9999-12-31T23:00:00-14:00' in 'date' (expected ISO 8601, e.g. 2023-09-13 or 2023-09-13T10:30:00+03:00)",
        "content/timelines/visit.yaml:3: error: bad event date '2023-09-13T10:00:00+03:00' (expected a year, year-month or date: 1961, 2022-12, 2023-09-13)",
    )


def test_names_too_long_for_a_file_are_named_at_their_line(scratch: ScratchSite):
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", "permalink: /{lang}/{slug}-{yyyy}/")
    scratch.article("ar", "story", GOOD + f"\ntags: [كيم, {'ب' * 128}]")  # an Arabic letter is 2 bytes
    scratch.article("en", "story", f"title: Story\ndate: 2023-09-13\nslug: {'s' * 256}")
    scratch.article("en", "s" * 251, "title: Story\ndate: 2023-09-13")  # the longest file name, its slug made too long
    assert_refused(
        scratch,
        f"content/ar/story.md:6: error: tag '{'ب' * 40}…' is too long for a file name: 256 bytes in UTF-8, at most 255",
        f"content/en/story.md:4: error: slug '{'s' * 40}…' is too long for a file name: its address has a segment of 261 bytes in UTF-8, at most 255",
        f"content/en/{'s' * 251}.md:1: error: slug '{'s' * 40}…' is too long for a file name: its address has a segment of 256 bytes in UTF-8, at most 255",
    )


def test_what_is_near_the_limits_still_builds(scratch: ScratchSite):
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", "permalink: '{lang}/أخبار/{yyyy}-{mm}-{dd}/{slug}'")
    scratch.article("ar", "kiritimati", f"title: خبر\ndate: 2023-09-13T10:00:00+14:00\ntags: [{'ب' * 127}]")
    scratch.article("ar", "kathmandu", "title: خبر\ndate: 2023-09-13T10:00:00+05:45\nupdated: 2023-09-14T00:00:00-12:00")
    scratch.article("en", "s" * 251, "title: Story\ndate: 2023-09-13")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    for path in ("ar/أخبار/2023-09-13/kathmandu", "ar/tags/" + "ب" * 127, "en/أخبار/2023-09-13/" + "s" * 251):
        assert (scratch.out / path / "index.html").is_file(), path


@pytest.mark.parametrize(
    ("permalink", "articles"),
    [
        ("/{lang}/{slug}/", [("timelines", "", "/en/timelines/ is also that of the page 'Timelines'"),
                             ("search", "", "/en/search/ is also that of the page 'Search'")]),
        ("/{lang}/categories/{slug}/", [("reports", "category: reports", "/en/categories/reports/ is also that of the page 'Reports'")]),
        ("/{lang}/tags/{slug}/", [("summit", "tags: [summit]", "/en/tags/summit/ is also that of the page 'summit'")]),
        ("/{lang}/authors/{slug}/", [("nasrin-tarek", "author: nasrin-tarek", "/en/authors/nasrin-tarek/ is also that of the page 'Nasrin Tarek'")]),
        ("/{lang}/page/{slug}/", [("2", "", "/en/page/2/ is also that of the page 'Kim in Russia'")]),
        ("/{lang}/timelines/{slug}/", [("visit", "", "/en/timelines/visit/ is also that of the page 'The visit'")]),
        ("/{slug}/{lang}/", [("assets", "", "/assets/en/ is in assets/, where the site's own files are written"),
                             ("pagefind", "", "/pagefind/en/ is in pagefind/en/, where the site's own files are written")]),
    ],
)
def test_an_article_at_the_address_of_another_output_is_refused(scratch: ScratchSite, permalink: str, articles: list[tuple[str, str, str]]):
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", f"permalink: {permalink}")
    scratch.write("content/timelines/visit.yaml", "title: {ar: الزيارة, en: The visit}\nevents:\n  - date: 2023-09-13\n    title: {ar: وصول}\n")
    for number in range(7):  # enough for a second page of the English home
        scratch.article("en", f"filler-{number}", f"title: Filler {number}\ndate: 2023-09-{number + 1:02d}")
    for number, (slug, front_matter, _) in enumerate(articles):
        scratch.article("en", f"story-{number}", f"title: Story\ndate: 2023-09-20\nslug: '{slug}'\n{front_matter}")
    assert_refused(scratch, *(f"content/en/story-{number}.md:4: error: its address {clash}: give it another slug"
                              for number, (_, _, clash) in enumerate(articles)))


def test_pages_whose_files_differ_only_in_case_are_refused(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    for name in ("visit", "Visit"):
        scratch.write(f"content/timelines/{name}.yaml", f"title: {{ar: {name}}}\nevents:\n  - date: 2023-09-13\n    title: {{ar: وصول}}\n")
    assert_refused(scratch, "site.yaml: error: the address /ar/timelines/visit/ of the page 'visit' is also that of the page 'Visit'")


TEMPLATE_ID = re.compile(r"""(?<![\w-])id="([^"{]+)\"""")


def test_no_heading_takes_an_id_a_template_uses_and_no_two_headings_share_one(scratch: ScratchSite):
    static_ids = sorted({found for template in (PROJECT / "layouts").rglob("*.html")
                         for found in TEMPLATE_ID.findall(template.read_text(encoding="utf-8"))})
    assert {"main", "top", "related-heading", "story-heading"} <= set(static_ids)
    headings = [*static_ids, "No translation en", "Slide 1", "Year 2023", "Same", "Same", "Same 1", "Main"]
    body = "\n\n".join(f"## {heading}\n\nText under {heading}." for heading in headings)
    scratch.write("content/timelines/visit.yaml", "title: {ar: الزيارة, en: The visit}\nevents:\n  - date: 2023-09-13\n    title: {ar: وصول, en: Arrival}\n    articles: [story]\n")
    scratch.article("en", "story", "title: Story\ndate: 2023-09-13\ntags: [summit]", body)
    scratch.article("en", "other", "title: Other story\ndate: 2023-09-12\ntags: [summit]", "Text under Same.")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    pages = scratch.built().html_files()
    assert pages
    for path in pages:
        ids = Counter(element["id"] for element in read_html(path).select("[id]"))
        assert [i for i, count in ids.items() if count > 1] == [], path
    article = read_html(scratch.out / "en/2023/09/story/index.html")
    for template_id in ("main", "top", "related-heading", "story-heading", "no-translation-ar"):
        assert article.select(f"#{template_id}"), template_id  # the page shows the template's own element
        assert not article.select(f".article-body #{template_id}")
    given = [heading["id"] for heading in article.select(".article-body h2")]
    assert len(given) == len(headings)
    assert given[-7:] == ["no-translation-en-1", "slide-1-1", "year-2023-1", "same", "same-1", "same-1-1", "main-2"]
    assert given[static_ids.index("main")] == "main-1"


def test_check_reports_what_build_reports(scratch: ScratchSite):
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", "permalink: /{lang}/../{slug}/")
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = config_line(scratch, "permalink: /{lang}/../{slug}/")
    assert f"site.yaml:{line}: error: permalink '/{{lang}}/../{{slug}}/' has a '.' or '..' segment, which would lead out of its folder{EXAMPLE}" in result.stderr


def test_a_page_is_compared_with_the_files_that_are_not_pages(scratch: ScratchSite):
    """No input reaches these today (a page is always a folder's index.html or 404.html); the check holds them all."""
    config = load_config(scratch.root)
    feed = Feed("/ar/feed.xml", "ar", "كيم في روسيا", "", "/ar/", (), ())
    odd = [Page(url=url, lang="ar", template="x.html", title="x") for url in ("/ar/feed.xml", "/Robots.txt", "/sitemap-en.xml")]
    with pytest.raises(BuildFailed) as failure:
        _refuse_shared_files(config, odd, [feed])
    assert [str(problem) for problem in failure.value.problems.errors] == [
        "site.yaml: error: the address /ar/feed.xml of the page 'x' is also that of the feed 'كيم في روسيا'",
        "site.yaml: error: the address /Robots.txt of the page 'x' is also that of robots.txt",
        "site.yaml: error: the address /sitemap-en.xml of the page 'x' is also that of the sitemap of 'en'",
    ]


def test_new_cuts_a_long_title_s_slug_at_a_word_and_refuses_a_long_slug(scratch: ScratchSite):
    result = run_cli("new", "كلمة " * 80, "--lang", "ar", root=scratch.root)
    assert result.returncode == 0, result.stderr
    created = scratch.root / result.stdout.strip().removeprefix("created ")
    assert created.name == "-".join(["كلمة"] * 28) + ".md"  # 254 bytes: a 29th word would pass 255
    before = files_of(scratch)
    result = run_cli("new", "Story", "--lang", "en", "--slug", "s" * 253, root=scratch.root)
    assert (result.returncode, result.stderr.splitlines()[0]) == (1, "content: error: --slug is too long for a file name: 253 bytes in UTF-8, at most 252")
    assert files_of(scratch) == before


def test_the_now_option_takes_only_a_real_offset(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    result = scratch.build("--now", "2023-09-14T12:00:00+05:17")
    assert result.returncode == 2 and "Traceback" not in result.stderr  # click's status for a bad option
    assert ("Error: Invalid value for '--now': '2023-09-14T12:00:00+05:17' has a time-zone offset no time zone has"
            " (whole quarter hours from -14:00 to +14:00)") in result.stderr.splitlines()
    assert not scratch.out.exists()


# Permalink-like text: segments of tokens and plain text, with hostile pieces among them often enough to be refused.
PERMALINK_SEGMENTS = st.lists(
    st.one_of(st.sampled_from(["{yyyy}", "{mm}", "{dd}", "news", "أخبار", "-", "x1", "2", "{slug}"]),
              st.sampled_from(["", ".", "..", "{", "}", "{slug!r}", "{0}", "\\", ":", "%2e", "A", " ", "//", "?", "#"])),
    min_size=1, max_size=3,
).map("".join)
PERMALINKS = st.lists(PERMALINK_SEGMENTS, max_size=4).flatmap(lambda segments: st.permutations(["{lang}", "{slug}", *segments])).map("/".join)
SLUGS = st.text(st.characters(whitelist_categories=("Ll", "Lo", "Nd")), min_size=1, max_size=20).filter(is_slug)


@settings(max_examples=400, deadline=None)
@given(pattern=st.one_of(PERMALINKS, st.text(max_size=30)),
       slug=SLUGS, date=st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_an_accepted_permalink_makes_only_paths_inside_the_site(pattern: str, slug: str, date: dt.datetime):
    if permalink_problem(pattern) is not None:
        return
    url = article_url("/" + pattern.strip("/") + "/", "pt-BR", slug, date)
    segments = url.strip("/").split("/")
    assert url.startswith("/") and not url.startswith("//") and "\\" not in url and ":" not in url
    assert all(segment and segment not in (".", "..") for segment in segments), url
    assert output_path(url).endswith("/index.html")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=12))
def test_heading_ids_are_distinct_and_never_a_template_s(texts: list[str]):
    template_ids = re.compile(r"main|top|slide\-[^\W_]+|year\-[^\W_]+|[^\W_]+\-heading")
    body = "\n\n".join(f"## {text}" for text in texts)
    ids = re.findall(r'<h2 id="([^"]*)"', render_markdown(body, template_ids=template_ids).html)
    assert len(ids) == len(set(ids))
    assert not [heading_id for heading_id in ids if template_ids.fullmatch(heading_id)]
