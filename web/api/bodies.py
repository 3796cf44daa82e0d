"""Input at the API's door: JSON bodies and query strings validated by their pydantic models.

A refusal is a 422 problem+json whose `detail`, `code` and `params` are the first field error's
catalogue message, with every field error in `errors` (each with its own code and parameters).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from audio.messages import N_, Message, TranslatableError, message, plain_params
from web.i18n import translate
from web.params import json_depth_ok
from web.problems import ApiProblem

M = TypeVar("M", bound=BaseModel)

# pydantic's error types, as catalogue messages with a stable code each.
_TYPE_TEXT = N_("'%(field)s' must be %(kind)s")
_KINDS = {
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "int_parsing_size": N_("a whole number"),
    "float_type": N_("a number"),
    "float_parsing": N_("a number"),
    "string_type": N_("text"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "list_type": N_("a list"),
    "dict_type": N_("a JSON object"),
    "model_type": N_("a JSON object"),
    "model_attributes_type": N_("a JSON object"),
}
_BOUNDS = {
    "greater_than_equal": (N_("'%(field)s' must be at least %(limit)s"), "ge"),
    "greater_than": (N_("'%(field)s' must be more than %(limit)s"), "gt"),
    "less_than_equal": (N_("'%(field)s' must be at most %(limit)s"), "le"),
    "less_than": (N_("'%(field)s' must be less than %(limit)s"), "lt"),
    "string_too_short": (N_("'%(field)s' needs at least %(limit)s characters"), "min_length"),
    "string_too_long": (N_("'%(field)s' holds at most %(limit)s characters"), "max_length"),
    "too_long": (N_("'%(field)s' holds at most %(limit)s items"), "max_length"),
}


def _field(loc: tuple[int | str, ...], where: str) -> str:
    """`reason_text`, `items[2].id`: where the error is, as the client wrote it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or where


def field_error(error: ErrorDetails, where: str) -> tuple[str, Message]:
    """(code, message) of one pydantic error."""
    field = _field(error["loc"], where)
    kind, ctx = error["type"], error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, TranslatableError):
        return cause.code, cause.message
    if kind == "missing":
        return "field.required", message(N_("'%(field)s' is required"), field=field)
    if kind == "extra_forbidden":
        return "field.unknown", message(N_("'%(field)s' is not a known field"), field=field)
    if kind in _KINDS:
        return "field.type", message(_TYPE_TEXT, field=field, kind=Message(_KINDS[kind]))
    if kind in _BOUNDS:
        text, key = _BOUNDS[kind]
        return "field.range", message(text, field=field, limit=ctx.get(key))
    if kind == "string_pattern_mismatch":
        return "field.format", message(N_("'%(field)s' is not written as expected"), field=field)
    return "field.invalid", message(N_("'%(field)s' is not valid"), field=field)


def refusal(exc: ValidationError, where: str) -> ApiProblem:
    """A 422 problem naming every field error, the first one as detail, code and params."""
    found = [field_error(e, where) for e in exc.errors(include_url=False)]
    errors = [
        {"code": code, "detail": translate(msg), "params": plain_params(msg.params)}
        for code, msg in found
    ]
    code, first = found[0]
    return ApiProblem(422, first, code, errors=errors)


def json_body(model: type[M]) -> M:
    """The request's JSON object as `model` (415 not JSON, 400 malformed, 422 invalid)."""
    if not request.is_json:
        raise ApiProblem(
            415, message(N_("Send the body as application/json")), "unsupported_media_type"
        )
    raw = request.get_data(cache=False)
    if not json_depth_ok(raw):
        raise ApiProblem(400, message(N_("The JSON body is nested too deeply")), "body.depth")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiProblem(400, message(N_("The body is not valid JSON")), "bad_json") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise refusal(exc, "body") from None


def query_args(model: type[M]) -> M:
    """The query string as `model` (422 when a value is not what the model says)."""
    values: dict[str, Any] = {k: v for k, v in request.args.items() if v != ""}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise refusal(exc, "query") from None
