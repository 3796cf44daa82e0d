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

ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"  # noqa: E501
PASSED_HEADERS = ("content-type", "content-location", "content-language", "content-encoding")


class FeedFetchError(Exception):
    """The feed could not be fetched (network, HTTP status, too large, not a feed URL)."""


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
            f"{url}: chỉ đọc được nguồn tin http, https hoặc file / "
            "only http, https and file feeds can be polled"
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
                    f"{url}: {length} byte, vượt giới hạn {limits.max_bytes} byte / "
                    f"{length} bytes is over the {limits.max_bytes} limit"
                )
            body = resp.read(limits.max_bytes + 1)
            if len(body) > limits.max_bytes:
                raise FeedFetchError(
                    f"{url}: vượt giới hạn {limits.max_bytes} byte / "
                    f"larger than the {limits.max_bytes} byte limit"
                )
            got = {k.lower(): v for k, v in resp.headers.items() if k.lower() in PASSED_HEADERS}
            body = _decoded(body, got.pop("content-encoding", ""), limits.max_bytes, url)
            return Fetched(
                False, body, got, resp.headers.get("ETag"), resp.headers.get("Last-Modified")
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(True, etag=etag, last_modified=last_modified)
        raise FeedFetchError(f"{url}: máy chủ báo lỗi / HTTP {exc.code} {exc.reason}") from exc
    except TimeoutError as exc:
        raise FeedFetchError(
            f"{url}: không có phản hồi sau {limits.timeout_seconds:g} giây / "
            f"no answer within {limits.timeout_seconds:g} s"
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FeedFetchError(f"{url}: không kết nối được / {getattr(exc, 'reason', exc)}") from exc


def _read_file(url: str, limits: FetchLimits, last_modified: str | None) -> Fetched:
    """A saved feed document (file:// URL): its modification time plays Last-Modified."""
    path = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
    try:
        stat = path.stat()
        if stat.st_size > limits.max_bytes:
            raise FeedFetchError(
                f"{url}: vượt giới hạn {limits.max_bytes} byte / "
                f"larger than the {limits.max_bytes} byte limit"
            )
        stamp = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if last_modified == stamp:
            return Fetched(True, last_modified=stamp)
        return Fetched(False, path.read_bytes(), {}, None, stamp)
    except OSError as exc:
        raise FeedFetchError(f"{url}: không đọc được tệp / {exc.strerror or exc}") from exc


def _decoded(body: bytes, encoding: str, limit: int, url: str) -> bytes:
    """Undo gzip transfer compression, keeping the size limit on the result."""
    if encoding.lower() not in ("gzip", "x-gzip"):
        return body
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise FeedFetchError(f"{url}: dữ liệu nén gzip bị hỏng / broken gzip body") from exc
    if len(out) > limit:
        raise FeedFetchError(
            f"{url}: sau khi giải nén vượt giới hạn {limit} byte / "
            f"larger than the {limit} byte limit once unpacked"
        )
    return out
