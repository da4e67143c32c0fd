"""Every link of the built demo resolves to a built file (and anchor), at the host's root and under a sub-path.

The links of every page (a, link, img, source and img srcset, script, and the head's page addresses), of every Atom
feed (its own links, authors, and the links inside the articles' HTML), of every sitemap and of robots.txt. A
published address maps onto the output folder as a static host would serve it: the base path is the folder, a
folder's address is its index.html.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from conftest import PROJECT, SUB_PATH_BASE_URL, BuiltSite, read_html

ROOT_BASE_URL = "https://example.org/"  # site.yaml's
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# Elements that make the browser fetch something: these must never lead to another host.
RESOURCES = {"img", "source", "script", "iframe", "video", "audio"}
RESOURCE_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}


class LinkChecker:
    def __init__(self, site: BuiltSite, base_url: str):
        self.out = site.out
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base_path = parts.path
        self.checked: Counter[str] = Counter()  # links followed, by the kind of file they were in
        self.broken: list[tuple[str, str]] = []
        self._ids: dict[Path, set[str]] = {}
        self._pages: dict[Path, BeautifulSoup] = {}

    def url_of(self, file: Path) -> str:
        """The published address of an output file: a folder's index.html is the folder."""
        relative = file.relative_to(self.out).as_posix()
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return self.origin + self.base_path + relative

    def check(self, href: str, document: Path, *, resource: bool = False) -> None:
        address = urljoin(self.url_of(document), href.strip())
        parts = urlsplit(address)
        where = document.relative_to(self.out).as_posix()
        if parts.scheme not in ("http", "https"):
            return  # mailto: share links
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            if resource:
                self.broken.append((where, f"{href} (a request to another host)"))
            return  # a share link to a network, followed only if the reader chooses to
        self.checked[_kind(document)] += 1
        path = unquote(parts.path)
        if not path.startswith(self.base_path):
            self.broken.append((where, f"{href} (outside the base path {self.base_path})"))
            return
        target = self.out / path[len(self.base_path):]
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            self.broken.append((where, href))
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in self.ids(target):
            self.broken.append((where, f"{href} (no element with that id)"))

    def page(self, file: Path) -> BeautifulSoup:
        """A page parsed once, whether for its own links or for the ids that links to it name."""
        if file not in self._pages:
            self._pages[file] = read_html(file)
        return self._pages[file]

    def ids(self, page: Path) -> set[str]:
        if page not in self._ids:
            self._ids[page] = {element["id"] for element in self.page(page).find_all(id=True)}
        return self._ids[page]

    def check_html(self, markup: BeautifulSoup, document: Path) -> None:
        for element in markup.select("[href], [src], [srcset]"):
            resource = element.name in RESOURCES or (
                element.name == "link" and RESOURCE_LINK_RELS & set(element.get("rel", [])))
            for attribute in ("href", "src"):
                if element.get(attribute) is not None:
                    self.check(element[attribute], document, resource=bool(resource))
            for candidate in element.get("srcset", "").split(","):
                if candidate.strip():
                    self.check(candidate.split()[0], document, resource=True)
        for meta in markup.select('meta[property="og:url"], meta[property="og:image"], meta[name="twitter:image"]'):
            self.check(meta["content"], document, resource=meta.get("property") != "og:url")

    def check_feed(self, file: Path) -> None:
        feed = etree.parse(str(file)).getroot()
        for link in feed.iter(f"{ATOM}link"):
            self.check(link.get("href"), file)
        for element in (*feed.iter(f"{ATOM}icon"), *feed.iter(f"{ATOM}logo"), *feed.iter(f"{ATOM}uri")):
            self.check(element.text, file, resource=element.tag != f"{ATOM}uri")
        for content in feed.iter(f"{ATOM}content"):
            self.check_html(BeautifulSoup(content.text, "html.parser"), file)

    def check_sitemap(self, file: Path) -> None:
        sitemap = etree.parse(str(file)).getroot()
        for loc in sitemap.iter(f"{SITEMAP}loc"):
            self.check(loc.text, file)
        for alternate in sitemap.iter(f"{XHTML}link"):
            self.check(alternate.get("href"), file)

    def check_site(self) -> None:
        for file in sorted(self.out.rglob("*")):
            if file.suffix == ".html":
                self.check_html(self.page(file), file)
            elif file.name == "feed.xml":
                self.check_feed(file)
            elif file.suffix == ".xml":
                self.check_sitemap(file)
            elif file.name == "robots.txt":
                for address in re.findall(r"^Sitemap: (\S+)$", file.read_text(encoding="utf-8"), re.MULTILINE):
                    self.check(address, file)


def _kind(file: Path) -> str:
    if file.suffix == ".html":
        return "page"
    return {"feed.xml": "feed", "robots.txt": "robots"}.get(file.name, "sitemap")


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_every_link_of_every_page_feed_and_sitemap_resolves(where: str, request: pytest.FixtureRequest):
    site = request.getfixturevalue("demo" if where == "root" else "demo_under_sub_path")
    checker = LinkChecker(site, ROOT_BASE_URL if where == "root" else SUB_PATH_BASE_URL)
    checker.check_site()
    assert checker.broken == []
    pages = len(site.html_files())
    assert checker.checked["page"] > 20 * pages and checker.checked["feed"] > 200
    assert checker.checked["sitemap"] > 2 * pages and checker.checked["robots"] == 2


def test_the_checker_finds_what_is_broken(demo: BuiltSite, tmp_path: Path):
    """A missing file, a missing anchor, a link outside the base path and a picture from another host are caught."""
    page = tmp_path / "site" / "ar" / "index.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "site" / "ar" / "there.html").write_text('<p id="here">x</p>', encoding="utf-8")
    page.write_text(
        '<a href="/microsite/ar/missing/">a</a><a href="there.html#nowhere">b</a><a href="/ar/there.html">c</a>'
        '<img src="https://cdn.example.com/x.png" alt=""><a href="https://elsewhere.example/">fine</a>'
        '<a href="there.html#here">fine</a>', encoding="utf-8")
    checker = LinkChecker(BuiltSite(tmp_path / "site"), SUB_PATH_BASE_URL)
    checker.check_site()
    assert [href for _, href in checker.broken] == [
        "/microsite/ar/missing/", "there.html#nowhere (no element with that id)",
        "/ar/there.html (outside the base path /microsite/)", "https://cdn.example.com/x.png (a request to another host)",
    ]
    assert (PROJECT / "tests" / "test_links.py").is_file()
