"""The search index: one Pagefind bundle per language, fed one record per article with its words in search form.

Pagefind reads text word by word, but knows nothing of Arabic spelling: "بُوتِين",
"وبوتين" and "لبوتين" would be three words to it. So khabar gives it each article's
words already in their search form (`textnorm.search_form`), and the search page
puts the reader's query in the same form before asking Pagefind. What a reader
sees of a result (title, date, summary) travels beside the words as written.

Arabic is indexed without Pagefind's own Arabic stemmer: over the search form it
merges unrelated words and breaks the match of a half-typed word with the whole
one. English keeps Pagefind's English stemmer. Each language's bundle holds that
one language under /pagefind/<lang>/, so Pagefind needs no language mapping, the
two are built side by side, and a reader downloads only their own language's files.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import posixpath
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Collection, Iterator

from pagefind.service import PagefindService

from ..content import Article
from ..links import Links
from ..localize import Localizer
from ..model import Site
from ..output import Output
from ..problems import BuildFailed, Problems
from ..progress import Progress, silent
from ..urls import search_index_url

_UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")  # ready-made UIs
_MEDIA_TYPES = {".js": "text/javascript", ".json": "application/json"}
# Pagefind's name for "no stemmer": the search form already brings an Arabic word's spellings together.
_UNSTEMMED = "unknown"
_RECORDS_PER_TURN = 50


def search_outputs(
    site: Site, links: Links, languages: Collection[str] | None = None, progress: Progress = silent,
) -> Iterator[Output]:
    """Pagefind's script, WebAssembly and index files, one bundle per language (of `languages`, by default all).

    Pagefind starts at once and indexes in its own processes while the caller makes other outputs;
    the files are waited for as they are taken.
    """
    inputs = {lang: (*sorted(article.source for article in articles), *site.config.files) for lang, articles in site.articles.items()}
    records = {lang: made for lang, made in search_records(site, links).items() if languages is None or lang in languages}
    indexing = _start_indexing(records)

    def outputs() -> Iterator[Output]:
        progress("search index", 0, 0, " ".join(records))
        for lang, files in _finished(indexing, list(records)).items():
            for path, content in sorted(files.items()):
                if not path.startswith(_UNUSED):
                    media_type = _MEDIA_TYPES.get(posixpath.splitext(path)[1], "application/octet-stream")
                    yield Output(search_index_url(lang).lstrip("/") + path, media_type, content, inputs[lang])

    return outputs()


def search_records(site: Site, links: Links) -> dict[str, Iterator[dict]]:
    """Per language, what Pagefind is given of each article; made one by one as Pagefind asks for more."""
    return {lang: (_record(article, links, site.localizers[lang]) for article in articles) for lang, articles in site.articles.items()}


def _record(article: Article, links: Links, localizer: Localizer) -> dict:
    """What Pagefind indexes of an article (its words, put in search form as it was read), and what a result shows of it."""
    language = _UNSTEMMED if article.lang.split("-")[0] == "ar" else article.lang
    return {
        "url": links.href(article.url),
        "content": article.search_words,
        "language": language,
        "meta": {"title": article.title, "summary": article.summary, "date": localizer.date(article.date)},
        "sort": {"published": article.date.astimezone(dt.timezone.utc).isoformat()},  # compared as text: one offset
    }


def _start_indexing(records: dict[str, Iterator[dict]]) -> Future[list[dict[str, bytes]]]:
    """Each language's Pagefind files, from the bundled binary, in memory; the languages side by side."""
    async def all_languages() -> list[dict[str, bytes]]:
        # Every language's run finishes, and closes its service, before a failure of one is raised.
        results = await asyncio.gather(*(_run_pagefind(language_records) for language_records in records.values()),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return results

    # In an event loop of its own, on a thread of its own: `build.py serve` rebuilds from inside its server's loop,
    # and the build goes on while Pagefind indexes.
    thread = ThreadPoolExecutor(1, thread_name_prefix="pagefind")
    try:
        return thread.submit(asyncio.run, all_languages())
    finally:
        thread.shutdown(wait=False)  # the thread ends with its one task


def _finished(indexing: Future[list[dict[str, bytes]]], languages: list[str]) -> dict[str, dict[str, bytes]]:
    """The files of each language once Pagefind is done; BuildFailed if it could not be."""
    try:
        return dict(zip(languages, indexing.result()))
    except OSError as error:  # no binary for this platform, or not one that runs; or its pipe broke as it died
        reason = (f"cannot run {error.filename}: {error.strerror}" if error.filename
                  else f"the Pagefind service stopped answering ({error})")
    except RuntimeError as error:  # Pagefind refused a record
        reason = str(error)
    problems = Problems()
    problems.error("pagefind", 0, f"Pagefind could not build the search index: {reason}")
    raise BuildFailed(problems)


async def _run_pagefind(records: Iterator[dict]) -> dict[str, bytes]:
    service = await _PromptService().launch()
    try:
        index = await service.create_index()
        added = []
        for record in records:
            added.append(asyncio.ensure_future(index.add_custom_record(**record)))
            if len(added) % _RECORDS_PER_TURN == 0:
                await asyncio.sleep(0)  # send these, and let the other language's run: Pagefind indexes while we make more
        await asyncio.gather(*added)
        return {file["path"]: file["content"] for file in await index.get_files()}
    finally:
        await service.close()


class _PromptService(PagefindService):
    """Pagefind's service, reading each answer as soon as it comes, however long it is.

    The package's reader sleeps 0.1 s before every answer (half an hour for 20,000
    articles) and fails on an answer over 2 MiB, which the index files of a few
    thousand articles are.
    """

    _stopped: RuntimeError | None = None

    async def _wait_for_responses(self) -> None:
        try:
            while True:
                response = json.loads(base64.b64decode(await _read_answer(self._backend.stdout)))
                payload = response["payload"]
                future = self._responses.get(response.get("message_id"))
                if payload["type"] == "Error":
                    self._fail(RuntimeError(payload["message"]), [future] if future else None)
                elif future:
                    future.set_result(payload)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the service died or spoke garbage: fail every request rather than wait for ever
            self._stopped = RuntimeError(f"the Pagefind service stopped answering ({error.__class__.__name__}: {error})")
            self._fail(self._stopped, None)

    async def close(self) -> None:
        """Stop the service and wait for it to exit while the event loop still runs, whether it answered or died."""
        self._poll_task.cancel()
        # The service ends when its input does. A signal instead could reap a process that has just died
        # before asyncio's child watcher sees it, which then complains on stderr.
        self._backend.stdin.close()
        try:
            await asyncio.wait_for(self._backend.wait(), timeout=10)
        except asyncio.TimeoutError:
            self._backend.kill()
            await self._backend.wait()

    async def send(self, payload: dict) -> dict:
        if self._stopped is not None:  # nothing would ever answer
            raise self._stopped
        return await super().send(payload)

    def _fail(self, failure: RuntimeError, futures: list[asyncio.Future] | None) -> None:
        """Fail the given requests, or every pending one when the failure names none."""
        for waiting in futures if futures is not None else list(self._responses.values()):
            if not waiting.done():
                waiting.set_exception(failure)


async def _read_answer(stream: asyncio.StreamReader) -> bytes:
    """One answer from the service: base64 up to the comma that ends it."""
    parts = []
    while True:
        try:
            parts.append(await stream.readuntil(b","))
            return b"".join(parts)[:-1]
        except asyncio.LimitOverrunError as error:  # longer than the stream's buffer: take what is there, read on
            parts.append(await stream.readexactly(error.consumed))
