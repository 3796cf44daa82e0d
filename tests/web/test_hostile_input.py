"""Hostile values at every door: no route answers 5xx (issue 18, finding 3).

Every operation of the OpenAPI document and every page route of `app.url_map` is fed numbers
past what a database stores (2^63, 10^30, 5,000 digits, -1), weeks outside any calendar
(0000-W01, 9999-W52), a lone surrogate, NUL, JSON nested 100,000 deep and an If-Match of 5,000
digits, in path segments, query strings, form fields, JSON members and headers. Hypothesis picks
the combinations; each route gets a few examples, so the whole walk stays well under a minute.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.web.conftest import Browser, World, bearer

NUMBERS = [str(2**63), str(2**63 - 1), "-1", "0", "1" + "0" * 30, "9" * 5000, "1e400", "nhiều"]
WEEKS = ["0000-W01", "9999-W52", "2026-W99", "2100-W53", "W1", "-2026-W01"]
TEXTS = ["\ud800", "a\x00b", "x" * 5000, "", " ", "\u202e"]
JSON_NUMBERS: list[Any] = [2**63, 10**30, -1, 0, 1e308, True, None]
DEEP = "[" * 100_000 + "]" * 100_000
IF_MATCH = ['"s1-v' + "9" * 5000 + '"', "9" * 5000, '"s' + "1" * 30 + '-v1"', "*"]
NEXT = ["/\r\nSet-Cookie: x=1", "/\t/evil.example/x", "//evil.example", "/ok\x00"]
# Form and query names the pages read numbers, weeks and texts from.
NUMBER_FIELDS = ("slot_id", "programme_id", "item_id", "version", "unit", "channel", "page",
                 "position", "minutes", "speakers", "parent", "per_page", "fresh")  # fmt: skip
WEEK_FIELDS = ("week", "from_week", "period")
TEXT_FIELDS = ("title", "name", "q", "reason_text", "username", "password", "text")
SEEN: dict[int, int] = {}
SKIP_PAGES = {"auth.logout", "static"}


@dataclass(frozen=True)
class Door:
    """One route and method, with what the test may put in its path."""

    endpoint: str
    method: str
    rule: str
    api: bool
    query: tuple[tuple[str, str], ...] = ()  # (name, kind) of documented query parameters
    body: tuple[tuple[str, str], ...] = ()  # (name, kind) of documented body members


def _kind(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        schema = next((s for s in schema["anyOf"] if s.get("type") != "null"), {})
    if schema.get("type") in ("integer", "number"):
        return "number"
    if "W" in schema.get("pattern", ""):
        return "week"
    return "text"


def _api_doors(doc: dict[str, Any]) -> Iterator[Door]:
    schemas = doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            query = tuple(
                (p["name"], _kind(p["schema"])) for p in op["parameters"] if p["in"] == "query"
            )
            body: tuple[tuple[str, str], ...] = ()
            if "requestBody" in op:
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                props = schemas[ref.rsplit("/", 1)[1]].get("properties", {})
                body = tuple((name, _kind(s)) for name, s in props.items())
            yield Door(op["operationId"], method.upper(), path, True, query, body)


def _page_doors(app: Flask) -> Iterator[Door]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_PAGES or rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield Door(rule.endpoint, method, rule.rule, False)


def _path(door: Door, w: World, hostile: st.DrawFn) -> str:
    """The route's path: each id or week hostile, or (to reach the body) one of the world's."""
    real = {"channel_id": w.channel_a, "item_id": w.item_a, "programme_id": w.programme}

    def fill(m: re.Match[str]) -> str:
        conv, name = m.group(1) or "default", m.group(2)
        if name in real and hostile(st.booleans()):
            return str(real[name])
        if conv == "week" or name == "week":
            return hostile(st.sampled_from(WEEKS))
        if conv in ("id", "int") or name.endswith("_id"):
            return hostile(st.sampled_from(NUMBERS[:6]))
        return hostile(st.sampled_from(["x", "%ED%A0%80", "a" * 300]))

    # OpenAPI writes {name}; Flask writes <converter:name>.
    path = re.sub(r"\{(\w+)\}", lambda m: "<default:" + m.group(1) + ">", door.rule)
    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, path)


def _value(kind: str, draw: st.DrawFn, as_json: bool) -> Any:
    if kind == "number":
        return draw(st.sampled_from(JSON_NUMBERS if as_json else NUMBERS))
    if kind == "week":
        return draw(st.sampled_from(WEEKS))
    return draw(st.sampled_from(TEXTS if as_json else [t for t in TEXTS if t != "\ud800"]))


def _fields(door: Door, draw: st.DrawFn) -> dict[str, Any]:
    """Query or form values: the documented ones for the API, the usual names for pages."""
    names = list(door.query) or [
        *((n, "number") for n in NUMBER_FIELDS),
        *((n, "week") for n in WEEK_FIELDS),
        *((n, "text") for n in TEXT_FIELDS),
    ]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    out = {name: _value(kind, draw, as_json=False) for name, kind in chosen}
    if draw(st.booleans()):
        out["next"] = draw(st.sampled_from(NEXT))
    return out


def _body(door: Door, draw: st.DrawFn) -> str:
    if not door.body or draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from([DEEP, '{"a":"\\ud800"}', "[]", "null", "{" * 70]))
    members = draw(st.lists(st.sampled_from(door.body), min_size=1, unique=True))
    data = {name: _value(kind, draw, as_json=True) for name, kind in members}
    if "events" in data:  # a list of objects: one hostile event
        data["events"] = [{k: _value("number", draw, True) for k in ("item_id", "seconds_played")}]
    return json.dumps(data)


def _knock(app: Flask, world: World, browser: Browser, door: Door, draw: st.DrawFn) -> None:
    path = _path(door, world, draw)
    fields = _fields(door, draw)
    headers = {
        "If-Match": draw(st.sampled_from(IF_MATCH)),
        "Accept-Language": "vi",
        "Accept-Encoding": "identity",
    }
    if door.api:
        headers.update(bearer(world, "admin"))
        kw: dict[str, Any] = {"query_string": fields, "headers": headers}
        if door.method != "GET":
            kw.update(data=_body(door, draw), content_type="application/json")
        r = app.test_client().open(path, method=door.method, **kw)
    elif door.method == "GET":
        r = browser.client.get(path, query_string=fields, headers=headers)
    elif door.endpoint == "grid.edit" and draw(st.booleans()):
        r = browser.client.post(path, data=_body(door, draw), content_type="application/json",
                                headers={**headers, "X-CSRF-Token": browser.csrf})  # fmt: skip
    else:
        r = browser.post(path, fields, headers=headers)
    where = f"{door.method} {path} {fields!r:.300}: {r.status_code} {r.get_data()[:300]!r}"
    SEEN[r.status_code] = SEEN.get(r.status_code, 0) + 1
    assert r.status_code < 500, where
    location = r.headers.get("Location", "")
    assert "\r" not in location and "\n" not in location and "evil" not in location, where


def _knocks(door: Door) -> Any:
    """A few hostile requests at one door, chosen by hypothesis."""

    @settings(max_examples=6, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def knock(app: Flask, world: World, browser: Browser, data: st.DataObject) -> None:
        _knock(app, world, browser, door, data.draw)

    return knock


def test_no_route_answers_5xx_to_hostile_values(app: Flask, world: World) -> None:
    """Every API operation and page route, each with a few hostile combinations."""
    client = app.test_client()
    doors = [*_api_doors(client.get("/api/v1/openapi.json").json), *_page_doors(app)]
    assert len(doors) > 60
    browser = Browser(app.test_client())
    assert browser.login("admin") == 302
    failures: list[str] = []
    for door in doors:
        try:
            _knocks(door)(app, world, browser)
        except Exception as exc:  # every door's failure, then all of them at once
            failures.append(f"{door.method} {door.rule}: {str(exc).splitlines()[0][:600]}")
    assert SEEN.get(404) and SEEN.get(422), SEEN  # the hostile values were refused, not ignored
    assert not failures, "\n".join(failures)


def test_next_with_line_breaks_is_a_safe_redirect(app: Flask, browser: Browser) -> None:
    browser.get("/login")
    for target in NEXT:
        r = browser.post("/lang/en", {"next": target})
        assert r.status_code in (302, 303) and r.headers["Location"] in ("/", "http://localhost/")
    page = browser.get("/login", query_string={"next": NEXT[0]})
    assert page.status_code == 200
