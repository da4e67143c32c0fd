#!/usr/bin/env python3
"""The floor of our stack: read, split front matter, parse it, render Markdown, one Jinja template, write.

No validation, no listings, no site model: what any generator on these libraries must at least do.
"""

from __future__ import annotations

import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=\"{{ lang }}\"><head><title>{{ title }}</title></head><body><h1>{{ title }}</h1>{{ body | safe }}</body></html>"
)
PARSER = MarkdownIt("commonmark").enable("table")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def one(job: tuple[Path, Path]) -> None:
    source, out = job
    text = source.read_text(encoding="utf-8")
    _, front_matter, body = text.split("---\n", 2)
    meta = yaml.load(front_matter, Loader=LOADER)
    target = out / source.parent.name / source.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.render(lang=source.parent.name, title=meta["title"], body=PARSER.render(body)), encoding="utf-8")


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as out:
        jobs = [(path, Path(out)) for path in sorted((folder / "content").rglob("*.md"))]
        with Pool(2) as pool:
            pool.map(one, jobs, chunksize=64)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
