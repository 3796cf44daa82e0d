"""The in-app inbox of worker notices, and the admin's dead-letter list of emails and webhooks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from sqlalchemy import select

from audio.messages import N_, message
from content.db import utcnow
from scheduler.errors import LoaError
from scheduler.models import AdminUnit
from scheduler.notify.delivery import dead_letters, retry_dead
from scheduler.notify.service import NoticeReader, inbox, mark_read
from web.access import ADMIN, current, require
from web.db import db
from web.problems import ApiProblem
from web.views.home import login_required

bp = Blueprint("notices", __name__)


def _ancestors(session: Any, unit_ids: frozenset[int]) -> set[int]:
    """The units above the user's units (area-wide notices are addressed to the province)."""
    parents = dict(session.execute(select(AdminUnit.id, AdminUnit.parent_id)).all())
    out: set[int] = set()
    for uid in unit_ids:
        cur = parents.get(uid)
        while cur is not None and cur not in out:
            out.add(cur)
            cur = parents.get(cur)
    return out


def _reader() -> NoticeReader:
    """The signed-in user as a reader of notices: role, area (and the units above), channels."""
    p = current()
    assert p is not None
    session = db()
    units = p.unit_ids(session)
    if units is None:  # admins see every notice addressed to admins
        return NoticeReader(p.role, user_name=p.username, everywhere=True)
    return NoticeReader(
        p.role,
        unit_ids=sorted(units | _ancestors(session, units)),
        channel_ids=sorted(p.channel_ids),
        user_name=p.username,
    )


@bp.get("/inbox")
def inbox_page() -> Any:
    """The signed-in user's notices: by role, within their area or channels."""
    if (r := login_required()) is not None:
        return r
    reader = _reader()
    notes = inbox(
        db(), reader.role, reader.unit_ids, reader.channel_ids, reader.user_name,
        everywhere=reader.everywhere,
    )  # fmt: skip
    return render_template("notices/inbox.html", notes=notes)


@bp.post("/inbox/<int:note_id>/read")
def read(note_id: int) -> Any:
    """Mark one of the user's notices as read; another's (or another area's) is not found."""
    if (r := login_required()) is not None:
        return r
    if not mark_read(db(), note_id, utcnow(), _reader()):
        db().rollback()
        raise ApiProblem(404, message(N_("Notice %(id)s was not found"), id=note_id), "not_found")
    db().commit()
    return redirect(url_for("notices.inbox_page"))


@bp.get("/admin/dead-letters")
def dead_page() -> Any:
    """Admins: messages that failed max_attempts times."""
    if (r := login_required()) is not None:
        return r
    require(ADMIN)
    return render_template("notices/dead.html", rows=dead_letters(db()))


@bp.post("/admin/dead-letters/<int:message_id>/retry")
def retry(message_id: int) -> Any:
    """Admins: queue a dead message again."""
    if (r := login_required()) is not None:
        return r
    require(ADMIN)
    try:
        retry_dead(db(), message_id, utcnow())
    except LoaError:
        db().rollback()
        raise
    db().commit()
    return redirect(url_for("notices.dead_page"))
