"""HTML -> PDF with WeasyPrint: the only module that imports it, and the safe URL fetcher.

WeasyPrint reads every image, stylesheet and font it meets through a URL fetcher. Ours reads
only regular files under a few allowed folders (the course's own folder, its blocks' folders
and the exporter's assets) and nothing else: no network, so no redirects either; no
`file:///etc/...`; no symlink at all below an allowed folder (blocks.media.safe_file, the rule
the player serves media by). Every refused URL is logged
on the `coursepack.exporter.fetch` logger. A stylesheet that cannot be read stops the export,
because a pack without its layout would still look finished and mislead whoever prints it.
"""

from __future__ import annotations

import logging
import mimetypes
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from blocks.media import UnsafePath, file_under
from exporter.html import ASSETS

log = logging.getLogger("coursepack.exporter.fetch")


class BlockedURL(ValueError):
    """A URL the exporter refuses to read; WeasyPrint leaves the resource out."""


class ExportError(Exception):
    """An export that cannot go on; the message says what to mend."""


class StylesheetError(FatalURLFetchingError):
    """A stylesheet could not be read: WeasyPrint lets this one through and stops rendering."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    seconds: float


class SafeFetcher(URLFetcher):
    """Serves files under the allowed folders and refuses every other URL, logging it."""

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allow_redirects=False)
        self.roots = tuple(dict.fromkeys(root.resolve() for root in roots))
        self.blocked: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Read an allowed local file; never open a socket."""
        try:
            path = self.allowed_path(url)
            body = path.read_bytes()
        except (BlockedURL, OSError) as exc:
            self.refuse(url, exc)
        return URLFetcherResponse(url, body, {"Content-Type": _content_type(path)})

    def refuse(self, url: str, reason: Exception) -> NoReturn:
        """Log and remember a refused URL; a stylesheet's refusal stops the export."""
        self.blocked.append(url)
        log.warning("blocked %s: %s", url, reason)
        if _is_stylesheet(url):
            raise StylesheetError(f"the stylesheet {url} could not be loaded: {reason}") from reason
        raise BlockedURL(str(reason)) from reason

    def allowed_path(self, url: str) -> Path:
        """The file a URL names, if it is a regular file inside an allowed folder."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise BlockedURL(f"only files of the course are read, not {parts.scheme or 'relative'} URLs")
        if parts.netloc not in ("", "localhost"):
            raise BlockedURL(f"file URLs on host {parts.netloc!r} are not read")
        try:
            return file_under(self.roots, Path(url2pathname(unquote(parts.path))))
        except UnsafePath as exc:
            raise BlockedURL(str(exc)) from None


def render_pdf(html: str, roots: tuple[Path, ...], base: Path) -> Rendered:
    """Lay out and write one document; the fetcher may read the roots and the assets only."""
    started = time.perf_counter()
    fetcher = SafeFetcher((*roots, ASSETS))
    try:
        document = HTML(string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher).render()
        pdf = document.write_pdf()
    except StylesheetError as exc:
        raise ExportError(str(exc)) from None
    return Rendered(pdf, len(document.pages), time.perf_counter() - started)


def _is_stylesheet(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".css")


def _content_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
