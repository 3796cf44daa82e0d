"""Programme library for planners: programmes, approval, audio upload, and the feed inbox."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from audio.messages import N_, message
from content import audit, inbox, speech
from content.assets import attach_to_programme, import_audio
from content.db import utcnow
from content.errors import ContentError
from content.models import PRIORITIES, Programme, ProgrammeTopic
from scheduler.errors import Invalid, LoaError
from scheduler.media import media_root
from web import forms, params
from web.access import PLAN, require
from web.db import db
from web.i18n import translate
from web.media import programmes_with_audio
from web.problems import ApiProblem
from web.security import upload_route
from web.views.home import login_required

bp = Blueprint("library", __name__, url_prefix="/library")


@bp.before_request
def _planners_only() -> Any:
    """Anonymous visitors go to sign-in; every library page needs the plan permission."""
    if (r := login_required()) is not None:
        return r
    require(PLAN)
    return None


AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".flac", ".m4a", ".aac", ".amr", ".webm")
PAGE = 50


def _actor() -> str:
    return require(PLAN).username


def _back(message: str, ok: bool = True, endpoint: str = "library.programmes") -> Any:
    if ok:
        db().commit()
    else:
        db().rollback()
    flash(message, "ok" if ok else "error")
    return redirect(url_for(endpoint), code=303)


@bp.get("")
def programmes() -> Any:
    """Programmes, newest first, searchable by title; which have audio."""
    require(PLAN)
    s = db()
    page = params.page_arg()
    q = select(Programme)
    search = forms.query("q", N_("search"))[:100]
    if search:
        q = q.where(Programme.title.ilike(f"%{search}%"))
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = list(s.scalars(q.order_by(Programme.id.desc()).limit(PAGE).offset((page - 1) * PAGE)))
    ids = [p.id for p in rows]
    with_audio = programmes_with_audio(s, ids)
    return render_template(
        "library/programmes.html",
        programmes=rows,
        with_audio=with_audio,
        synthesized=speech.synthesized(s, ids),
        total=total,
        page=page,
        pages=(total + PAGE - 1) // PAGE,
        search=search,
        settings=current_app.config["LOA_SETTINGS"],
        priorities=PRIORITIES,
    )


@bp.post("")
def create() -> Any:
    """A new programme (unapproved until someone approves it)."""
    settings = current_app.config["LOA_SETTINGS"]
    form = request.form
    try:
        title = forms.text("title", N_("title"))
        if not title or len(title) > 300:
            raise Invalid(
                N_("A programme needs a title (at most 300 characters)"), code="programme.title"
            )
        ptype = form.get("programme_type", "")
        if ptype not in settings.programme_types:
            raise Invalid(
                N_("Unknown programme type '%(value)s'"), code="programme.type", value=ptype
            )
        language = form.get("language", "vi")
        if language not in settings.languages:
            raise Invalid(
                N_("Unknown language '%(value)s'"), code="programme.language", value=language
            )
        topics = [t for t in form.getlist("topics") if t in settings.topics]
        if not topics:
            raise Invalid(N_("Choose at least one topic"), code="programme.topics")
        priority = form.get("priority", "normal")
        if priority not in PRIORITIES:
            raise Invalid(
                N_("Unknown priority '%(value)s'"), code="programme.priority", value=priority
            )
        try:
            minutes = float(form.get("minutes", "0").replace(",", "."))
        except ValueError as exc:
            raise Invalid(
                N_("The length is a number of minutes"), code="programme.minutes"
            ) from exc
        if not 0 < minutes <= 600:
            raise Invalid(
                N_("The length must be more than 0 and at most 600 minutes"),
                code="programme.minutes",
            )
        p = Programme(
            title=title,
            programme_type=ptype,
            language=language,
            duration_seconds=round(minutes * 60),
            priority=priority,
            created_by=_actor(),
            topic_links=[ProgrammeTopic(topic=t) for t in topics],
        )
        db().add(p)
        db().flush()
        audit.record(db(), _actor(), "programme.create", "programme", p.id, after={"title": title})
    except LoaError as exc:
        return _back(_("Not done: %(why)s", why=translate(exc)), ok=False)
    return _back(_("Programme created."))


def _programme(programme_id: int) -> Programme:
    p = db().get(Programme, programme_id)
    if p is None:
        raise ApiProblem(
            404,
            message(N_("Programme %(programme)s does not exist"), programme=programme_id),
            "not_found",
        )
    return p


@bp.post("/<id:programme_id>/approve")
def approve(programme_id: int) -> Any:
    """Approve a programme for broadcast (who and when are recorded)."""
    p = _programme(programme_id)
    if p.approved_at is None:
        p.approved_by, p.approved_at = _actor(), utcnow()
        audit.record(db(), _actor(), "programme.approve", "programme", p.id)
    return _back(_("Programme approved."))


@bp.post("/<id:programme_id>/audio")
@upload_route
def upload_audio(programme_id: int) -> Any:
    """Upload the programme's audio: validated, loudness-normalised, kept with its rendition."""
    p = _programme(programme_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _back(_("Choose an audio file."), ok=False)
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in AUDIO_SUFFIXES:
        return _back(
            _("Not an audio file this system takes (%(s)s).", s=", ".join(AUDIO_SUFFIXES)), ok=False
        )
    settings = current_app.config["LOA_SETTINGS"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"  # never the client's file name
            upload.save(path)
            result = import_audio(
                db(), media_root(settings), path, _actor(), settings.audio,
                original_name=Path(upload.filename).name[:255],
            )  # fmt: skip
            attach_to_programme(db(), result.asset, p, _actor())
    except LoaError as exc:
        return _back(_("Not done: %(why)s", why=translate(exc)), ok=False)
    return _back(_("Audio stored."))


@bp.get("/inbox")
def feed_inbox() -> Any:
    """New items from the feeds, to turn into programme drafts or dismiss."""
    require(PLAN)
    return render_template(
        "library/inbox.html",
        items=inbox.list_items(db(), "new", limit=100),
        settings=current_app.config["LOA_SETTINGS"],
    )


@bp.post("/inbox/<id:item_id>/draft")
def draft(item_id: int) -> Any:
    """Make an (unapproved) programme draft from a feed item."""
    try:
        topic = request.form.get("topic") or None
        inbox.draft_programme(db(), item_id, _actor(), topic=topic)
    except ContentError as exc:
        return _back(
            _("Not done: %(why)s", why=translate(exc)), ok=False, endpoint="library.feed_inbox"
        )
    return _back(_("Draft created in the library."), endpoint="library.feed_inbox")


@bp.post("/inbox/<id:item_id>/dismiss")
def dismiss(item_id: int) -> Any:
    """Take an item out of the inbox."""
    try:
        inbox.dismiss(db(), item_id, _actor())
    except ContentError as exc:
        return _back(
            _("Not done: %(why)s", why=translate(exc)), ok=False, endpoint="library.feed_inbox"
        )
    return _back(_("Item dismissed."), endpoint="library.feed_inbox")
