"""Stage 3: each page through its Jinja template, into bytes that know their inputs.

Rendering a page is a pure function of the page, the site model and the
templates, so pages can be rendered in any order or in parallel.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import jinja2
from jinja2 import meta

from .assets import Asset
from .config import CONFIG_FILE, STRINGS_DIR
from .localize import Localizer
from .model import Page, Site
from .problems import BuildFailed, Problems
from .urls import home_url, output_path

LAYOUTS_DIR = "layouts"


@dataclass(frozen=True)
class RenderedPage:
    path: str  # relative to the output folder
    content: bytes
    inputs: tuple[str, ...]  # every source, template and configuration file the page was made from


class Links:
    """Turns site-relative URLs into what a link needs: the base path added, and percent-encoded."""

    def __init__(self, base_url: str, assets: dict[str, Asset]):
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")
        self.assets = assets

    def href(self, url: str) -> str:
        if url.startswith(("https://", "http://")):
            return url
        return quote(self.prefix + url, safe="/#?=&%:~")

    def absolute(self, url: str) -> str:
        return url if url.startswith(("https://", "http://")) else self.origin + self.href(url)

    def asset(self, relative: str) -> str:
        """A cache-busting link to a file under assets/."""
        asset = self.assets[relative]
        return f"{self.href(asset.url)}?v={asset.digest}"


class Renderer:
    def __init__(self, site: Site, assets: dict[str, Asset]):
        self.site = site
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(site.config.root / LAYOUTS_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.links = Links(site.config.base_url, assets)
        self.localizers = {
            language.code: Localizer(language, site.config.strings[language.code]) for language in site.config.languages
        }

    @cached_property
    def _configuration_inputs(self) -> tuple[str, ...]:
        return (CONFIG_FILE, *(f"{STRINGS_DIR}/{code}.yaml" for code in self.site.config.language_codes))

    def templates_used(self, name: str) -> tuple[str, ...]:
        """The template and everything it extends, includes or imports, as project paths."""
        seen: list[str] = []
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.append(current)
            source, _, _ = self.environment.loader.get_source(self.environment, current)
            pending.extend(t for t in meta.find_referenced_templates(self.environment.parse(source)) if t)
        return tuple(f"{LAYOUTS_DIR}/{t}" for t in sorted(seen))

    def render(self, page: Page) -> RenderedPage:
        localizer = self.localizers[page.lang]
        html = self.environment.get_template(page.template).render(
            page=page,
            site=self.site,
            language=localizer.language,
            languages={language.code: language for language in self.site.config.languages},
            navigation=self.site.navigation[page.lang],
            home_urls={code: home_url(code) for code in self.site.config.language_codes},
            t=localizer,
            localizers=self.localizers,
            link=self.links,
        )
        inputs = (*page.sources, *self.templates_used(page.template), *self._configuration_inputs)
        return RenderedPage(output_path(page.url), html.encode("utf-8"), inputs)


def render_pages(site: Site, assets: dict[str, Asset]) -> Iterator[RenderedPage]:
    """Every page of the site, rendered; template mistakes become Problems naming the template line."""
    renderer = Renderer(site, assets)
    for page in site.pages:
        try:
            yield renderer.render(page)
        except jinja2.TemplateSyntaxError as error:
            raise BuildFailed(_template_problem(site.config.root, error.filename, error.lineno, error.message)) from None
        except (jinja2.UndefinedError, KeyError, TypeError, AttributeError) as error:
            filename, line = _template_frame(error)
            raise BuildFailed(_template_problem(site.config.root, filename, line, f"while rendering {page.url}: {error}")) from None


def _template_frame(error: Exception) -> tuple[str | None, int]:
    """The innermost template line in a rendering error's traceback (Jinja maps frames to templates)."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".html")]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else (None, 0)


def _template_problem(root: Path, filename: str | None, line: int, message: str | None) -> Problems:
    problems = Problems()
    path = Path(filename).relative_to(root).as_posix() if filename else LAYOUTS_DIR
    problems.error(path, line or 0, f"template error: {message}")
    return problems
