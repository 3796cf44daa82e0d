"""Errors as application/problem+json (RFC 9457) for the API, and plain pages for people."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException

from scheduler.errors import LoaError
from scheduler.periods import PeriodError
from web.i18n import translate

log = logging.getLogger("loa.web")
PROBLEM = "application/problem+json"


class ApiProblem(Exception):
    """An error to answer with a given status; raised by views and the auth layer."""

    def __init__(self, status: int, detail: str, code: str = "error", **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.extra = extra


def problem(status: int, detail: str, code: str = "error", **extra: Any) -> Response:
    """A problem+json response."""
    body = {
        "type": f"https://loa.example/problems/{code}",
        "title": _title(status),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype=PROBLEM)


def _title(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


# What a page says for an HTTP error that carries werkzeug's stock (English) description.
_PAGE_TEXT = {
    400: "Yêu cầu không hợp lệ / Bad request",
    401: "Cần đăng nhập / Sign-in required",
    403: "Không có quyền truy cập / Access denied",
    404: "Không tìm thấy trang này / Page not found",
    405: "Thao tác này không được phép ở đây / Method not allowed",
    413: "Tệp hoặc dữ liệu gửi lên quá lớn / Upload too large",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau / Too many requests, try again later",
    500: "Lỗi máy chủ; lỗi đã được ghi lại / Server error; it was logged",
    503: "Hệ thống tạm thời chưa phục vụ được, vui lòng thử lại sau / Service unavailable",
}


def _page_text(exc: HTTPException, status: int) -> str:
    """The exception's own message, or a bilingual one instead of werkzeug's stock text."""
    stock = type(exc).description
    if exc.description and exc.description != stock:
        return exc.description
    return _PAGE_TEXT.get(status) or exc.description or _title(status)


def _page(status: int, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, message=message), status


def init_errors(app: Flask) -> None:
    """Map domain errors and HTTP errors to responses; log server errors, never show them."""

    @app.errorhandler(ApiProblem)
    def _api_problem(exc: ApiProblem) -> Any:
        if _wants_problem():
            return problem(exc.status, exc.detail, exc.code, **exc.extra)
        return _page(exc.status, exc.detail)

    @app.errorhandler(LoaError)  # content errors too: ContentError is a LoaError
    def _loa_error(exc: LoaError) -> Any:
        text = translate(exc)
        if _wants_problem():
            return problem(exc.http_status, text, exc.code, params=exc.public_params())
        return _page(exc.http_status, text)

    @app.errorhandler(PeriodError)
    def _period_error(exc: PeriodError) -> Any:
        if _wants_problem():
            return problem(422, str(exc), "period")
        return _page(422, str(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if _wants_problem():
            return problem(status, exc.description or _title(status), "http")
        return _page(status, _page_text(exc, status))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        detail = "internal error; it was logged"
        if _wants_problem():
            return problem(500, detail, "internal")
        return _page(500, _PAGE_TEXT[500])
