"""Admin pages: users, administrative units (import), channels with their slot patterns and
loudspeaker clusters, and the coverage rules in force."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, select

from audio.messages import N_, message
from content import audit
from scheduler.areas import find_unit
from scheduler.errors import Invalid, LoaError
from scheduler.fleet import credentials
from scheduler.models import AdminUnit, Channel, ChannelLanguage, LoudspeakerCluster, SlotPattern
from scheduler.roles import ROLES
from scheduler.units.records import UnitsError
from scheduler.units.service import import_file, import_province
from web import accounts, forms
from web.access import ADMIN, require
from web.account_scope import resolve_stations, resolve_unit
from web.db import db
from web.i18n import translate
from web.models import User
from web.problems import ApiProblem
from web.views.home import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
UNIT_SUFFIXES = (".json", ".csv", ".xlsx")


@bp.before_request
def _admins_only() -> Any:
    """Every admin page needs an admin."""
    if (r := login_required()) is not None:
        return r
    require(ADMIN)
    return None


def _actor() -> str:
    return require(ADMIN).username


def _done(message: str, endpoint: str, **values: Any) -> Any:
    db().commit()
    flash(message, "ok")
    return redirect(url_for(endpoint, **values), code=303)


def _refused(exc: LoaError, endpoint: str, **values: Any) -> Any:
    db().rollback()
    flash(_("Not done: %(why)s", why=translate(exc)), "error")
    return redirect(url_for(endpoint, **values), code=303)


@bp.get("/users")
def users() -> Any:
    """Users with role and scope, and the form for a new one."""
    rows = list(db().scalars(select(User).order_by(User.role, User.username)))
    return render_template("admin/users.html", users=rows, roles=ROLES)


@bp.post("/users")
def create_user() -> Any:
    """Create a user (planner/supervisor: unit code or name; broadcaster: station names or ids)."""
    s = db()
    form = request.form
    try:
        unit_text = forms.text("unit", N_("unit"))
        unit_id = resolve_unit(s, unit_text).id if unit_text else None
        channel_ids = resolve_stations(s, forms.text("channels", N_("stations")))
        accounts.create_user(
            s, forms.text("username", N_("user name")), form.get("password", ""),
            form.get("role", ""), _actor(),
            display_name=forms.optional("display_name", N_("name")), unit_id=unit_id,
            channel_ids=channel_ids,
        )  # fmt: skip
    except LoaError as exc:
        return _refused(exc, "admin.users")
    return _done(_("User created."), "admin.users")


def _user(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        raise ApiProblem(404, message(N_("User %(id)s was not found"), id=user_id), "not_found")
    return user


@bp.post("/users/<int:user_id>/active")
def toggle_user(user_id: int) -> Any:
    """Disable or enable a user (a disabled user's sessions and tokens stop working)."""
    user = _user(user_id)
    user.active = not user.active
    user.session_stamp += 1
    current_app.extensions["loa_tokens"].clear()
    audit.record(db(), _actor(), "user.active", "user", user.id, after={"active": user.active})
    return _done(_("User updated."), "admin.users")


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int) -> Any:
    """Set a new password for a user."""
    try:
        accounts.set_password(db(), _user(user_id), request.form.get("password", ""), _actor())
    except LoaError as exc:
        return _refused(exc, "admin.users")
    return _done(_("Password changed."), "admin.users")


@bp.post("/users/<int:user_id>/token")
def issue_token(user_id: int) -> Any:
    """Issue an API token; shown once on the next page."""
    name = forms.optional("name", N_("name")) or "api"
    token = accounts.issue_token(db(), _user(user_id), name, _actor())
    db().commit()
    flash(_("New token (copy it now, it is not shown again): %(t)s", t=token), "ok")
    return redirect(url_for("admin.users"), code=303)


