"""A live server for browser tests: a link that can go down, and a count of bytes sent.

The byte count is what left the server for each request (status line, headers and body as
sent, compressed when it was), so that a test can tell how much a phone downloaded, service
worker fetches included, whatever the browser's own accounting shows.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class Sent:
    """One response as it left the server."""

    path: str
    status: int
    bytes: int


@dataclass
class Wire:
    """Wraps a WSGI app: an outage switch for the API and a ledger of what was sent."""

    app: Any
    link_down: threading.Event = field(default_factory=threading.Event)
    sent: list[Sent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        if self.link_down.is_set() and path.startswith("/api/"):
            # Playwright's offline mode may let requests of a service worker through; a dead
            # uplink behind the gateway makes the outage certain.
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"link down"]
        head: dict[str, Any] = {}

        def counting_start(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            head["status"] = int(status.split()[0])
            # status line, headers, and the Server/Date/Connection lines werkzeug adds (~80)
            head["bytes"] = len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers) + 82
            return start_response(status, headers, exc) if exc else start_response(status, headers)

        return self._count(path, head, self.app(environ, counting_start))

    def _count(self, path: str, head: dict[str, Any], body: Iterable[bytes]) -> Iterator[bytes]:
        size = 0
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close:
                close()
            with self._lock:
                self.sent.append(Sent(path, head.get("status", 0), head.get("bytes", 0) + size))

    def mark(self) -> int:
        """A position in the ledger, to count from."""
        with self._lock:
            return len(self.sent)

    def since(self, mark: int) -> list[Sent]:
        """What was sent after the mark."""
        with self._lock:
            return list(self.sent[mark:])


def serve(app: Any) -> tuple[BaseWSGIServer, Wire, str]:
    """Start a threaded server on a free port; returns it, its wire and its base URL."""
    wire = Wire(app)
    server = make_server("localhost", 0, wire, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, wire, f"http://localhost:{server.server_port}"


# 400 ms round trip, 400 kbit/s each way: a weak 3G link in a commune.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def throttle(context: Any, page: Any) -> Any:
    """Emulate the slow link for the page (Chrome DevTools Protocol); returns the session."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return cdp


def throttle_workers(browser: Any) -> int:
    """Emulate the slow link for the running service workers too; returns how many.

    A page's DevTools session does not reach the requests its service worker makes (the
    worker is a target of its own), so each worker target gets the same conditions.
    """
    session = browser.new_browser_cdp_session()
    targets = session.send("Target.getTargets")["targetInfos"]
    workers = [t for t in targets if t["type"] == "service_worker"]
    for target in workers:
        attached = session.send("Target.attachToTarget", {"targetId": target["targetId"]})
        for n, (method, params) in enumerate(
            [("Network.enable", {}), ("Network.emulateNetworkConditions", SLOW_3G)], start=1
        ):
            message = json.dumps({"id": n, "method": method, "params": params})
            session.send(
                "Target.sendMessageToTarget",
                {"sessionId": attached["sessionId"], "message": message},
            )
    return len(workers)
