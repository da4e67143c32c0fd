"""Stage 3: each page through its Jinja template, into bytes that know their inputs.

Rendering a page is a pure function of the page, the site model and the
templates, so pages can be rendered in any order or in parallel.
"""

from __future__ import annotations

import os
import re
import traceback
from contextlib import contextmanager
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
from .pool import Workers
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
        # What every template sees besides its page and its language: what every page's fingerprint covers, never
        # the whole site, whose articles a template could read without the fingerprint knowing.
        self._shared_context = {
            "config": site.config,
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

    def compile(self, names: set[str]) -> None:
        """Compile these templates and every template they use, reporting their mistakes."""
        with _template_errors(self.site.config.root, None):
            for name in sorted(names):
                for used in self.templates_used(name):
                    self.environment.get_template(used.removeprefix(f"{LAYOUTS_DIR}/"))

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


def render_pages(site: Site, links: Links, sink: Callable[[Output], bytes], indexes: Sequence[int] | None = None,
                 workers: Workers = Workers()) -> dict[str, bytes]:
    """Render the pages at `indexes` of site.pages (all of them by default) and hand each to `sink` (the writer), on
    several cores when there are many; return each one's output path and the digest of its bytes, as `sink` returns it."""
    renderer = Renderer(site, links)
    wanted = range(len(site.pages)) if indexes is None else indexes
    renderer.compile({site.pages[index].template for index in wanted})  # once, here, rather than on every worker

    def render_one(index: int) -> tuple[str, bytes]:
        # On a forked worker, the renderer, the site model and the sink are inherited, and each page is written there.
        output = _render(renderer, site.pages[index])
        return output.path, sink(output)

    return dict(workers.map(render_one, wanted, least=PARALLEL_THRESHOLD, doing="rendering", what="pages"))


def _render(renderer: Renderer, page: Page) -> Output:
    with _template_errors(renderer.site.config.root, page):
        return renderer.render(page)


@contextmanager
def _template_errors(root: Path, page: Page | None) -> Iterator[None]:
    """Template mistakes made into Problems naming the template line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        raise BuildFailed(_template_problem(root, error.filename, error.lineno, error.message)) from None
    except jinja2.TemplateNotFound as error:
        raise BuildFailed(_template_problem(root, str(root / LAYOUTS_DIR / error.name), 0, "missing template")) from None
    except (jinja2.TemplateError, KeyError, TypeError, AttributeError) as error:
        filename, line = _template_frame(error)
        raise BuildFailed(_template_problem(root, filename, line, f"while rendering {page.url if page else 'the templates'}: {error}")) from None


def _template_frame(error: Exception) -> tuple[str | None, int]:
    """The innermost template line in a rendering error's traceback (Jinja maps frames to templates)."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".html")]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else (None, 0)


def _template_problem(root: Path, filename: str | None, line: int, message: str | None) -> Problems:
    problems = Problems()
    path = Path(filename).relative_to(root).as_posix() if filename else LAYOUTS_DIR
    problems.error(path, line or 0, f"template error: {message}")
    return problems
