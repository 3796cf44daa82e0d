"""Sign in, sign out, change password, choose the page language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from audio.messages import N_
from content.text import clean_text
from scheduler.errors import Invalid
from web import accounts, throttle
from web.access import current
from web.db import db
from web.i18n import LANGUAGES, translate
from web.models import User
from web.security import safe_next

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect): else the home page."""
    return safe_next(target) or url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form, throttled per address, per name and per pair (web.throttle)."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    settings = current_app.config["LOA_SETTINGS"].web
    window = dt.timedelta(minutes=settings.login_window_minutes)
    raw = request.form.get("username", "")
    username = accounts.normalise_username(clean_text(raw, field=N_("user name"), lenient=True))
    username = username[:80]
    password = request.form.get("password", "")
    s = db()
    verdict = throttle.check(
        s, username, request.remote_addr, max_failures=settings.login_max_failures,
        window=window, known_device=throttle.known_device(current_app, username),
    )  # fmt: skip
    if not verdict.allowed:
        wait = verdict.wait_seconds
        if wait < 120:
            flash(_("Too many failed sign-ins. Wait %(s)s seconds and try again.", s=wait), "error")
        else:
            flash(_("Too many failed sign-ins. Wait %(m)s minutes and try again.",
                    m=(wait + 59) // 60), "error")  # fmt: skip
        page = render_template("login.html", next=request.form.get("next", ""))
        return page, 429, {"Retry-After": str(wait)}
    user = accounts.authenticate(s, username, password)
    if user is None:
        throttle.record_failure(s, username, request.remote_addr, window)
        s.commit()
        flash(_("Wrong user name or password."), "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    throttle.clear_failures(s, username, request.remote_addr)
    sid = accounts.start_session(s, user, current_app.permanent_session_lifetime)
    s.commit()
    lang = session.get("lang")
    session.clear()  # a fresh session on sign-in (no fixation)
    session.permanent = True
    session["uid"] = user.id
    session["sid"] = sid
    session["stamp"] = user.session_stamp
    if lang in LANGUAGES:
        session["lang"] = lang
    elif user.language in LANGUAGES:
        session["lang"] = user.language
    response = redirect(_safe_next(request.form.get("next")))
    throttle.remember_device(current_app, response, user.username)
    return response


@bp.post("/logout")
def logout() -> Any:
    """End the session here and on the server: a saved copy of the cookie no longer signs in."""
    accounts.end_session(db(), session.get("sid"))
    db().commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def password() -> Any:
    """Change one's own password (other sessions of the user end)."""
    principal = current()
    if principal is None:
        return redirect(url_for("auth.login", next=request.path))
    if request.method == "POST":
        s = db()
        user = s.get(User, principal.user_id)
        assert user is not None
        new = request.form.get("new", "")
        if new != request.form.get("repeat", ""):
            flash(_("The two new passwords differ."), "error")
            return render_template("password.html"), 422
        try:
            accounts.change_password(s, user, request.form.get("old", ""), new)
        except Invalid as exc:
            s.rollback()
            flash(translate(exc), "error")
            return render_template("password.html"), 422
        sid = accounts.start_session(s, user, current_app.permanent_session_lifetime)
        s.commit()
        session["sid"] = sid  # this browser stays signed in; every other session has ended
        session["stamp"] = user.session_stamp
        flash(_("Password changed."), "ok")
        return redirect(url_for("home.index"))
    return render_template("password.html")


@bp.post("/lang/<code>")
def set_language(code: str) -> Any:
    """Switch the page language (vi or en) for this browser."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
