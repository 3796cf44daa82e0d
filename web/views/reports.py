"""The report archive: file the periodic report of an area and period, list what was filed,
download a filed DOCX or XLSX again exactly as it was (same bytes, same SHA-256)."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from audio.messages import N_
from content.db import utcnow
from content.text import clean_text
from scheduler.compliance.archive import (
    MEDIA_TYPES,
    build_filing,
    filed_file,
    filed_reports,
    keep_filing,
)
from scheduler.compliance.labels import capital, period_name
from scheduler.errors import Invalid, NotFound
from scheduler.models import AdminUnit, FiledReport
from scheduler.periods import Period, PeriodError
from web import params
from web.access import SUPERVISE, Principal, require
from web.db import db
from web.views.home import login_required
from web.views.supervisor import MAX_WEEKS, reader

bp = Blueprint("reports", __name__, url_prefix="/supervise/reports")
bp.before_request(login_required)


def _may_see(principal: Principal, filed: FiledReport) -> bool:
    """Admins see every filed report; others those of units in their subtree."""
    if principal.role == "admin":
        return True
    return filed.unit_id is not None and principal.covers_unit(db(), filed.unit_id)


@bp.get("")
def archive() -> Any:
    """Every report filed for the user's area, newest first, with its files' hashes."""
    principal = require(SUPERVISE)
    units = principal.unit_ids(db())
    words = reader()
    filed = filed_reports(db(), None if units is None else set(units))
    return render_template(
        "supervisor/reports.html",
        filed=filed,
        names={f.id: capital(period_name(Period.parse(f.period), words)) for f in filed},
    )


def _form_period() -> Period:
    raw = clean_text(request.form.get("period", ""), field=N_("Period"))
    try:
        period = Period.parse(raw)
    except PeriodError as exc:
        raise Invalid(
            N_("'%(period)s' is not a period: choose one from the list, or a date range."),
            code="period.invalid",
            period=raw[:40],
        ) from exc
    if len(period.weeks()) > MAX_WEEKS:
        raise Invalid(N_("Choose a period of at most a year."), code="period.too_long")
    return period


def _form_area(principal: Principal) -> AdminUnit | None:
    session = db()
    raw = request.form.get("unit", "").strip()
    if not raw:
        if principal.role == "admin":
            return None  # the whole country
        raw = str(principal.unit_id or "")
    unit_id = params.to_id(raw)
    unit = session.get(AdminUnit, unit_id) if unit_id is not None else None
    if unit is None or not principal.covers_unit(session, unit.id):
        raise NotFound(N_("This area is not yours."), code="unit.out_of_scope")
    return unit


@bp.post("")
def file() -> Response:
    """Build the report of the area and period, keep both files, show it in the archive."""
    principal = require(SUPERVISE)
    period = _form_period()
    area = _form_area(principal)
    settings = current_app.config["LOA_SETTINGS"]
    # Build from reads only (on SQLite: beside the writer), then keep it in one short write.
    with current_app.extensions["loa_read_sessions"]() as reading:
        try:
            filing = build_filing(reading, settings, period, area, reader(), utcnow())
        finally:
            reading.rollback()
    filed = keep_filing(db(), filing, area, principal.username)
    db().commit()
    return redirect(url_for("reports.archive", _anchor=f"report-{filed.id}"), code=303)


@bp.get("/<id:report_id>/<fmt>")
def download(report_id: int, fmt: str) -> Any:
    """A filed file, byte for byte as it was filed."""
    principal = require(SUPERVISE)
    if fmt not in MEDIA_TYPES:
        raise NotFound(N_("There is no such filed report."), code="report.not_found")
    filed, found = filed_file(db(), report_id, fmt)
    if not _may_see(principal, filed):
        raise NotFound(N_("There is no such filed report."), code="report.not_found")
    response = send_file(
        io.BytesIO(found.content),
        mimetype=MEDIA_TYPES[fmt],
        as_attachment=True,
        download_name=found.filename,
    )
    response.set_etag(found.sha256)
    return response
