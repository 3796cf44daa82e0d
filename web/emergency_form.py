"""The issuing form's fields read into a draft, and what a draft would reach, before it is issued.

The form is plain HTML (no script): a draft is read again from the posted fields at each step,
so the person's input survives every error and the confirmation step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.messages import N_
from content.media_models import AudioAsset
from content.models import Programme
from content.speech import clean_script
from content.text import clean_optional
from scheduler.config import Settings
from scheduler.emergency import issue as ops
from scheduler.emergency.targets import (
    Repeats,
    airable_programme,
    parse_times,
    parse_until,
)
from scheduler.errors import Invalid
from scheduler.library_search import folded
from scheduler.models import AdminUnit
from scheduler.units.text import fold
from web import params
from web.account_scope import resolve_stations, search_units

_CLOCK = r"(?P<h>[0-2]?[0-9]):(?P<m>[0-5][0-9])"
_DATE = r"(?P<d>[0-3]?[0-9])/(?P<mo>[01]?[0-9])/(?P<y>[0-9]{4})"
_MOMENTS = (re.compile(rf"{_CLOCK}\s+{_DATE}"), re.compile(rf"{_DATE}\s+{_CLOCK}"))

SOURCES = ("library", "upload", "text")
REPEATS = ("none", "times", "every")
SEARCH_LIMIT = 30


@dataclass(frozen=True)
class Draft:
    """A broadcast as the form describes it; its programme may not exist yet (upload, text)."""

    unit_id: int
    deadline_minutes: int
    source: str
    title: str | None = None
    reason: str | None = None
    channel_kinds: tuple[str, ...] = ()
    channel_ids: tuple[int, ...] = ()
    programme_id: int | None = None
    asset_id: int | None = None
    text: str | None = None
    repeats: Repeats = Repeats()
    expires_at: dt.datetime | None = None

    def request(self, programme_id: int) -> ops.Request:
        """The operation's request, once the programme is known."""
        return ops.Request(
            programme_id=programme_id, unit_id=self.unit_id,
            deadline_minutes=self.deadline_minutes, title=self.title, reason=self.reason,
            channel_kinds=self.channel_kinds, channel_ids=self.channel_ids,
            repeats=self.repeats, expires_at=self.expires_at,
        )  # fmt: skip


@dataclass(frozen=True)
class Preview:
    """What the confirmation step shows: how many stations and communes, which airings."""

    unit: AdminUnit
    stations: int
    communes: int
    due: list[dt.datetime]
    expires_at: dt.datetime
    approval: bool


def _required_id(form: Mapping[str, Any], key: str, what: str, code: str) -> int:
    value = params.to_id(form.get(key, ""))
    if value is None:
        raise Invalid(what, code=code)
    return value


def _deadline(form: Mapping[str, Any]) -> int:
    minutes = params.to_int(form.get("within", ""), 1, 24 * 60)
    if minutes is None:
        raise Invalid(
            N_("Air within how many minutes? Write a whole number from 1 to 1440."),
            code="emergency.form.within",
        )
    return minutes


def _repeats(form: Mapping[str, Any], settings: Settings, now: dt.datetime) -> Repeats:
    mode = form.get("repeat", "none")
    if mode == "times":
        parts = [p for p in str(form.get("times", "")).replace(";", ",").split(",") if p.strip()]
        if not parts:
            raise Invalid(N_("Write the times of day, for example 06:00, 11:00, 17:00."),
                          code="emergency.form.times")  # fmt: skip
        return Repeats(times=parse_times(parts))
    if mode == "every":
        every = params.to_int(form.get("every", ""), 1, 24 * 60)
        until = str(form.get("until", "")).strip()
        if every is None or not until:
            raise Invalid(
                N_("Repeat every how many minutes (1 to 1440), and until what time (HH:MM)?"),
                code="emergency.form.every",
            )
        return Repeats(every_minutes=every, until=parse_until(until, now, settings.zone))
    return Repeats()


