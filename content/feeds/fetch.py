"""Fetch a feed over HTTP with a conditional GET, a timeout and a size limit."""

from __future__ import annotations

import email.utils
import gzip
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from audio.messages import N_, TranslatableError

ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"  # noqa: E501
PASSED_HEADERS = ("content-type", "content-location", "content-language", "content-encoding")


class FeedFetchError(TranslatableError):
    """The feed could not be fetched (network, HTTP status, too large, not a feed URL)."""

    code = "feed.fetch"
    http_status = 502


@dataclass(frozen=True)
class FetchLimits:
    """How long to wait and how much to read."""

    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    user_agent: str = "Loa feed reader"


@dataclass(frozen=True)
class Fetched:
    """A fetch result: the body (None when not modified), headers and validators to store."""

    not_modified: bool
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


def fetch(
    url: str, limits: FetchLimits, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    """GET url, sending the stored ETag/Last-Modified; 304 gives Fetched(not_modified=True)."""
    if url.lower().startswith("file://"):
        return _read_file(url, limits, last_modified)
    if not url.lower().startswith(("http://", "https://")):
        raise FeedFetchError(
            N_("%(url)s: only http, https and file feeds can be polled"),
            code="feed.scheme",
            url=url,
        )
    headers = {"User-Agent": limits.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=limits.timeout_seconds) as resp:  # noqa: S310
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise FeedFetchError(
                    N_("%(url)s: %(size)s bytes is over the limit of %(limit)s bytes"),
                    code="feed.too_large",
                    url=url,
                    size=length,
                    limit=limits.max_bytes,
                )
            body = resp.read(limits.max_bytes + 1)
            if len(body) > limits.max_bytes:
                raise FeedFetchError(
                    N_("%(url)s: larger than the limit of %(limit)s bytes"),
                    code="feed.too_large",
                    url=url,
                    limit=limits.max_bytes,
                )
            got = {k.lower(): v for k, v in resp.headers.items() if k.lower() in PASSED_HEADERS}
            body = _decoded(body, got.pop("content-encoding", ""), limits.max_bytes, url)
            return Fetched(
                False, body, got, resp.headers.get("ETag"), resp.headers.get("Last-Modified")
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(True, etag=etag, last_modified=last_modified)
        raise FeedFetchError(
            N_("%(url)s: the server answered HTTP %(status)s %(reason)s"),
            code="feed.http",
            url=url,
            status=exc.code,
            reason=exc.reason,
        ) from exc
    except TimeoutError as exc:
        raise FeedFetchError(
            N_("%(url)s: no answer within %(seconds)s s"),
            code="feed.timeout",
            url=url,
            seconds=f"{limits.timeout_seconds:g}",
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FeedFetchError(
            N_("%(url)s: cannot connect (%(reason)s)"),
            code="feed.connect",
            url=url,
            reason=str(getattr(exc, "reason", exc)),
        ) from exc


def _read_file(url: str, limits: FetchLimits, last_modified: str | None) -> Fetched:
    """A saved feed document (file:// URL): its modification time plays Last-Modified."""
    path = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
    try:
        stat = path.stat()
        if stat.st_size > limits.max_bytes:
            raise FeedFetchError(
                N_("%(url)s: larger than the limit of %(limit)s bytes"),
                code="feed.too_large",
                url=url,
                limit=limits.max_bytes,
            )
        stamp = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if last_modified == stamp:
            return Fetched(True, last_modified=stamp)
        return Fetched(False, path.read_bytes(), {}, None, stamp)
    except OSError as exc:
        raise FeedFetchError(
            N_("%(url)s: the file cannot be read (%(reason)s)"),
            code="feed.file",
            url=url,
            reason=str(exc.strerror or exc),
        ) from exc


def _decoded(body: bytes, encoding: str, limit: int, url: str) -> bytes:
    """Undo gzip transfer compression, keeping the size limit on the result."""
    if encoding.lower() not in ("gzip", "x-gzip"):
        return body
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise FeedFetchError(
            N_("%(url)s: the gzip-compressed body is broken"), code="feed.gzip", url=url
        ) from exc
    if len(out) > limit:
        raise FeedFetchError(
            N_("%(url)s: larger than the limit of %(limit)s bytes once unpacked"),
            code="feed.too_large",
            url=url,
            limit=limit,
        )
    return out
