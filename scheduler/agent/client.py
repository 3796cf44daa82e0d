"""The agent's HTTP client: the server's JSON API with the agent's credential (stdlib only).

Each answer's X-Server-Time feeds the clock offset. Downloads resume with Range and are
checked against their SHA-256 before they are renamed into place (atomic).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio.messages import N_
from scheduler.agent import VERSION
from scheduler.agent.clock import Clock
from scheduler.agent.config import AgentConfig, AgentError

TIMEOUT = 20.0
CHUNK = 1 << 16


class Unreachable(AgentError):
    """The server could not be reached or answered with an error (the agent retries later)."""

    status = 0  # the HTTP status when the server answered (0: no answer)


@dataclass
class Fetched:
    """A schedule poll: 304 (body None) or the new schedule with its ETag."""

    status: int
    etag: str | None
    body: dict[str, Any] | None
    wire_bytes: int


class Client:
    """Calls the agent API of one server."""

    def __init__(self, config: AgentConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.bytes_received = 0  # what came over the wire (headers approximated, bodies exact)

    def _request(
        self,
        path: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> urllib.request.Request:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.config.server + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.config.token}")
        req.add_header("User-Agent", f"loa-agent/{VERSION}")
        # JSON comes gzipped (the schedule of a week shrinks several times); audio as it is.
        req.add_header("Accept-Encoding", "identity" if "/renditions/" in path else "gzip")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        return req

    def _open(self, req: urllib.request.Request, timeout: float = TIMEOUT) -> Any:
        sent = self.clock.device()
        try:
            resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 (configured server)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                resp = exc
            else:
                self._note_time(exc.headers, sent)
                detail = exc.read(2000).decode("utf-8", "replace")
                error = Unreachable(
                    N_("The server answered %(status)s: %(detail)s"),
                    code="agent.http",
                    status=exc.code,
                    detail=detail[:300],
                )
                error.status = exc.code
                raise error from exc
        except (OSError, urllib.error.URLError) as exc:
            raise Unreachable(
                N_("The server %(server)s cannot be reached (%(reason)s)"),
                code="agent.unreachable",
                server=self.config.server,
                reason=str(getattr(exc, "reason", exc)),
            ) from exc
        self._note_time(resp.headers, sent)
        self.bytes_received += sum(len(k) + len(v) + 4 for k, v in resp.headers.items()) + 17
        return resp

    def _note_time(self, headers: Any, sent: float) -> None:
        stamp = headers.get("X-Server-Time") if headers is not None else None
        if stamp:
            try:
                server = dt.datetime.fromisoformat(stamp)
            except ValueError:
                return
            self.clock.measure(sent, self.clock.device(), server)

    def _json(
        self, path: str, method: str = "GET", body: Any = None, timeout: float = TIMEOUT
    ) -> Any:
        with self._open(self._request(path, method, body), timeout) as resp:
            raw = resp.read()
            coding = resp.headers.get("Content-Encoding")
        self.bytes_received += len(raw)
        return json.loads(_decoded(raw, coding))

    def schedule(self, etag: str | None, path: str = "/api/v1/agent/schedule") -> Fetched:
        """The schedule (or another conditional document), given the ETag the agent holds."""
        headers = {"If-None-Match": etag} if etag else {}
        before = self.bytes_received
        with self._open(self._request(path, headers=headers)) as resp:
            status = resp.status if hasattr(resp, "status") else resp.code
            raw = resp.read() if status == 200 else b""
            tag = resp.headers.get("ETag")
            coding = resp.headers.get("Content-Encoding")
        self.bytes_received += len(raw)
        body = json.loads(_decoded(raw, coding)) if raw else None
        return Fetched(status, tag, body, self.bytes_received - before)

    def emergencies(self, etag: str | None) -> Fetched:
        """The channel's emergency deliveries, conditional on the ETag the agent holds."""
        return self.schedule(etag, "/api/v1/agent/emergency")

    def report_step(
        self, delivery_id: int, step: dict[str, Any], timeout: float = TIMEOUT
    ) -> dict[str, Any]:
        """Report a step of an emergency delivery; the delivery's state on the server."""
        path = f"/api/v1/agent/emergency/{delivery_id}"
        return dict(self._json(path, "POST", step, timeout))

    def asrun(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Upload a batch; the server's result per event."""
        return list(self._json("/api/v1/agent/asrun", "POST", {"events": events})["results"])

    def heartbeat(self, report: dict[str, Any]) -> None:
        """Send the agent's health."""
        self._json("/api/v1/agent/heartbeat", "POST", report)

    def download(self, sha256: str, target: Path) -> int:
        """Fetch a rendition into target, resuming a partial download; bytes received."""
        part = target.with_name(target.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-", "If-Range": f'"{sha256}"'} if have else {}
        req = self._request(f"/api/v1/agent/renditions/{sha256}", headers=headers)
        got = 0
        with self._open(req) as resp:
            status = resp.status if hasattr(resp, "status") else resp.code
            mode = "ab" if status == 206 else "wb"
            with part.open(mode) as fh:
                while chunk := resp.read(CHUNK):
                    fh.write(chunk)
                    got += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        self.bytes_received += got
        if file_sha256(part) != sha256:
            part.unlink(missing_ok=True)
            raise AgentError(
                N_("The file %(sha)s arrived damaged (wrong SHA-256); it will be fetched again"),
                code="agent.damaged",
                sha=sha256[:12],
            )
        os.replace(part, target)
        _fsync_dir(target.parent)
        return got


def _decoded(raw: bytes, coding: str | None) -> bytes:
    """The body without its gzip coding."""
    return gzip.decompress(raw) if coding == "gzip" else raw


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
