"""Issue an emergency broadcast from a page (form, then a confirmation step); cancel, approve
and correct it. Every change goes through scheduler.emergency.issue, which audits it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from audio.messages import N_, message
from audio.speech import SpeechError
from content.assets import import_audio
from content.db import utcnow
from content.text import InvalidText, clean_text
from scheduler.config import Settings
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyBroadcast
from scheduler.emergency.targets import programme_from_asset, programme_from_speech
from scheduler.errors import Invalid, LoaError, NotFound
from scheduler.media import media_root
from web import params
from web.access import SUPERVISE, Principal, require
from web.db import db
from web.emergency_access import issuer_of
from web.emergency_form import (
    REPEATS,
    SOURCES,
    Draft,
    own_asset,
    preview,
    programmes_found,
    read_draft,
    units_in_scope,
)
from web.i18n import translate
from web.problems import ApiProblem
from web.security import upload_route
from web.views.emergency import bp, visible_broadcast

AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".flac", ".m4a", ".aac", ".amr", ".webm")
# Fields carried from the form to the confirmation step (the file travels as its stored asset).
CARRIED = ("unit", "title", "reason", "kind", "stations", "source", "programme", "asset", "text",
           "within", "repeat", "times", "every", "until", "expires")  # fmt: skip


def _settings() -> Settings:
    settings: Settings = current_app.config["LOA_SETTINGS"]
    return settings


def _issuer() -> tuple[Principal, ops.Issuer]:
    """The person, whose role must allow issuing ([emergency].issuer_roles; admins always)."""
    principal = require(SUPERVISE)
    if not ops.may_issue(_settings(), principal.role):
        raise ApiProblem(
            403,
            message(N_("The role '%(role)s' may not issue emergency broadcasts."),
                    role=principal.role),
            "forbidden",
        )  # fmt: skip
    return principal, issuer_of(db(), principal)


def _search(name: str) -> str:
    """A search box's text, cleaned ('' when unusable)."""
    try:
        return clean_text(str(request.form.get(name, "")), field=N_("search"))[:100]
    except InvalidText:
        return ""


def _form_page(form: MultiDict[str, str], status: int = 200, error: str | None = None) -> Any:
    """The issuing form with what the person typed, the unit and programme choices."""
    principal, who = _issuer()
    session = db()
    chosen_unit = params.to_id(form.get("unit", ""))
    units = units_in_scope(session, _search("uq"), who.unit_ids, principal.unit_id)
    if chosen_unit and chosen_unit not in {u.id for u in units}:
        units = units_in_scope(session, "", who.unit_ids, chosen_unit) + units
    found = programmes_found(session, _search("pq")) if form.get("pq") else []
    chosen = params.to_id(form.get("programme", ""))
    if chosen and chosen not in {p.id for p in found}:
        found = programmes_found(session, str(chosen)) + found
    return render_template(
        "emergency/new.html", form=form, units=units, programmes=found, error=error,
        settings=_settings(), sources=SOURCES, repeats=REPEATS,
        chosen_unit=chosen_unit, chosen_programme=chosen, kinds=form.getlist("kind"),
    ), status  # fmt: skip


@bp.get("/new")
def new_broadcast() -> Any:
    """The issuing form ("Phát tin khẩn"), empty."""
    return _form_page(MultiDict({"within": "15", "source": "library", "repeat": "none"}))


def _store_upload(upload: FileStorage, actor: str) -> int:
    """The uploaded file validated, normalised and stored (its programme comes at issue)."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in AUDIO_SUFFIXES:
        raise Invalid(
            N_("Not an audio file this system takes (%(s)s)."), code="emergency.form.file",
            s=", ".join(AUDIO_SUFFIXES),
        )  # fmt: skip
    settings = _settings()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"  # never the client's file name
        upload.save(path)
        imported = import_audio(
            db(), media_root(settings), path, actor, settings.audio,
            original_name=Path(upload.filename or "").name[:255],
        )  # fmt: skip
    db().commit()
    return imported.asset.id


def _with_upload(form: MultiDict[str, str], actor: str) -> MultiDict[str, str]:
    """The form, with a newly uploaded file replaced by its stored asset's id."""
    upload = request.files.get("file")
    if form.get("source") != "upload" or upload is None or not upload.filename:
        return form
    out = form.copy()
    out["asset"] = str(_store_upload(upload, actor))
    return out


def _programme_id(draft: Draft, who: ops.Issuer) -> int:
    """The broadcast's programme: picked, made from the uploaded file, or read aloud."""
    session, settings = db(), _settings()
    if draft.source == "library" and draft.programme_id is not None:
        return draft.programme_id
    title = draft.title or ""
    if draft.source == "text" and draft.text is not None:
        return programme_from_speech(session, settings, draft.text, title, who.name).id
    if draft.asset_id is None:
        raise Invalid(N_("Choose an audio file."), code="emergency.form.file")
    asset = own_asset(session, draft.asset_id, who.name)
    return programme_from_asset(session, settings, asset, title, who.name).id


