"""Stage 3: each page through its Jinja template, into bytes that know their inputs.

Rendering a page is a pure function of the page, the site model and the
templates, so pages can be rendered in any order or in parallel.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import traceback
from pathlib import Path
from typing import Callable, Iterator, Sequence

import jinja2
from jinja2.loaders import split_template_path

from .buildstate import TemplateCache
from .config import ASSETS_DIR, LAYOUTS_DIR, LOGO
from .head import HeadMaker
from .links import Links
from .markdown import picture_html
from .model import Site
from .output import HTML, Output
from .pages import Page
from .problems import BuildFailed, Problems
from .sourcefile import read_source
from .urls import home_url, output_path, search_url


_REFERENCED_TEMPLATE = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


class _LayoutLoader(jinja2.BaseLoader):
    """Templates from layouts/, read through the project's one door: a template linked out of the project is refused."""

    def __init__(self, root: Path):
        self.root = root

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        relative = "/".join((LAYOUTS_DIR, *split_template_path(template)))
        if not os.path.lexists(self.root / relative):
            raise jinja2.TemplateNotFound(template)
        problems = Problems()
        text = read_source(self.root, relative, problems)
        if text is None:
            raise BuildFailed(problems)
        return text, str(self.root / relative), lambda: True  # a build reads each template once


class Renderer:
    def __init__(self, site: Site, links: Links):
        self.site = site
        self.environment = jinja2.Environment(
            loader=_LayoutLoader(site.config.root),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=TemplateCache(site.config.root),
        )
        # A global, not context: macros imported from _macros.html see globals only.
        self.environment.globals["picture_html"] = picture_html
        self.links = links
        self.localizers = site.localizers
        self.heads = HeadMaker(site, links)
        self._templates_used: dict[str, tuple[str, ...]] = {}
        # What every template sees besides its page and its language.
        self._shared_context = {
            "site": site,
            "languages": {language.code: language for language in site.config.languages},
            "home_urls": {code: home_url(code) for code in site.config.language_codes},
            "search_urls": {code: search_url(code) for code in site.config.language_codes},
            "localizers": self.localizers,
            "link": self.links,
            "logo": LOGO,
        }
        # Every page names the assets by their fingerprints, and falls back on the site's card for link previews.
        card_image = site.config.card_image
        card = card_image.picture.source if card_image and card_image.picture else None
        self._inputs_of_every_page = (
            *site.config.files, *(f"{ASSETS_DIR}/{asset.relative}" for asset in links.assets.values()), *([card] if card else []),
        )

    def templates_used(self, name: str) -> tuple[str, ...]:
        """The template and everything it extends, includes or imports, as project paths."""
        if name not in self._templates_used:
            self._templates_used[name] = self._find_templates_used(name)
        return self._templates_used[name]

    def _find_templates_used(self, name: str) -> tuple[str, ...]:
        seen: list[str] = []
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.append(current)
            source, _, _ = self.environment.loader.get_source(self.environment, current)
            # Read from the text, not from a parse: parsing every template again would cost more than the cached
            # compiled ones save. Layouts name the templates they use as literals, as Jinja's own finder needs too.
            pending.extend(_REFERENCED_TEMPLATE.findall(source))
        return tuple(f"{LAYOUTS_DIR}/{t}" for t in sorted(seen))

    def render(self, page: Page) -> Output:
        localizer = self.localizers[page.lang]
        html = self.environment.get_template(page.template).render(
            page=page,
            head=self.heads.head(page),
            language=localizer.language,
            navigation=self.site.navigation[page.lang],
            t=localizer,
            **self._shared_context,
        )
        inputs = (*page.sources, *self.templates_used(page.template), *self._inputs_of_every_page)
        return Output(output_path(page.url), HTML, html.encode("utf-8"), inputs)


# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 500
PAGES_PER_TASK = 200

_worker_renderer: Renderer | None = None
_worker_sink: Callable[[Output], None] | None = None


def render_pages(site: Site, links: Links, sink: Callable[[Output], None], indexes: Sequence[int] | None = None) -> dict[str, bytes]:
    """Render the pages at `indexes` of site.pages (all of them by default) and hand each to `sink` (the writer), on
    several cores when there are many; return each one's output path and the digest of its bytes."""
    global _worker_renderer, _worker_sink
    renderer = Renderer(site, links)
    wanted = range(len(site.pages)) if indexes is None else indexes
    workers = os.cpu_count() or 1
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if len(wanted) < PARALLEL_THRESHOLD or workers < 2 or not can_fork:
        return dict(_render_some(renderer, sink, wanted))
    # Forked workers inherit the renderer, the site model and the sink instead of receiving them pickled.
    _worker_renderer, _worker_sink = renderer, sink
    try:
        tasks = [wanted[start:start + PAGES_PER_TASK] for start in range(0, len(wanted), PAGES_PER_TASK)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return {path: digest for done in pool.imap_unordered(_render_in_worker, tasks) for path, digest in done}
    finally:
        _worker_renderer = _worker_sink = None


def _render_in_worker(indexes: Sequence[int]) -> list[tuple[str, bytes]]:
    return _render_some(_worker_renderer, _worker_sink, indexes)


def _render_some(renderer: Renderer, sink: Callable[[Output], None], indexes: Sequence[int]) -> list[tuple[str, bytes]]:
    done = []
    for output in _render_range(renderer, indexes):
        sink(output)
        done.append((output.path, output.digest))
    return done


def _render_range(renderer: Renderer, indexes: Sequence[int]) -> Iterator[Output]:
    """Render some pages; template mistakes become Problems naming the template line."""
    root = renderer.site.config.root
    for index in indexes:
        page = renderer.site.pages[index]
        try:
            yield renderer.render(page)
        except jinja2.TemplateSyntaxError as error:
            raise BuildFailed(_template_problem(root, error.filename, error.lineno, error.message)) from None
        except jinja2.TemplateNotFound as error:
            raise BuildFailed(_template_problem(root, str(root / LAYOUTS_DIR / error.name), 0, "missing template")) from None
        except (jinja2.TemplateError, KeyError, TypeError, AttributeError) as error:
            filename, line = _template_frame(error)
            raise BuildFailed(_template_problem(root, filename, line, f"while rendering {page.url}: {error}")) from None


def _template_frame(error: Exception) -> tuple[str | None, int]:
    """The innermost template line in a rendering error's traceback (Jinja maps frames to templates)."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".html")]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else (None, 0)


def _template_problem(root: Path, filename: str | None, line: int, message: str | None) -> Problems:
    problems = Problems()
    path = Path(filename).relative_to(root).as_posix() if filename else LAYOUTS_DIR
    problems.error(path, line or 0, f"template error: {message}")
    return problems
