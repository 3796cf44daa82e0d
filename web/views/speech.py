"""Library pages for programmes made from text: compose, check the reading, hear, save, edit."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from audio.messages import N_
from audio.speech import ESPEAK_VOICES, SpeechError, check_voice
from content.media_models import AudioAsset
from content.models import PRIORITIES, Programme
from content.speech import (
    ProgrammeFields,
    SpeechSetup,
    draft_with_audio,
    preview,
    preview_path,
    programme_from_text,
    script_of,
    set_text,
)
from content.text import clean_text
from scheduler.errors import Invalid, LoaError, NotFound
from scheduler.speech import check_fields, speech_setup
from web.access import PLAN, require
from web.db import db
from web.i18n import translate
from web.views.home import login_required

bp = Blueprint("speech", __name__, url_prefix="/library")


@bp.before_request
def _planners_only() -> Any:
    """Anonymous visitors go to sign-in; every page here needs the plan permission."""
    if (r := login_required()) is not None:
        return r
    require(PLAN)
    return None


def _settings() -> Any:
    return current_app.config["LOA_SETTINGS"]


def _setup(form: Any) -> SpeechSetup:
    """The configured setup with the voice chosen on the form (espeak-ng voices only)."""
    setup = speech_setup(_settings())
    chosen = form.get("voice") or setup.voice.name
    if setup.voice.backend != "espeak-ng" or chosen == setup.voice.name:
        return setup
    voice = dataclasses.replace(setup.voice, name=chosen)
    check_voice(voice)
    return dataclasses.replace(setup, voice=voice)


def _fields(form: Any) -> ProgrammeFields:
    """The programme's fields from the form, checked against the vocabularies."""
    priority = form.get("priority", "normal")
    if priority not in PRIORITIES:
        raise Invalid(N_("unknown priority %(value)s"), code="programme.priority", value=priority)
    fields = ProgrammeFields(
        title=clean_text(form.get("title", ""), field=N_("the title")),
        topics=tuple(form.getlist("topics")),
        programme_type=form.get("programme_type", "tin"),
        language=form.get("language", "vi"),
        priority=priority,
    )
    check_fields(_settings(), fields)
    return fields


def _compose(status: int = 200, **context: Any) -> Any:
    settings = _settings()
    form: MultiDict[str, str] = request.form if request.method == "POST" else MultiDict()
    return (
        render_template(
            "library/speech.html",
            settings=settings,
            priorities=PRIORITIES,
            voices=ESPEAK_VOICES if settings.speech.backend == "espeak-ng" else (),
            form=form,
            chosen_topics=form.getlist("topics") if form else [],
            max_characters=settings.speech.max_characters,
            **context,
        ),
        status,
    )


@bp.get("/speech")
def compose() -> Any:
    """The "from text" page: a text box, then the reading, its length and a player."""
    return _compose()


@bp.post("/speech/preview")
def check() -> Any:
    """Show the text as it will be read aloud, its estimated and real length, and a player."""
    try:
        shown = preview(_setup(request.form), request.form.get("text", ""))
    except (LoaError, SpeechError) as exc:
        return _compose(422, error=translate(exc))
    return _compose(shown=shown)


@bp.get("/speech/preview/<key>.mp3")
def preview_audio(key: str) -> Any:
    """A preview's MP3 (kept a day), for the player on the page."""
    path = preview_path(speech_setup(_settings()), key)
    if path is None:
        abort(404)
    return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=3600)


@bp.post("/speech")
def create() -> Any:
    """Save the text as a programme with its synthesized audio (approval as usual)."""
    try:
        fields = _fields(request.form)
        p = programme_from_text(
            db(), _setup(request.form), fields, request.form.get("text", ""), _actor()
        )
    except (LoaError, SpeechError) as exc:
        db().rollback()
        return _compose(422, error=translate(exc))
    db().commit()
    flash(_("Programme #%(id)s made from text; it waits for approval.", id=p.id), "ok")
    return redirect(url_for("library.programmes"), code=303)


def _actor() -> str:
    return require(PLAN).username


def _programme(programme_id: int) -> Programme:
    p = db().get(Programme, programme_id)
    if p is None:
        abort(404)
    return p


def _edit(p: Programme, status: int = 200, **context: Any) -> Any:
    script = script_of(db(), p.id)
    asset = db().scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id))
    text = request.form.get("text") if request.method == "POST" else None
    return (
        render_template(
            "library/speech_edit.html",
            programme=p,
            script=script,
            asset=asset,
            synthesized=bool(script and asset and script.audio_asset_id == asset.id),
            text=text if text is not None else (script.text if script else p.description or ""),
            voices=ESPEAK_VOICES if _settings().speech.backend == "espeak-ng" else (),
            voice=request.form.get("voice") or (script.voice if script else None),
            max_characters=_settings().speech.max_characters,
            **context,
        ),
        status,
    )


@bp.get("/<id:programme_id>/text")
def edit(programme_id: int) -> Any:
    """A programme's text, to correct and read aloud again."""
    return _edit(_programme(programme_id))


@bp.post("/<id:programme_id>/text/preview")
def check_edit(programme_id: int) -> Any:
    """Hear the corrected text before it replaces the programme's audio."""
    p = _programme(programme_id)
    try:
        shown = preview(_setup(request.form), request.form.get("text", ""))
    except (LoaError, SpeechError) as exc:
        return _edit(p, 422, error=translate(exc))
    return _edit(p, shown=shown)


@bp.post("/<id:programme_id>/text")
def update(programme_id: int) -> Any:
    """Replace the text and read it aloud again; the old audio stays until the new is stored."""
    p = _programme(programme_id)
    try:
        set_text(db(), _setup(request.form), p.id, request.form.get("text", ""), _actor())
    except NotFound:
        abort(404)
    except (LoaError, SpeechError) as exc:
        db().rollback()
        return _edit(p, 422, error=translate(exc))
    db().commit()
    flash(_("Programme #%(id)s read aloud again; it needs approval again.", id=p.id), "ok")
    return redirect(url_for("speech.edit", programme_id=p.id), code=303)


@bp.post("/inbox/<id:item_id>/draft-audio")
def draft_audio(item_id: int) -> Any:
    """A feed item turned into a programme draft with its text read aloud."""
    try:
        p = draft_with_audio(
            db(), _setup({}), item_id, _actor(), topic=request.form.get("topic") or None
        )
    except (LoaError, SpeechError) as exc:
        db().rollback()
        flash(_("Not done: %(why)s", why=translate(exc)), "error")
        return redirect(url_for("library.feed_inbox"), code=303)
    db().commit()
    flash(_("Programme #%(id)s drafted with audio read from the item.", id=p.id), "ok")
    return redirect(url_for("speech.edit", programme_id=p.id), code=303)