@bp.get("/units")
def units() -> Any:
    """Provinces with their number of units, and the import forms."""
    s = db()
    provinces = list(
        s.scalars(select(AdminUnit).where(AdminUnit.level == "province").order_by(AdminUnit.code))
    )
    counts = dict(s.execute(select(AdminUnit.level, func.count()).group_by(AdminUnit.level)).all())
    return render_template("admin/units.html", provinces=provinces, counts=counts)


@bp.post("/units/import")
def import_units() -> Any:
    """Import a province from the packaged official list, or an uploaded unit file."""
    s = db()
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            suffix = Path(upload.filename).suffix.lower()
            if suffix not in UNIT_SUFFIXES:
                raise UnitsError(
                    N_("The format %(suffix)s is not supported: use .json, .csv or .xlsx"),
                    code="units.format",
                    suffix=repr(suffix),
                )
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"units{suffix}"  # never the client's file name
                upload.save(path)
                summary = import_file(
                    s, path, _actor(), province=forms.optional("province", N_("province"))
                )
        else:
            province = forms.text("province", N_("province"))
            if not province:
                raise UnitsError(
                    N_("Give a province code or name, or choose a file"), code="units.province"
                )
            summary = import_province(
                s, province, _actor(), request.form.get("structure") or "2025"
            )
    except LoaError as exc:
        return _refused(exc, "admin.units")
    return _done(_("Units imported: %(line)s", line=translate(summary.line())), "admin.units")


@bp.get("/channels")
def channels() -> Any:
    """Channels (paged), and the form for a new one."""
    page = max(1, request.args.get("page", 1, type=int))
    s = db()
    total = s.scalar(select(func.count(Channel.id))) or 0
    rows = list(s.scalars(select(Channel).order_by(Channel.id).limit(100).offset((page - 1) * 100)))
    settings = current_app.config["LOA_SETTINGS"]
    return render_template(
        "admin/channels.html", channels=rows, page=page, total=total, settings=settings
    )


def _date(raw: str | None, name: str) -> dt.date | None:
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):  # date inputs send ISO; people type dd/mm/yyyy
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    raise Invalid(
        N_("%(field)s: '%(value)s' is not a date (dd/mm/yyyy)"),
        code="form.date",
        field=message(name),
        value=raw,
    )


@bp.post("/channels")
def create_channel() -> Any:
    """Create a channel on a unit with its languages."""
    s = db()
    form = request.form
    settings = current_app.config["LOA_SETTINGS"]
    try:
        kind = form.get("kind", "")
        if kind not in settings.channel_kinds:
            raise Invalid(N_("Unknown channel kind '%(kind)s'"), code="channel.kind", kind=kind)
        langs = [x for x in form.getlist("languages") if x in settings.languages] or ["vi"]
        name = forms.text("name", N_("name"))
        if not name or len(name) > 200:
            raise Invalid(
                N_("A channel needs a name (at most 200 characters)"), code="channel.name"
            )
        channel = Channel(
            code=forms.optional("code", N_("code")),
            name=name,
            kind=kind,
            unit_id=find_unit(s, forms.text("unit", N_("unit"))).id,
            active_from=_date(form.get("active_from"), N_("start date")) or dt.date.today(),
            language_links=[ChannelLanguage(language=x) for x in langs],
        )
        s.add(channel)
        s.flush()
        audit.record(s, _actor(), "channel.create", "channel", channel.id, after={"name": name})
    except LoaError as exc:
        return _refused(exc, "admin.channels")
    return _done(_("Channel created."), "admin.channel", channel_id=channel.id)


def _channel(channel_id: int) -> Channel:
    channel = db().get(Channel, channel_id)
    if channel is None:
        raise ApiProblem(
            404, message(N_("Channel %(channel)s does not exist"), channel=channel_id), "not_found"
        )
    return channel


@bp.get("/channels/<int:channel_id>")
def channel(channel_id: int) -> Any:
    """A channel with its slot patterns and loudspeaker clusters."""
    return render_template(
        "admin/channel.html",
        channel=_channel(channel_id),
        agents=credentials.agents_of(db(), frozenset({channel_id})),
        settings=current_app.config["LOA_SETTINGS"],
    )


