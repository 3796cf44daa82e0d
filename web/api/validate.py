"""Check JSON bodies and query values against the same schemas the OpenAPI document shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request

from web.problems import ApiProblem

_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "object": dict,
    "array": list,
}


def _fail(where: str, message: str) -> ApiProblem:
    return ApiProblem(422, f"{where}: {message}", "invalid")


def check(value: Any, sch: dict[str, Any], where: str = "body") -> Any:
    """Validate value against the subset of JSON Schema Loa uses; return it unchanged."""
    if value is None and sch.get("nullable"):
        return None
    kind = sch.get("type")
    if kind:
        expected = _TYPES[kind]
        if isinstance(value, bool) and kind in ("integer", "number"):
            raise _fail(where, f"phải là kiểu {kind} / must be {kind}")
        if not isinstance(value, expected):
            article = "an" if kind[0] in "aeio" else "a"
            raise _fail(where, f"phải là kiểu {kind} / must be {article} {kind}")
    if "enum" in sch and value not in sch["enum"]:
        choices = ", ".join(map(str, sch["enum"]))
        raise _fail(where, f"phải là một trong {choices} / must be one of {choices}")
    if kind == "string":
        if "\x00" in value:
            raise _fail(where, "không được chứa ký tự NUL / must not contain NUL characters")
        if len(value) < sch.get("minLength", 0):
            raise _fail(
                where,
                f"cần ít nhất {sch['minLength']} ký tự / "
                f"needs at least {sch['minLength']} characters",
            )
        if "maxLength" in sch and len(value) > sch["maxLength"]:
            raise _fail(
                where, f"tối đa {sch['maxLength']} ký tự / at most {sch['maxLength']} characters"
            )
        if sch.get("format") == "date-time":
            parse_datetime(value, where)
    if kind in ("integer", "number"):
        if "minimum" in sch and value < sch["minimum"]:
            raise _fail(where, f"phải >= {sch['minimum']} / must be >= {sch['minimum']}")
        if "maximum" in sch and value > sch["maximum"]:
            raise _fail(where, f"phải <= {sch['maximum']} / must be <= {sch['maximum']}")
    if kind == "object":
        props = sch.get("properties", {})
        for name in sch.get("required", []):
            if name not in value:
                raise _fail(where, f"thiếu trường bắt buộc '{name}' / '{name}' is required")
        for name, item in value.items():
            if name not in props:
                if sch.get("additionalProperties", True) is False:
                    raise _fail(where, f"trường '{name}' không hợp lệ / unknown field '{name}'")
                continue
            check(item, props[name], f"{where}.{name}")
    if kind == "array":
        for i, item in enumerate(value):
            check(item, sch.get("items", {}), f"{where}[{i}]")
    return value


def parse_datetime(text: str, where: str) -> dt.datetime:
    """An RFC 3339 date-time with its offset."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(
            where,
            "phải là ngày giờ dạng 2026-11-23T06:00:00+07:00 / "
            "must be a date-time like 2026-11-23T06:00:00+07:00",
        ) from exc
    if value.tzinfo is None:
        raise _fail(where, "cần có múi giờ / needs a time zone offset")
    if not 1970 <= value.year <= 2200:
        raise _fail(where, "năm phải từ 1970 đến 2200 / year must be between 1970 and 2200")
    return value


def json_body(sch: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object, checked against sch (415/400/422 otherwise)."""
    if not request.is_json:
        raise ApiProblem(
            415,
            "hãy gửi nội dung dạng application/json / send the body as application/json",
            "unsupported_media_type",
        )
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(
            400, "nội dung không phải JSON hợp lệ / the body is not valid JSON", "bad_json"
        )
    return check(data, sch)


def query_int(name: str, default: int, lo: int, hi: int) -> int:
    """An integer query parameter within bounds."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise _fail(f"query {name}", "phải là số nguyên / must be an integer") from exc
    if not lo <= value <= hi:
        raise _fail(f"query {name}", f"phải từ {lo} đến {hi} / must be between {lo} and {hi}")
    return value
