"""khabar/tools/watch.py: the kernel's events and the poll both tell the dev server which sources were edited, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.tools.watch import InotifyWatch, PollingWatch, watch_sources


@pytest.mark.parametrize("kind", [InotifyWatch, PollingWatch])
def test_edits_additions_and_removals_of_sources_are_told_and_nothing_beside_them(kind: type, tmp_path: Path):
    for name, text in (("site.yaml", "a"), ("content/ar/a.md", "a"), ("content/ar/b.md", "b"), ("assets/css/site.css", "a"),
                       ("layouts/base.html", "a"), ("_site/index.html", "a"), ("notes.txt", "a")):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    watch = kind(tmp_path)
    try:
        assert watch.edited() == set()
        (tmp_path / "content/ar/a.md").write_text("edited")
        (tmp_path / "content/ar/b.md").unlink()
        (tmp_path / "site.yaml").write_text("edited")
        (tmp_path / "assets/css/site.css").write_text("edited")
        (tmp_path / "_site/index.html").write_text("the output, which is no source")
        (tmp_path / "_site/new.html").write_text("nor this")
        (tmp_path / "notes.txt").write_text("nor a file beside the sources")
        (tmp_path / "content/ar/.a.md.swp").write_text("nor an editor's swap file, which the build skips")
        assert watch.edited() == {str(tmp_path / name) for name in ("content/ar/a.md", "content/ar/b.md", "site.yaml", "assets/css/site.css")}
        assert watch.edited() == set()
        new_folder = tmp_path / "content/en"
        new_folder.mkdir()
        (new_folder / "c.md").write_text("new")
        assert {path.removesuffix("/c.md") for path in watch.edited()} == {str(new_folder)}
        (new_folder / "c.md").write_text("edited in a folder made since the watch began")
        assert watch.edited() == {str(new_folder / "c.md")}
    finally:
        watch.stop()


def test_linux_gets_the_kernels_events(tmp_path: Path):
    watch = watch_sources(tmp_path)
    watch.stop()
    assert isinstance(watch, InotifyWatch)
