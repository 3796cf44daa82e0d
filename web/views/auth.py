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
from web import accounts
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
    """The sign-in form; too many failures for a name or an address are refused for a while."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    settings = current_app.config["LOA_SETTINGS"].web
    window = dt.timedelta(minutes=settings.login_window_minutes)
    raw = request.form.get("username", "")
    username = clean_text(raw, field=N_("user name"), lenient=True).lower()[:80]
    password = request.form.get("password", "")
    keys = [f"user:{username}", f"addr:{request.remote_addr}"]
    s = db()
    if accounts.recent_failures(s, keys, window) >= settings.login_max_failures:
        flash(
            _(
                "Too many failed sign-ins. Wait %(m)s minutes and try again.",
                m=settings.login_window_minutes,
            ),
            "error",
        )
        return render_template("login.html", next=request.form.get("next", "")), 429
    user = accounts.authenticate(s, username, password)
    if user is None:
        accounts.record_failure(s, keys, window)
        s.commit()
        flash(_("Wrong user name or password."), "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    accounts.clear_failures(s, [f"user:{username}"])
    s.commit()
    lang = session.get("lang")
    session.clear()  # a fresh session on sign-in (no fixation)
    session.permanent = True
    session["uid"] = user.id
    session["stamp"] = user.session_stamp
    if lang in LANGUAGES:
        session["lang"] = lang
    elif user.language in LANGUAGES:
        session["lang"] = user.language
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Any:
    """End the session."""
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
        s.commit()
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
