"""Light pages on a weak link: compressed responses, versioned static files cached for a year.

Compression is Flask-Compress (zstd, brotli, gzip or deflate, whichever the browser accepts;
kept up to date, handles Vary, streamed files and conditional requests), so that `loa serve`
sends small pages without a proxy in front. Scripts go out without their comments (rjsmin).
Static URLs carry a content hash (`?v=...`): a request with the current hash is cached by the
browser for a year and never asked again; a changed file gets a new URL.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import rjsmin
from flask import Flask, Response, current_app, request, send_from_directory
from flask_compress import Compress

YEAR = 365 * 24 * 3600
# What is worth compressing: pages, scripts, styles, JSON (problems too), exports people read.
MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/calendar",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/problem+json",
    "application/manifest+json",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
]


@lru_cache(maxsize=256)
def _digest(folder: str, filename: str) -> str:
    """First 10 hex digits of the file's SHA-256 ('' when it does not exist)."""
    path = Path(folder) / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    except OSError:
        return ""


@lru_cache(maxsize=64)
def _minified(folder: str, filename: str, digest: str) -> bytes:
    """A script without its comments and spare blanks (rjsmin), once per content version."""
    return minify_js((Path(folder) / filename).read_text(encoding="utf-8")).encode()


def minify_js(script: str) -> str:
    """JavaScript as sent: comments and spare whitespace removed, nothing renamed."""
    return str(rjsmin.jsmin(script))


def version(filename: str) -> str:
    """The content version of a static file, as its URLs carry it."""
    return _digest(current_app.static_folder or "", filename)


def versioned(filename: str) -> str:
    """The path of a static file with its version (for the service worker's list)."""
    v = version(filename)
    return f"/static/{filename}?v={v}" if v else f"/static/{filename}"


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    """url_for('static', filename=...) carries the file's version."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        v = version(values["filename"])
        if v:
            values["v"] = v


def _cache_static(response: Response) -> Response:
    """A static file asked for with its current version is cached for a year, unchanged."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    wanted = request.args.get("v")
    if wanted and wanted == version(filename):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def favicon() -> Response:
    """/favicon.ico, which browsers ask for by themselves."""
    response = send_from_directory(
        current_app.static_folder or "", "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


def init_assets(app: Flask) -> None:
    """Compression, static versions and their caching, and the favicon route."""
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_REGISTER", False)
    compress = Compress(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        # Flask-Compress appends the coding to strong ETags ("v3" -> "v3:gzip"); the API's
        # ETags name a schedule's version for If-Match, so they are kept as they were.
        etag = response.headers.get("ETag")
        if request.endpoint in ("static", "favicon") and response.status_code == 200:
            # Small files: compressed whole, with a length, rather than streamed in chunks;
            # scripts without their comments (the phones need the code, not the notes).
            response.direct_passthrough = False
            filename = (request.view_args or {}).get("filename", "")
            if filename.endswith(".js") and request.method == "GET":
                folder = current_app.static_folder or ""
                response.set_data(_minified(folder, filename, _digest(folder, filename)))
            else:
                response.set_data(response.get_data())
        response = compress.after_request(response)
        if etag and request.path.startswith("/api/"):
            response.headers["ETag"] = etag
        return response

    app.after_request(_cache_static)
    app.url_defaults(_add_version)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
