"""The benchmarks' load generator measures what it claims: counts, errors, queueing, reconnects."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "httpload", Path(__file__).resolve().parents[1] / "bench" / "httpload.py"
)
assert _spec is not None and _spec.loader is not None
httpload = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(httpload)


class _Handler(BaseHTTPRequestHandler):
    """/ok answers 200; /fail 500; /slow after 50 ms; /drop answers, then silently closes."""

    protocol_version = "HTTP/1.1"
    served: list[str] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.served.append(self.path)
        if self.path == "/slow":
            time.sleep(0.05)
        body = b'{"ok": true}'
        self.send_response(500 if self.path == "/fail" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.path == "/drop":
            self.close_connection = True  # no "Connection: close": the client finds out later

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def port() -> Iterator[int]:
    _Handler.served = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_closed_loop_sends_each_request_once_and_counts_errors(port: int) -> None:
    reqs = [httpload.request("POST", "/ok", {"X-N": str(i)}, '{"a": 1}') for i in range(30)]
    reqs += [httpload.request("GET", "/fail") for _ in range(5)]
    r = httpload.closed_loop(port, reqs, 30, processes=2, connections=3)
    assert r["requests"] == 35
    assert r["errors"] == 5
    assert sorted(_Handler.served) == ["/fail"] * 5 + ["/ok"] * 30


def test_closed_loop_cycles_until_the_time_is_up(port: int) -> None:
    r = httpload.closed_loop(port, [httpload.request("GET", "/ok")], 0.5, 1, 2, cycle=True)
    assert r["requests"] > 10 and r["errors"] == 0
    assert r["requests"] == len(_Handler.served)


def test_a_connection_closed_by_the_server_is_reopened(port: int) -> None:
    reqs = [httpload.request("GET", "/drop") for _ in range(6)]
    r = httpload.closed_loop(port, reqs, 30, processes=1, connections=1)
    assert r["requests"] == 6 and r["errors"] == 0


def test_open_loop_counts_queueing_from_when_each_request_was_due(port: int) -> None:
    # One connection, a request due every 20 ms, each taking 50 ms: a queue builds up. The
    # latency of the last one counts its wait; a closed loop would report ~50 ms for all.
    reqs = [httpload.request("GET", "/slow") for _ in range(10)]
    r = httpload.open_loop(port, reqs, rate=50, processes=1, connections=1)
    assert r["requests"] == 10 and r["errors"] == 0
    assert r["max_ms"] > 250
    assert r["p50_ms"] < r["max_ms"]


def test_open_loop_keeps_its_rate_when_the_server_keeps_up(port: int) -> None:
    reqs = [httpload.request("GET", "/ok") for _ in range(40)]
    t0 = time.perf_counter()
    r = httpload.open_loop(port, reqs, rate=100, processes=2, connections=2)
    took = time.perf_counter() - t0
    assert r["requests"] == 40 and r["errors"] == 0
    assert took >= 0.39  # 40 requests at 100/s are spread over 0.39 s at least
