"""Errors as application/problem+json (RFC 9457) for the API, and plain pages for people."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException

from audio.messages import N_, Message, plain_params
from scheduler.errors import LoaError
from web.i18n import translate

log = logging.getLogger("loa.web")
PROBLEM = "application/problem+json"


class ApiProblem(Exception):
    """An error to answer with a given status; raised by views and the auth layer.

    `detail` is a catalogue message (rendered in the reader's language, its parameters in the
    problem+json body) or, for older callers, a plain text.
    """

    def __init__(
        self, status: int, detail: str | Message, code: str = "error", **extra: Any
    ) -> None:
        super().__init__(str(detail))
        self.status = status
        self.message = detail if isinstance(detail, Message) else None
        self.detail = str(detail)
        self.code = code
        self.extra = extra

    def text(self) -> str:
        """The detail in the reader's language."""
        return translate(self.message) if self.message is not None else self.detail

    def params(self) -> dict[str, Any]:
        """The message's parameters as plain JSON values (none for a plain text)."""
        if self.message is None:
            return {}
        return plain_params(self.message.params)


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


# The problem types' titles (RFC 9457: the same for every occurrence, except for localization).
_TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    406: N_("Not acceptable"),
    409: N_("Conflict"),
    412: N_("Precondition failed"),
    413: N_("Request too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid data"),
    428: N_("Precondition required"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
    503: N_("Service unavailable"),
    507: N_("Insufficient storage"),
}


def title_msgid(status: int) -> str:
    """The catalogue message id of a problem's title."""
    return _TITLES.get(status, N_("Error"))


def status_title(status: int) -> str:
    """A problem's title in the reader's language (Accept-Language on the API)."""
    return translate(Message(title_msgid(status)))


def _title(status: int) -> str:
    return status_title(status)


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


# What a page says for an HTTP error that carries werkzeug's stock (English) description.
_PAGE_TEXT = {
    400: N_("The request is not valid."),
    401: N_("Please sign in."),
    403: N_("You do not have access to this."),
    404: N_("This page was not found."),
    405: N_("This action is not allowed here."),
    413: N_("The file or data sent is too large."),
    429: N_("Too many requests; please try again later."),
    500: N_("Server error; it was logged."),
    503: N_("The service is temporarily unavailable; please try again later."),
}


# What the API says for an HTTP error (werkzeug's descriptions are English and speak of pages).
_API_TEXT = {
    **_PAGE_TEXT,
    404: N_("Nothing was found at this address."),
    405: N_("This method is not allowed at this address."),
    406: N_("The answer cannot be given in the format asked for."),
    415: N_("Send the body as application/json"),
}
_API_OTHER = N_("The request could not be handled (HTTP %(status)s).")


def _api_text(status: int) -> str:
    """An HTTP error's text for the API, in the language of Accept-Language."""
    known = _API_TEXT.get(status)
    return translate(Message(known) if known else Message(_API_OTHER, {"status": status}))


def _page_text(exc: HTTPException, status: int) -> str:
    """The exception's own message, or one in the page's language instead of werkzeug's."""
    stock = type(exc).description
    if exc.description and exc.description != stock:
        return exc.description
    known = _PAGE_TEXT.get(status)
    return translate(Message(known)) if known else exc.description or _title(status)


def _page(status: int, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, message=message), status


def init_errors(app: Flask) -> None:
    """Map domain errors and HTTP errors to responses; log server errors, never show them."""

    @app.errorhandler(ApiProblem)
    def _api_problem(exc: ApiProblem) -> Any:
        if _wants_problem():
            extra = {"params": exc.params(), **exc.extra} if exc.message else exc.extra
            return problem(exc.status, exc.text(), exc.code, **extra)
        return _page(exc.status, exc.text())

    @app.errorhandler(LoaError)  # content errors too: ContentError is a LoaError
    def _loa_error(exc: LoaError) -> Any:
        text = translate(exc)
        if _wants_problem():
            return problem(exc.http_status, text, exc.code, params=exc.public_params())
        return _page(exc.http_status, text)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if _wants_problem():
            return problem(status, _api_text(status), "http", params={"status": status})
        return _page(status, _page_text(exc, status))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_problem():
            return problem(500, _api_text(500), "internal")
        return _page(500, translate(Message(_PAGE_TEXT[500])))
