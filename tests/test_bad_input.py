"""Bad input: one clear line per problem naming file and line, all at once, exit 1, last good site kept."""

from __future__ import annotations

import os

import pytest

from conftest import ScratchSite, run_cli, tree_digest

GOOD = "title: خبر\ndate: 2023-09-13\nauthor: nasrin-tarek\ncategory: reports"


def assert_fails_with(scratch: ScratchSite, *expected_lines: str) -> list[str]:
    result = scratch.build()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for expected in expected_lines:
        assert expected in lines, f"{expected!r} not among:\n{result.stderr}"
    return lines


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("title: خبر\ndate: [2023", "content/ar/story.md:3: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence on line 3)"),
        ("date: 2023-09-13", "content/ar/story.md:2: error: missing required key 'title'"),
        (GOOD + "\nslider: yes please", "content/ar/story.md:6: error: 'slider' must be true or false, not 'yes please'"),
        (GOOD + "\ntags: {a: b}", "content/ar/story.md:6: error: 'tags' must be a list of text items"),
        ("title: خبر\ndate: 2023-09-13\nauthor: nasrin", "content/ar/story.md:4: error: unknown author 'nasrin' (known: nasrin-tarek, international-desk, monitoring-desk)"),
        ("title: خبر\ndate: 2023-09-13\ncategory: reprts", "content/ar/story.md:4: error: unknown category 'reprts' (known: reports, news, world-press, reactions)"),
        ("title: خبر\ndate: 2023-13-45", "content/ar/story.md:3: error: bad date '2023-13-45' in 'date' (expected ISO 8601, e.g. 2023-09-13 or 2023-09-13T10:30:00+03:00)"),
        ("title: خبر\ndate: 13/09/2023", "content/ar/story.md:3: error: bad date '13/09/2023' in 'date' (expected ISO 8601, e.g. 2023-09-13 or 2023-09-13T10:30:00+03:00)"),
        (GOOD + "\nimage: images/missing.jpg\nimage_alt: x", "content/ar/story.md:6: error: image 'images/missing.jpg' not found under assets/"),
        (GOOD + "\nimage: fonts/noto-naskh-arabic-400.woff2", "content/ar/story.md:6: error: an image needs 'image_alt': a short description for readers who cannot see it"),
        (GOOD + "\ncatgory: news", "content/ar/story.md:6: error: unknown key 'catgory' (known: category, title, date, updated, author, tags, …)"),
        (GOOD + "\ntitle: again", "content/ar/story.md:6: error: duplicate key 'title' (first at line 2)"),
        (GOOD + "\nslug: Not A Slug", "content/ar/story.md:6: error: slug 'Not A Slug' is not URL-safe (try 'not-a-slug')"),
    ],
)
def test_front_matter_problems_name_file_and_line(scratch: ScratchSite, front_matter: str, expected: str):
    scratch.article("ar", "story", front_matter)
    assert_fails_with(scratch, expected)


def test_missing_and_unclosed_front_matter(scratch: ScratchSite):
    scratch.write("content/ar/plain.md", "# just markdown\n")
    scratch.write("content/en/open.md", "---\ntitle: x\ndate: 2023-09-13\n\nbody")
    assert_fails_with(
        scratch,
        "content/ar/plain.md:1: error: missing front matter: an article starts with a line '---', then title: and date:",
        "content/en/open.md:1: error: front matter is not closed: add a line '---' after it",
    )


def test_unknown_language_folder_and_stray_files(scratch: ScratchSite):
    scratch.article("fr", "histoire", GOOD)
    scratch.write("content/ar/photo.jpg", b"\xff\xd8\xff")
    assert_fails_with(
        scratch,
        "content/fr: error: unknown language folder 'fr' (known: ar, en)",
        "content/ar/photo.jpg: error: not an article: files under content/<lang>/ must be Markdown (.md)",
    )


def test_non_utf8_and_binary_files(scratch: ScratchSite):
    scratch.write("content/ar/latin1.md", "---\ntitle: ok\ndate: 2023-09-13\n---\n\ncaf".encode() + b"\xe9\n")
    scratch.write("content/en/binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert_fails_with(
        scratch,
        "content/ar/latin1.md:6: error: not valid UTF-8 (byte 0xe9); save the file as UTF-8",
        "content/en/binary.md: error: binary file, not text",
    )


def test_duplicate_slugs_and_translation_keys(scratch: ScratchSite):
    scratch.article("ar", "first", GOOD + "\nslug: same")
    scratch.article("ar", "second", GOOD + "\nslug: same")
    scratch.article("en", "one", "title: One\ndate: 2023-09-13\ntranslation_key: summit")
    scratch.article("en", "two", "title: Two\ndate: 2023-09-13\n\ntranslation_key: summit")
    assert_fails_with(
        scratch,
        "content/ar/second.md:6: error: duplicate slug 'same' in 'ar' (also content/ar/first.md)",
        "content/en/two.md:5: error: translation_key 'summit' is already claimed in 'en' by content/en/one.md",
    )


