"""Benchmark: what checking a token or a session on every request costs (issue 18, item 2).

Usage: python bench/auth.py [--database-url URL] [--users 300] [--requests 2000]
Tokens and sessions are no longer trusted from a per-process cache: each request reads the
token's row and its user's auth_version (sessions: the user joined to its session row). This
times, through the WSGI app in one process, N requests to /api/v1/ping (no authentication),
to /api/v1/me with a bearer token (rotating over every user's token) and to /channels with a
session cookie, and prints the milliseconds per request and the authentication overhead.
Target: the token check adds under 2 ms per request on SQLite (a confirmation's budget is
tens of milliseconds on the broadcaster's 3G link). JSON line last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import migrations  # noqa: E402
from content.db import make_engine, make_session_factory  # noqa: E402
from tests import factories as f  # noqa: E402
from web import accounts  # noqa: E402
from web.app import create_app  # noqa: E402
from web.settings import load_app_settings  # noqa: E402

PASSWORD = "bench password 2026"


def _time(fn, n: int) -> list[float]:  # noqa: ANN001
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    """Build users with tokens, time the three paths, print figures and a JSON line."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--requests", type=int, default=2000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    migrations.upgrade(engine)
    settings = load_app_settings()
    accounts.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    tokens: list[str] = []
    with make_session_factory(engine)() as s:
        province = f.unit(s, "Tỉnh Bench", level="province", code="98")
        commune = f.unit(s, "Xã Bench", parent=province, code="98001")
        channel = f.channel(s, commune)
        for k in range(args.users):
            user = accounts.create_user(
                s, f"bt{k}", PASSWORD, "broadcaster", "bench", channel_ids=[channel.id]
            )
            tokens.append(accounts.issue_token(s, user, "bench", "bench"))
        s.commit()
    app = create_app(settings, engine, {"SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    browser = app.test_client()
    page = browser.get("/login").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert browser.post("/login", data={"username": "bt0", "password": PASSWORD,
                                        "csrf_token": csrf}).status_code == 302  # fmt: skip
    n = args.requests

    def ping(_i: int) -> None:
        assert client.get("/api/v1/ping").status_code == 200

    def me(i: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
        assert client.get("/api/v1/me", headers=headers).status_code == 200

    def cookie(_i: int) -> None:
        assert browser.get("/api/v1/me").status_code == 200

    for fn in (ping, me, cookie):  # warm up (imports, first principals)
        _time(fn, min(n, len(tokens)))
    figures = {}
    for name, fn in (("ping", ping), ("token", me), ("session", cookie)):
        times = _time(fn, n)
        figures[name] = {
            "median_ms": round(statistics.median(times), 3),
            "p95_ms": round(sorted(times)[int(0.95 * len(times))], 3),
        }
        print(f"{name:8} median {figures[name]['median_ms']:7.3f} ms  "
              f"p95 {figures[name]['p95_ms']:7.3f} ms  ({n} requests)")  # fmt: skip
    overhead = figures["token"]["median_ms"] - figures["ping"]["median_ms"]
    print(f"token check (me - ping, medians): {overhead:.3f} ms per request")
    engine.dispose()
    print(json.dumps({"bench": "auth", "backend": engine.dialect.name, "users": args.users,
                      "requests": n, **figures, "token_overhead_ms": round(overhead, 3),
                      "target_ms": 2.0, "met": overhead < 2.0}))  # fmt: skip


if __name__ == "__main__":
    main()
