"""Every API route's error paths answer in one language: the one Accept-Language asks for.

The routes come from the OpenAPI document; each is called signed out, with the wrong role, with
ids that do not exist, with bad query values and bad bodies. Every problem+json answer must be
wholly Vietnamese or wholly English, with a stable `code` and its `params`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask

from tests.test_messages import assert_english, assert_vietnamese
from tests.web.conftest import World, bearer

LANGS = {"vi": assert_vietnamese, "en": assert_english}
BAD_QUERY = {"integer": "nhiều", "string": "x" * 200}


def _requests(doc: dict[str, Any], w: World) -> Iterator[tuple[str, str, str, Any, str | None]]:
    """(role, method, url, body, query) of requests each operation must refuse."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if op.get("security") == []:
                continue
            real = re.sub(r"\{item_id\}", str(w.item_a), path)
            real = re.sub(r"\{channel_id\}", str(w.channel_a), real)
            missing = re.sub(r"\{\w+\}", "999999999", path)
            body = {"bogus": 1} if "requestBody" in op else None
            yield None, method, real, body, None  # signed out
            yield "broadcaster" if method == "get" else "supervisor", method, missing, body, None
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    kind = param["schema"].get("type", "string")
                    value = BAD_QUERY.get(kind, "x" * 200)
                    yield "admin", method, real, body, f"{param['name']}={value}"
            if body is not None:
                yield "admin", method, real, body, None
                yield "admin", method, real, [], None


def test_every_api_error_speaks_one_language(app: Flask, world: World) -> None:
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").json
    seen: dict[int, int] = {}
    for role, method, url, body, query in _requests(doc, world):
        auth = bearer(world, role) if role else {}
        for lang, check in LANGS.items():
            headers = {**auth, "Accept-Language": lang, "If-Match": "*"}
            r = client.open(url, method=method.upper(), json=body, query_string=query,
                            headers=headers)  # fmt: skip
            if r.status_code < 400:
                continue
            seen[r.status_code] = seen.get(r.status_code, 0) + 1
            where = f"{method.upper()} {url}?{query} as {role} in {lang}: {r.json}"
            assert r.mimetype == "application/problem+json", where
            assert r.status_code < 500, where
            assert r.json["code"] and isinstance(r.json.get("params"), dict), where
            check(r.json["detail"])
            for error in r.json.get("errors", []):
                check(error["detail"])
    assert {401, 404, 422} <= set(seen), seen


def test_http_errors_of_the_api_speak_one_language(app: Flask, world: World) -> None:
    client = app.test_client()
    for lang, check in LANGS.items():
        h = {"Accept-Language": lang, **bearer(world, "admin")}
        for r in (client.get("/api/v1/nothing-here", headers=h),
                  client.delete("/api/v1/channels", headers=h)):  # fmt: skip
            assert r.status_code in (404, 405) and r.json["code"] == "http"
            assert r.json["params"] == {"status": r.status_code}
            check(r.json["detail"])


def test_problem_titles_speak_the_callers_language(app: Flask, world: World) -> None:
    """RFC 9457 titles are localized too: a Vietnamese answer carries no English title."""
    client = app.test_client()
    titles = {}
    for lang in ("vi", "en"):
        h = {"Accept-Language": lang, **bearer(world, "admin")}
        titles[lang] = client.get("/api/v1/nothing-here", headers=h).json["title"]
    assert titles == {"vi": "Không tìm thấy", "en": "Not found"}