def test_every_problem_is_reported_in_one_run(scratch: ScratchSite):
    scratch.article("ar", "a", "title: a\ndate: never")
    scratch.article("ar", "b", "title: b\ndate: 2023-09-13\nauthor: nobody")
    scratch.article("en", "c", "date: 2023-09-13\ncategory: nothing")
    os.mkfifo(scratch.root / "assets/js/pipe.js")
    lines = assert_fails_with(scratch, "assets/js/pipe.js: error: a named pipe (FIFO), not a regular file: only regular files are read")
    problems = [line for line in lines if line.startswith("content/")]
    assert len(problems) == 4
    assert lines[-1] == "5 problem(s) found; nothing was written."


def test_a_failed_build_keeps_the_last_good_site(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    assert scratch.build().returncode == 0
    before = tree_digest(scratch.out)
    scratch.article("ar", "story", "title: خبر\ndate: 2023-02-30")
    scratch.article("en", "story", GOOD.replace("reports", "reprts"))
    assert_fails_with(scratch)
    assert tree_digest(scratch.out) == before
    assert not [p for p in scratch.root.iterdir() if p.name.startswith(".") and p.name != ".cache"]


def test_configuration_problems_name_site_yaml_lines(scratch: ScratchSite):
    scratch.edit_config("timezone: Asia/Riyadh", "timezone: Mars/Olympus")
    scratch.edit_config("per_page: 6", "per_page: many")
    lines = assert_fails_with(scratch)
    config = (scratch.root / "site.yaml").read_text(encoding="utf-8").splitlines()
    zone_line = next(i for i, line in enumerate(config, 1) if line.startswith("timezone:"))
    page_line = next(i for i, line in enumerate(config, 1) if line.startswith("per_page:"))
    assert f"site.yaml:{zone_line}: error: unknown time zone 'Mars/Olympus' (e.g. Asia/Riyadh, Africa/Cairo, UTC)" in lines
    assert f"site.yaml:{page_line}: error: 'per_page' must be a whole number of at least 1, not 'many'" in lines


def test_missing_string_in_a_language_table(scratch: ScratchSite):
    table = scratch.root / "layouts/strings/en.yaml"
    table.write_text(table.read_text(encoding="utf-8").replace("back_to_top: Back to top\n", ""), encoding="utf-8")
    assert_fails_with(scratch, "layouts/strings/en.yaml: error: missing string 'back_to_top' (defined in ar.yaml)")


def test_template_mistakes_name_the_template_line(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    template = scratch.root / "layouts/article.html"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines[10] = "{{ article.no_such_field }}"
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scratch.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("layouts/article.html:11: error: template error: while rendering /ar/2023/09/story/:")



def test_broken_configuration_files(scratch: ScratchSite):
    (scratch.root / "site.yaml").write_bytes("title: {ar: موقع}\n".encode() + b"description: caf\xe9\n")
    assert_fails_with(scratch, "site.yaml:2: error: not valid UTF-8 (byte 0xe9); save the file as UTF-8")
    (scratch.root / "site.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    lines = assert_fails_with(scratch)
    assert lines[0].startswith("site.yaml:1: error: invalid YAML:")


def test_missing_template_is_named(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    (scratch.root / "layouts/listing.html").unlink()
    assert_fails_with(scratch, "layouts/listing.html: error: template error: missing template")


def test_unwritable_output_is_reported_without_traceback(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    blocker = scratch.root / "blocker"
    blocker.write_text("a file where the output's parent folder should be")
    result = run_cli("build", "--out", str(blocker / "site"), root=scratch.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == f"error: cannot write the site to {blocker / 'site'}: {blocker} is a file, not a folder\n"


def test_an_article_at_the_address_of_a_page_of_the_site_is_refused(scratch: ScratchSite):
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", "permalink: /{lang}/{slug}/")
    scratch.article("en", "search", "title: Search and rescue\ndate: 2023-09-13")
    result = scratch.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/en/search.md:1: error: its address /en/search/ is also that of the page 'Search': give it another slug" in result.stderr
    assert not scratch.out.exists()


def test_string_tables_without_a_text_khabar_needs_and_a_missing_logo_are_reported(scratch: ScratchSite):
    for lang in ("ar", "en"):
        table = scratch.root / f"layouts/strings/{lang}.yaml"
        table.write_text("".join(line for line in table.read_text(encoding="utf-8").splitlines(keepends=True)
                                 if not line.startswith("search:")), encoding="utf-8")
    (scratch.root / "assets/images/favicon.svg").unlink()
    scratch.article("ar", "story", GOOD)
    result = scratch.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "layouts/strings/ar.yaml: error: missing string 'search': khabar puts it on pages itself" in result.stderr
    assert "layouts/strings/en.yaml: error: missing string 'search': khabar puts it on pages itself" in result.stderr
    assert "assets/images/favicon.svg: error: missing: the site's logo, shown as its icon, in feeds and to search engines" in result.stderr
    assert not scratch.out.exists()
