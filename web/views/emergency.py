"""Emergency broadcast pages: a station's one-tap confirmation, the proof of air."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from audio.messages import N_
from content.db import utcnow
from scheduler.emergency import airing
from scheduler.emergency.export import docx_bytes, xlsx_bytes
from scheduler.emergency.issue import may_issue
from scheduler.emergency.models import EmergencyBroadcast
from scheduler.emergency.proof import STATE_NAMES, VIA_NAMES, proof, tallies
from scheduler.errors import NotFound
from web.access import CONFIRM, SUPERVISE, current, require, require_channel
from web.db import db
from web.views.home import login_required
from web.views.supervisor import reader

bp = Blueprint("emergency", __name__, url_prefix="/emergency")
REFRESH_SECONDS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.before_request
def _signed_in() -> Any:
    """Anonymous visitors go to sign-in."""
    return login_required()


@bp.post("/deliveries/<id:delivery_id>/aired")
def confirm_aired(delivery_id: int) -> Any:
    """The broadcaster taps "aired": the station's delivery is aired, by this person, now."""
    principal = require(CONFIRM)
    session = db()
    d = airing.delivery(session, delivery_id)
    require_channel(session, d.channel_id, CONFIRM)
    airing.confirm_by_person(session, d.id, principal.username, utcnow())
    session.commit()
    return redirect(url_for("station.my_station", channel=d.channel_id))


def visible_broadcast(broadcast_id: int) -> EmergencyBroadcast:
    """The broadcast, if its area lies in the reader's scope (404 otherwise, as channels)."""
    principal = require(SUPERVISE)
    session = db()
    b = session.get(EmergencyBroadcast, broadcast_id)
    if b is None or not principal.covers_unit(session, b.unit_id):
        raise NotFound(
            N_("Emergency broadcast %(id)s was not found."), code="emergency.not_found",
            id=broadcast_id,
        )  # fmt: skip
    return b


@bp.app_context_processor
def _may_issue() -> dict[str, Any]:
    """Templates ask may_issue_emergency() to offer the issuing form ([emergency].issuer_roles)."""

    def may_issue_emergency() -> bool:
        principal = current()
        settings = current_app.config["LOA_SETTINGS"]
        return (
            principal is not None
            and principal.may(SUPERVISE)
            and may_issue(settings, principal.role)
        )

    return {"may_issue_emergency": may_issue_emergency}


def _occurrence() -> int:
    return max(0, request.args.get("occurrence", 0, type=int) or 0)


@bp.get("/")
def broadcasts() -> Any:
    """The emergency broadcasts of the reader's area, newest first, with how many aired."""
    principal = require(SUPERVISE)
    session = db()
    units = principal.unit_ids(session)
    query = select(EmergencyBroadcast).order_by(EmergencyBroadcast.issued_at.desc()).limit(100)
    if units is not None:
        query = query.where(EmergencyBroadcast.unit_id.in_(units))
    rows = list(session.scalars(query))
    counts = tallies(session, [b.id for b in rows])
    return render_template("emergency/list.html", rows=rows, counts=counts)


@bp.get("/<id:broadcast_id>")
def proof_page(broadcast_id: int) -> Any:
    """Proof of air: every station, its state, when and by whom; refreshes by itself."""
    b = visible_broadcast(broadcast_id)
    found = proof(db(), b, _occurrence())
    # Translated once, not once per row: a province's page has thousands of rows.
    states = {k: _(v) for k, v in STATE_NAMES.items()}
    vias = {k: _(v) for k, v in VIA_NAMES.items()}
    return render_template(
        "emergency/proof.html", pr=found, b=b, states=states, vias=vias, refresh=REFRESH_SECONDS,
    )  # fmt: skip


@bp.get("/<id:broadcast_id>/proof.xlsx")
def proof_xlsx(broadcast_id: int) -> Any:
    """The proof of air as a workbook in the reader's language."""
    b = visible_broadcast(broadcast_id)
    settings = current_app.config["LOA_SETTINGS"]
    data = xlsx_bytes(proof(db(), b, _occurrence()), settings, reader())
    return _file(data, f"tin-khan-{b.id}.xlsx", XLSX)


@bp.get("/<id:broadcast_id>/report.docx")
def proof_docx(broadcast_id: int) -> Any:
    """The report "Báo cáo kết quả phát tin khẩn" (official layout, Vietnamese)."""
    b = visible_broadcast(broadcast_id)
    settings = current_app.config["LOA_SETTINGS"]
    data = docx_bytes(proof(db(), b, _occurrence()), settings, utcnow())
    return _file(data, f"bao-cao-tin-khan-{b.id}.docx", DOCX)


def _file(data: bytes, name: str, mimetype: str) -> Any:
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


import web.views.emergency_issue  # noqa: E402, F401  (the issuing form's routes on this blueprint)