def _failed(form: MultiDict[str, str], exc: LoaError | SpeechError) -> Any:
    db().rollback()
    status = exc.http_status if isinstance(exc, LoaError) else 422
    return _form_page(form, status if status in (403, 404) else 422, translate(exc))


@bp.post("/new")
@upload_route
def issue_from_form() -> Any:
    """One step of the form: find a unit or a programme, check and confirm, or issue."""
    principal, who = _issuer()
    form: MultiDict[str, str] = request.form.copy()
    step = form.get("step", "check")
    if step in ("find_unit", "find_programme", "edit"):
        return _form_page(form)
    now = utcnow()
    try:
        form = _with_upload(form, who.name)
        draft = read_draft(db(), _settings(), form, now)
        if not principal.covers_unit(db(), draft.unit_id):  # as if it did not exist, as the API
            raise NotFound(N_("The unit was not found."), code="emergency.unit")
        if draft.source == "upload" and draft.asset_id is None:
            raise Invalid(N_("Choose an audio file."), code="emergency.form.file")
        shown = preview(db(), _settings(), draft, who, now)
        if step != "issue" or form.get("confirmed") != str(shown.stations):
            carried = [(k, v) for k in CARRIED for v in form.getlist(k)]
            return render_template("emergency/confirm.html", preview=shown, draft=draft,
                                   carried=carried, changed=step == "issue")  # fmt: skip
        b = ops.issue(db(), _settings(), draft.request(_programme_id(draft, who)), who, now)
    except (LoaError, SpeechError) as exc:
        return _failed(form, exc)
    db().commit()
    if b.state == "awaiting_approval":
        flash(_("Emergency broadcast saved; it goes out when a second person approves it."), "ok")
    else:
        flash(_("Emergency broadcast issued to %(count)s stations.", count=shown.stations), "ok")
    return redirect(url_for("emergency.proof_page", broadcast_id=b.id), code=303)


def _manage_page(b: EmergencyBroadcast, status: int = 200, error: str | None = None) -> Any:
    principal, who = _issuer()
    found = programmes_found(db(), _search("pq")) if request.form.get("pq") else []
    return render_template(
        "emergency/manage.html", b=b, error=error, form=request.form, programmes=found,
        may_approve=b.state == "awaiting_approval" and b.issued_by != who.name,
    ), status  # fmt: skip


@bp.get("/<id:broadcast_id>/manage")
def manage(broadcast_id: int) -> Any:
    """Cancel, approve or correct the broadcast (a page without the proof's auto-refresh)."""
    return _manage_page(visible_broadcast(broadcast_id))


def _confirmed() -> None:
    if request.form.get("confirm") != "yes":
        raise Invalid(N_("Tick the box to confirm."), code="emergency.form.confirm")


@bp.post("/<id:broadcast_id>/manage")
@upload_route
def manage_action(broadcast_id: int) -> Any:
    """Cancel (with a reason), approve, or correct (another programme or new audio)."""
    b = visible_broadcast(broadcast_id)
    _principal, who = _issuer()
    action = request.form.get("action", "")
    if action == "find_programme":
        return _manage_page(b)
    session, settings, now = db(), _settings(), utcnow()
    try:
        if action == "cancel":
            _confirmed()
            stopped = ops.cancel(session, settings, b.id, who, now, request.form.get("reason"))
            done = _("Broadcast cancelled; %(count)s stations will not air it.", count=stopped)
        elif action == "approve":
            ops.approve(session, settings, b.id, who, now)
            done = _("Broadcast approved; it goes out now.")
        elif action == "correct":
            _confirmed()
            replaced = ops.correct(session, settings, b.id, _correction(b, who), who, now)
            done = _("Correction sent to %(count)s stations that have not aired yet.",
                     count=replaced)  # fmt: skip
        else:
            raise Invalid(N_("Choose what to do."), code="emergency.form.action")
    except (LoaError, SpeechError) as exc:
        session.rollback()
        status = exc.http_status if isinstance(exc, LoaError) else 422
        return _manage_page(b, status if status in (403, 404, 409) else 422, translate(exc))
    session.commit()
    flash(done, "ok")
    return redirect(url_for("emergency.proof_page", broadcast_id=b.id), code=303)


def _correction(b: EmergencyBroadcast, who: ops.Issuer) -> int:
    """The replacing programme: picked from the library, or made from an uploaded file."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        asset = own_asset(db(), _store_upload(upload, who.name), who.name)
        return programme_from_asset(db(), _settings(), asset, b.title, who.name).id
    chosen = params.to_id(request.form.get("programme", ""))
    if chosen is None:
        raise Invalid(N_("Pick a programme or upload the corrected audio."),
                      code="emergency.form.correction")  # fmt: skip
    return chosen