@bp.post("/channels/<int:channel_id>/patterns")
def add_pattern(channel_id: int) -> Any:
    """Add a slot pattern (weekdays 1-7, start, minutes, valid from)."""
    ch = _channel(channel_id)
    form = request.form
    try:
        days = "".join(sorted(set(d for d in form.get("weekdays", "") if d in "1234567")))
        if not days:
            raise Invalid(
                N_("Choose at least one weekday (1 = Monday ... 7 = Sunday)"),
                code="pattern.weekdays",
            )
        try:
            start = dt.time.fromisoformat(form.get("start", ""))
            minutes = int(form.get("minutes", ""))
        except ValueError as exc:
            raise Invalid(
                N_("The start is HH:MM (24-hour) and the minutes a whole number"),
                code="pattern.start",
            ) from exc
        if not 1 <= minutes <= 1440:
            raise Invalid(N_("A slot lasts 1 to 1440 minutes"), code="pattern.minutes")
        ch.patterns.append(
            SlotPattern(
                weekdays=days,
                start_time=start,
                duration_minutes=minutes,
                valid_from=_date(form.get("valid_from"), N_("valid from")) or ch.active_from,
                name=forms.optional("name", N_("name")),
            )
        )
        db().flush()
        audit.record(db(), _actor(), "pattern.add", "channel", ch.id, after={"weekdays": days})
    except LoaError as exc:
        return _refused(exc, "admin.channel", channel_id=channel_id)
    return _done(_("Slot pattern added."), "admin.channel", channel_id=channel_id)


@bp.post("/channels/<int:channel_id>/patterns/<int:pattern_id>/end")
def end_pattern(channel_id: int, pattern_id: int) -> Any:
    """End a slot pattern today (weeks already created keep their slots)."""
    ch = _channel(channel_id)
    pattern = next((p for p in ch.patterns if p.id == pattern_id), None)
    if pattern is None:
        raise ApiProblem(
            404, message(N_("Slot pattern %(id)s was not found"), id=pattern_id), "not_found"
        )
    pattern.valid_to = max(pattern.valid_from, dt.date.today())
    audit.record(db(), _actor(), "pattern.end", "slot_pattern", pattern.id)
    return _done(_("Slot pattern ended."), "admin.channel", channel_id=channel_id)


@bp.post("/channels/<int:channel_id>/clusters")
def add_cluster(channel_id: int) -> Any:
    """Add a loudspeaker cluster (cụm loa) of a village."""
    ch = _channel(channel_id)
    form = request.form
    try:
        name = forms.text("name", N_("name"))
        if not name or len(name) > 200:
            raise Invalid(
                N_("A loudspeaker cluster needs a name (at most 200 characters)"),
                code="cluster.name",
            )
        village = forms.text("village", N_("village"))
        try:
            speakers = int(form.get("speakers") or 1)
        except ValueError:
            speakers = 0
        if not 1 <= speakers <= 1000:
            raise Invalid(
                N_("The number of loudspeakers is a whole number from 1 to 1000"),
                code="cluster.speakers",
            )
        ch.clusters.append(
            LoudspeakerCluster(
                name=name,
                speakers=speakers,
                village_unit_id=find_unit(db(), village).id if village else None,
            )
        )
        db().flush()
        audit.record(db(), _actor(), "cluster.add", "channel", ch.id, after={"name": name})
    except LoaError as exc:
        return _refused(exc, "admin.channel", channel_id=channel_id)
    return _done(_("Cluster added."), "admin.channel", channel_id=channel_id)


@bp.get("/rules")
def rules() -> Any:
    """The coverage rules in force (from config.toml) with their sources."""
    return render_template("admin/rules.html", settings=current_app.config["LOA_SETTINGS"])


# A user's role, area and stations: routes on this blueprint, in their own module.
import web.views.admin_agents  # noqa: E402, F401
import web.views.admin_users  # noqa: E402, F401
