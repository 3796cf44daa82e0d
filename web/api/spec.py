"""The OpenAPI 3.1 document, built from the routes and their pydantic models (never by hand)."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.params import ID_MAX

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_REF = "#/components/schemas/{model}"
Mode = Literal["validation", "serialization"]
# A response is a model, a list of a model, a JSON Schema type name ("string"), or None.
Body = type[BaseModel] | Any | None

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "params": {"type": "object", "description": "the message's named parameters"},
        "errors": {
            "type": "array",
            "description": "every field error of a 422, each with its code and parameters",
            "items": {"type": "object"},
        },
    },
}
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    304: "Not modified",
    400: "Bad request",
    401: "Not signed in or bad token",
    403: "Role may not do this",
    404: "Not found (or outside your area)",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "The schedule changed meanwhile (If-Match mismatch)",
    413: "Body too large",
    415: "Body must be JSON",
    422: "Not acceptable input",
    428: "If-Match is required",
}
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "id": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    "week": {"type": "string", "pattern": r"^\d{4}-W\d{1,2}$"},
}


@dataclass
class Operation:
    """One documented API operation."""

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    responses: dict[int, Body] = field(default_factory=dict)
    content_type: str = "application/json"
    public: bool = False
    headers: dict[int, dict[str, Any]] = field(default_factory=dict)
    params: list[dict[str, Any]] = field(default_factory=list)


OPERATIONS: list[Operation] = []


def header(name: str, description: str, required: bool = False) -> dict[str, Any]:
    """A request header parameter."""
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def route(  # noqa: PLR0913 - keyword-only: the OpenAPI facts of one operation
    bp: Blueprint,
    path: str,
    method: str,
    *,
    summary: str,
    tag: str,
    responses: dict[int, Body],
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    params: list[dict[str, Any]] | None = None,
    content_type: str = "application/json",
    public: bool = False,
    headers: dict[int, dict[str, Any]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on the blueprint and document it in the same breath."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(path, view_func=view, methods=[method])
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                path=path,
                operation_id=view.__name__,
                summary=summary,
                tag=tag,
                query=query,
                body=body,
                responses=responses,
                content_type=content_type,
                public=public,
                headers=headers or {},
                params=params or [],
            )
        )
        return view

    return decorate


class _Models:
    """Every model the operations name, rendered once into components/schemas."""

    def __init__(self) -> None:
        self.wanted: list[tuple[type[BaseModel], Mode]] = []

    def ref(self, model: type[BaseModel], mode: Mode) -> Callable[[], dict[str, Any]]:
        """A placeholder for the model's $ref, filled once every model is known."""
        if (model, mode) not in self.wanted:
            self.wanted.append((model, mode))
        return lambda: self.refs[(model, mode)]

    def render(self) -> dict[str, Any]:
        """components/schemas, and the $ref of each wanted model."""
        refs, top = models_json_schema(self.wanted, ref_template=_REF)
        self.refs = refs
        defs: dict[str, Any] = top.get("$defs", {})  # pydantic types the document as Any
        return defs


def _response_schema(models: _Models, body: Body) -> Callable[[], dict[str, Any]] | None:
    if body is None:
        return None
    if isinstance(body, str):
        return lambda: {"type": body}
    if typing.get_origin(body) is list:
        item = models.ref(typing.get_args(body)[0], "serialization")
        return lambda: {"type": "array", "items": item()}
    return models.ref(body, "serialization")


def _without_null(sch: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: an optional value is absent, never null."""
    options = [s for s in sch.get("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in sch.items() if k != "anyOf" and k != "default"}
        return {**options[0], **rest}
    return {k: v for k, v in sch.items() if k != "default" or v is not None}


def _query_params(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is None:
        return []
    sch = model.model_json_schema(mode="validation")
    required = set(sch.get("required", []))
    out = []
    for name, prop in sch.get("properties", {}).items():
        prop = _without_null({k: v for k, v in prop.items() if k != "title"})
        out.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": prop.pop("description", name),
                "schema": prop,
            }
        )
    return out


def _path_params(path: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for conv, name in _CONVERTER.findall(path):
        sch = PATH_SCHEMAS.get(conv, {"type": "string", "minLength": 1, "pattern": "^[^/]+$"})
        params.append({"name": name, "in": "path", "required": True, "schema": sch})
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", path), params


def _responses(op: Operation, models: _Models) -> dict[str, Any]:
    out: dict[str, Any] = {}
    codes = dict(op.responses)
    for status in (400, 404, 405, 406, 415, 422):
        codes.setdefault(status, None)
    if not op.public:
        codes.setdefault(401, None)
        codes.setdefault(403, None)
    for status, body in sorted(codes.items()):
        entry: dict[str, Any] = {"description": STATUS_TEXT.get(status, "")}
        if status >= 400:
            entry["content"] = {"application/problem+json": {"schema": PROBLEM_SCHEMA}}
        else:
            sch = _response_schema(models, body)
            if sch is not None:
                entry["content"] = {op.content_type: {"schema": sch}}
        if status in op.headers:
            entry["headers"] = op.headers[status]
        out[str(status)] = entry
    return out


def _resolve(value: Any) -> Any:
    """The document with every model placeholder replaced by its $ref."""
    if callable(value):
        return value()
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def document(prefix: str, title: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every registered operation."""
    models = _Models()
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        path, params = _path_params(prefix + op.path)
        item: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params + _query_params(op.query) + op.params,
            "responses": _responses(op, models),
        }
        if op.body is not None:
            item["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": models.ref(op.body, "validation")}},
            }
        if op.public:
            item["security"] = []
        paths.setdefault(path, {})[op.method] = item
    schemas = {"Problem": PROBLEM_SCHEMA, **models.render()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Loa JSON API. Errors are application/problem+json. Lists are paged "
            "with `page` and `per_page`. Schedule edits need `If-Match` with the week's ETag.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "loa_session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": _resolve(paths),
    }
