"""The OpenAPI document, built from the routes as they are declared (never written by hand)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

_CONVERTER = re.compile(r"<(?:(int|string|path):)?(\w+)>")

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


@dataclass
class Operation:
    """One documented API operation."""

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    params: list[dict[str, Any]] = field(default_factory=list)
    body: dict[str, Any] | None = None
    responses: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    content_type: str = "application/json"
    public: bool = False
    headers: dict[int, dict[str, Any]] = field(default_factory=dict)


OPERATIONS: list[Operation] = []
SCHEMAS: dict[str, dict[str, Any]] = {"Problem": PROBLEM_SCHEMA}


def schema(name: str, definition: dict[str, Any]) -> dict[str, Any]:
    """Register a named schema; returns a $ref to it."""
    SCHEMAS[name] = definition
    return {"$ref": f"#/components/schemas/{name}"}


def query(name: str, schema_: dict[str, Any], description: str, required: bool = False) -> dict:
    """A query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema_,
    }


def header(name: str, description: str, required: bool = False) -> dict[str, Any]:
    """A request header parameter."""
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def route(
    bp: Blueprint,
    path: str,
    method: str,
    *,
    summary: str,
    tag: str,
    responses: dict[int, dict[str, Any] | None],
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
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
                params=params or [],
                body=body,
                responses=responses,
                content_type=content_type,
                public=public,
                headers=headers or {},
            )
        )
        return view

    return decorate


def _path_params(path: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for conv, name in _CONVERTER.findall(path):
        sch: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
            if conv == "int"
            else {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": sch})
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", path), params


def _responses(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    codes = dict(op.responses)
    for status in (400, 404, 405, 406, 415, 422):
        codes.setdefault(status, None)
    if not op.public:
        codes.setdefault(401, None)
        codes.setdefault(403, None)
    for status, sch in sorted(codes.items()):
        entry: dict[str, Any] = {"description": STATUS_TEXT.get(status, "")}
        if status >= 400:
            entry["content"] = {"application/problem+json": {"schema": PROBLEM_SCHEMA}}
        elif sch is not None:
            entry["content"] = {op.content_type: {"schema": sch}}
        if status in op.headers:
            entry["headers"] = op.headers[status]
        out[str(status)] = entry
    return out


def document(prefix: str, title: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every registered operation."""
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        path, params = _path_params(prefix + op.path)
        item: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params + op.params,
            "responses": _responses(op),
        }
        if op.body is not None:
            item["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": op.body}},
            }
        if op.public:
            item["security"] = []
        paths.setdefault(path, {})[op.method] = item
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": version,
            "description": "Loa JSON API. Errors are application/problem+json. Lists are paged "
            "with `page` and `per_page`. Schedule edits need `If-Match` with the week's ETag.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "loa_session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
    }
