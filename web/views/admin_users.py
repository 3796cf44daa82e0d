"""Admin: change a user's role, area and stations (found by name), on the admin blueprint."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from audio.messages import N_
from content.text import InvalidText, clean_text
from scheduler.errors import LoaError
from scheduler.roles import ROLES
from web import accounts, params
from web.access import ADMIN, require
from web.account_scope import search_stations, search_units, update_scope
from web.db import db
from web.i18n import translate
from web.models import User
from web.problems import ApiProblem
from web.views.admin import bp


def _user(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        raise ApiProblem(404, _("User not found."), "not_found")
    return user


def _query(name: str, field: str) -> str:
    """A search box's text, cleaned at the door ('' when it cannot be used, with a message)."""
    try:
        return clean_text(request.args.get(name, ""), field=field)[:100]
    except InvalidText as exc:
        flash(translate(exc), "error")
        return ""


@bp.get("/users/<id:user_id>")
def edit_user(user_id: int) -> Any:
    """The user's role, area and stations, with searches to pick others by name."""
    user = _user(user_id)
    session = db()
    uq = _query("uq", N_("Unit search"))
    sq = _query("sq", N_("Station search"))
    units = [u for u in search_units(session, uq) if u.id != user.unit_id] if uq else []
    mine = {link.channel_id for link in user.channel_links}
    stations = [c for c in search_stations(session, sq) if c.id not in mine] if sq else []
    return render_template(
        "admin/user.html", user=user, roles=ROLES, uq=uq, sq=sq, units=units, stations=stations,
        current=sorted((link.channel for link in user.channel_links), key=lambda c: c.name),
        tokens=accounts.list_tokens(session, user),
    )  # fmt: skip


@bp.post("/users/<id:user_id>")
def update_user(user_id: int) -> Any:
    """Save the role, the area (one unit) and the stations ticked."""
    user = _user(user_id)
    form = request.form
    back: dict[str, Any] = {
        "user_id": user_id,
        "uq": form.get("uq") or None,
        "sq": form.get("sq") or None,
    }
    try:
        unit = form.get("unit", "")
        update_scope(
            db(), user, require(ADMIN).username,
            role=form.get("role", ""),
            unit_id=params.to_id(unit),
            channel_ids=[i for c in form.getlist("channel") if (i := params.to_id(c))],
        )  # fmt: skip
    except LoaError as exc:
        db().rollback()
        flash(translate(exc), "error")
        return redirect(url_for("admin.edit_user", **back), code=303)
    db().commit()
    flash(_("User updated."), "ok")
    return redirect(url_for("admin.edit_user", **back), code=303)


@bp.post("/users/<id:user_id>/tokens/<id:token_id>/revoke")
def revoke_token(user_id: int, token_id: int) -> Any:
    """Revoke one of the user's API tokens: it stops working at once, in every process."""
    user = _user(user_id)
    try:
        accounts.revoke_token(db(), user, token_id, require(ADMIN).username)
    except LoaError as exc:
        db().rollback()
        flash(translate(exc), "error")
        return redirect(url_for("admin.edit_user", user_id=user_id), code=303)
    db().commit()
    flash(_("Token revoked."), "ok")
    return redirect(url_for("admin.edit_user", user_id=user_id), code=303)