def _source(form: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    source = form.get("source", "library")
    if source not in SOURCES:
        source = "library"
    out: dict[str, Any] = {"source": source}
    if source == "library":
        out["programme_id"] = _required_id(
            form, "programme", N_("Pick a programme from the library (search by its title)."),
            "emergency.form.programme",
        )  # fmt: skip
    elif source == "text":
        out["text"] = clean_script(form.get("text", ""), settings.speech.max_characters)
    else:
        out["asset_id"] = params.to_id(form.get("asset", ""))
    return out


def read_draft(
    session: Session, settings: Settings, form: Mapping[str, Any], now: dt.datetime
) -> Draft:
    """The draft the posted fields describe, or Invalid naming the first field to fix."""
    unit_id = _required_id(
        form, "unit", N_("Choose the area that must hear the broadcast."), "emergency.form.unit"
    )
    source = _source(form, settings)
    title = clean_optional(form.get("title"), field=N_("the title"))
    if title is None and source["source"] != "library":
        raise Invalid(N_("Give the broadcast a title."), code="emergency.form.title")
    stations = str(form.get("stations", "")).strip()
    expires = str(form.get("expires", "")).strip()
    return Draft(
        unit_id=unit_id,
        deadline_minutes=_deadline(form),
        title=title,
        reason=clean_optional(form.get("reason"), field=N_("the reason"), multiline=True),
        channel_kinds=tuple(form.getlist("kind")) if hasattr(form, "getlist") else (),
        channel_ids=tuple(resolve_stations(session, stations)) if stations else (),
        repeats=_repeats(form, settings, now),
        expires_at=parse_moment(expires, now, settings.zone) if expires else None,
        **source,
    )


def preview(
    session: Session, settings: Settings, draft: Draft, who: ops.Issuer, now: dt.datetime
) -> Preview:
    """Every check the issue will make, and whom it would reach; writes nothing."""
    if draft.programme_id is not None:
        airable_programme(session, draft.programme_id)
    reach = ops.reach(session, settings, draft.request(draft.programme_id or 0), who, now)
    unit = session.get(AdminUnit, draft.unit_id)
    assert unit is not None  # reach() refused a missing unit
    units = {c.unit_id for c in reach.channels}
    communes = session.scalar(
        select(func.count()).where(AdminUnit.id.in_(units), AdminUnit.level == "commune")
    )
    return Preview(unit, len(reach.channels), int(communes or 0), reach.due, reach.expires_at,
                   settings.emergency.approval)  # fmt: skip


def units_in_scope(
    session: Session, query: str, scope: frozenset[int] | None, own: int | None
) -> list[AdminUnit]:
    """Units the person may send to that match the search (their own area first)."""
    found = search_units(session, query, limit=500) if query else []
    picked = [u for u in found if scope is None or u.id in scope][:SEARCH_LIMIT]
    mine = session.get(AdminUnit, own) if own is not None else None
    if mine is not None and mine not in picked:
        picked.insert(0, mine)
    return picked


def programmes_found(session: Session, query: str) -> list[Programme]:
    """Approved programmes with audio whose title holds the words (accents optional), or the id."""
    has_audio = select(AudioAsset.programme_id).where(AudioAsset.programme_id.is_not(None))
    q = select(Programme).where(Programme.approved_at.is_not(None), Programme.id.in_(has_audio))
    text = query.strip()
    if text.isdigit():
        return list(session.scalars(q.where(Programme.id == int(text))))
    words = fold(text).split()
    rows = session.execute(select(Programme.id, Programme.title).where(
        Programme.approved_at.is_not(None), Programme.id.in_(has_audio)
    ).order_by(Programme.id.desc())).all()  # fmt: skip
    ids = [r.id for r in rows if all(w in folded(r.title) for w in words)][:SEARCH_LIMIT]
    found = {p.id: p for p in session.scalars(q.where(Programme.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def own_asset(session: Session, asset_id: int, actor: str) -> AudioAsset:
    """Audio this person uploaded on the form and not yet used (else Invalid)."""
    asset = session.get(AudioAsset, asset_id)
    if asset is None or (asset.programme_id is None and asset.created_by != actor):
        raise Invalid(N_("Upload the audio file again."), code="emergency.form.asset")
    return asset


def parse_moment(text: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A local moment typed as on every Loa form, whatever the browser's locale, as UTC.

    "HH:MM dd/mm/yyyy" or "dd/mm/yyyy HH:MM"; a bare "HH:MM" (the next one) and RFC 3339 are
    read by parse_until as the API and CLI read them.
    """
    text = " ".join(text.split())
    for pattern in _MOMENTS:
        if found := pattern.fullmatch(text):
            parts = {k: int(v) for k, v in found.groupdict().items()}
            try:
                local = dt.datetime(parts["y"], parts["mo"], parts["d"], parts["h"], parts["m"],
                                    tzinfo=zone)  # fmt: skip
            except ValueError:
                break
            return local.astimezone(dt.UTC)
    if "/" in text:
        raise Invalid(
            N_("“%(text)s” is not a date and time; write HH:MM dd/mm/yyyy (for example"
               " 18:00 04/12/2026)."),
            code="emergency.form.moment", text=text,
        )  # fmt: skip
    return parse_until(text, now, zone)
