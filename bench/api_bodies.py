"""Benchmark: what the API's door costs per request (pydantic models, web/api/models.py).

Usage: python bench/api_bodies.py [--number 20000]
Measures, in-process and without a server, the busiest endpoint's share: reading a confirmation
body (depth check, json.loads, the Confirmation model with its text cleaning) and writing the
answer (the Airing model from an airing row), plus the OpenAPI document built once. Figures are
the best of five runs in microseconds per request; a JSON line last.
Reference (this machine, 2 cores, under a load average of ~14 from other work): 34 us per
confirmation against 14 us for the hand-written validator and field list it replaced, i.e.
about 0.6% of one core at the 300 confirmations/s target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import timeit
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from web.api import spec  # noqa: E402
from web.api.airings import Confirmation  # noqa: E402
from web.api.models import Airing  # noqa: E402
from web.params import json_depth_ok  # noqa: E402

BODY = json.dumps(
    {"status": "not_aired", "reason_code": "mat_dien", "reason_text": "Mất điện cả thôn"}
).encode()
ROW = SimpleNamespace(
    id=1, channel_id=2, scheduled_item_id=3, programme_id=4, status="not_aired",
    started_at=dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC), local_date=dt.date(2026, 11, 23),
    duration_seconds=0, reason_code="mat_dien", reason_text="Mất điện cả thôn", source="api",
    client_ref=None, confirmed_by="phatthanh",
    confirmed_at=dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC),
)  # fmt: skip


def _read() -> None:
    json_depth_ok(BODY)
    Confirmation.model_validate(json.loads(BODY))


def _write() -> None:
    Airing.dump(ROW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000)
    n = parser.parse_args().number
    figures = {}
    for name, fn in (("read_us", _read), ("write_us", _write)):
        figures[name] = round(min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e6, 1)
    figures["confirmation_us"] = round(figures["read_us"] + figures["write_us"], 1)
    start = time.perf_counter()
    spec.document("/api/v1", "Loa API", "1.0")
    figures["openapi_ms"] = round((time.perf_counter() - start) * 1000, 1)
    print(f"confirmation body read (depth check, JSON, model): {figures['read_us']} us")
    print(f"airing answer written (model from the row): {figures['write_us']} us")
    print(f"OpenAPI 3.1 document built once: {figures['openapi_ms']} ms")
    print(json.dumps({"bench": "api_bodies", **figures}))


if __name__ == "__main__":
    main()
