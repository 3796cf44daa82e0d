"""CSV and JSON exports of a compliance result and of a periodic report.

JSON is for programs (codes and ids). CSV is for people opening it in a spreadsheet: headers,
rule names, statuses and periods in the reader's language, shares in percent with the
language's decimal mark, saved as UTF-8 with a BOM (`csv_bytes`) so Excel reads Vietnamese.
"""

from __future__ import annotations

import io
import json
from typing import Any

from audio.messages import N_
from content.export_safe import SafeCsvWriter
from scheduler.compliance.labels import (
    Reader,
    capital,
    rule_name,
    rule_period_name,
    status_name,
    vocab,
)
from scheduler.compliance.model import ComplianceResult
from scheduler.compliance.reports import Report, UnitSummary
from scheduler.config import Settings

RESULT_COLUMNS = (
    N_("Rule"), N_("Station code"), N_("Station"), N_("Station kind"), N_("Unit code"),
    N_("Unit"), N_("Period"), N_("Count"), N_("Minimum"), N_("Target"), N_("Status"),
    N_("Not aired or cancelled"), N_("Unconfirmed"),
)  # fmt: skip
REPORT_COLUMNS = (
    N_("Unit code"), N_("Unit"), N_("Communes"), N_("Communes with a station"), N_("Rule"),
    N_("Stations it applies to"), N_("Target met"), N_("Minimum met"), N_("Below minimum"),
    N_("In progress"), N_("Share at minimum (%)"), N_("Share at target (%)"), N_("Periods met"),
    N_("Periods passed"),
)  # fmt: skip


def csv_bytes(text: str) -> bytes:
    """CSV text as a file: UTF-8 with a byte order mark, so Excel opens Vietnamese correctly."""
    return text.encode("utf-8-sig")


def number(value: float | None, reader: Reader, digits: int = 1) -> str:
    """A number as the reader writes it: '66,7' in Vietnamese, '66.7' in English."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}" if value != int(value) else str(int(value))
    return text.replace(".", ",") if reader.language == "vi" else text


def percent(value: float | None, reader: Reader) -> str:
    """A share in percent with one decimal ('' when there is none)."""
    return "" if value is None else number(round(100 * value, 1), reader)


def result_dict(result: ComplianceResult) -> dict[str, Any]:
    """Per rule, per channel: id, name, unit code, and per rule period the count and status."""
    return {
        "period": result.period.label,
        "start": result.period.week_start.isoformat(),
        "end": result.period.week_end.isoformat(),
        "unit_code": result.unit_code,
        "rules": [
            {
                "rule_id": rr.rule.id,
                "name_vi": rr.rule.name_vi,
                "name_en": rr.rule.name_en,
                "period_kind": rr.rule.period,
                "basis": rr.basis,
                "count": rr.rule.count,
                "minimum": rr.rule.minimum,
                "target": rr.rule.target,
                "by_status": rr.by_status(),
                "channels": [
                    {
                        "channel_id": cr.channel.id,
                        "channel_name": cr.channel.name,
                        "unit_code": cr.channel.unit_code,
                        "period": result.period.label,
                        "count": cr.count,
                        "status": cr.status,
                        "periods_met": cr.met,
                        "periods_applicable": cr.applicable,
                        "not_aired": cr.not_aired,
                        "unconfirmed": cr.unconfirmed,
                        "periods": [
                            {
                                "period": p.label,
                                "count": p.count,
                                "status": p.status,
                                "not_aired": p.not_aired,
                                "unconfirmed": p.unconfirmed,
                            }
                            for p in cr.periods
                        ],  # fmt: skip
                    }
                    for cr in rr.channels
                ],
            }
            for rr in result.rules
        ],
    }


def result_json(result: ComplianceResult) -> str:
    """The result as JSON text."""
    return json.dumps(result_dict(result), ensure_ascii=False, indent=1)


def result_csv(result: ComplianceResult, settings: Settings, reader: Reader | None = None) -> str:
    """One CSV row per rule, channel and rule period, in the reader's language."""
    t = reader or Reader()
    buf = io.StringIO()
    writer = SafeCsvWriter(buf)
    writer.writerow([t(c) for c in RESULT_COLUMNS])
    for r in result.rows():
        writer.writerow([
            rule_name(settings, str(r["rule_id"]), t), r["channel_id"], r["channel_name"],
            vocab(settings, "kind", str(r["channel_kind"]), t), r["unit_code"], r["unit_name"],
            capital(rule_period_name(str(r["period"]), t)), number(float(r["count"]), t),
            r["minimum"], "" if r["target"] is None else r["target"],
            status_name(str(r["status"]), t), r["not_aired"], r["unconfirmed"],
        ])  # fmt: skip
    return buf.getvalue()


def report_dict(report: Report) -> dict[str, Any]:
    """The periodic report's parts as plain data."""

    def summary(s: UnitSummary) -> dict[str, Any]:
        return {
            "unit_code": s.code, "unit_name": s.name, "communes": s.communes,
            "communes_with_station": s.communes_with_station, "planned": s.planned,
            "aired": s.aired, "partial": s.partial, "not_aired": s.not_aired,
            "unconfirmed": s.unconfirmed, "unplanned": s.unplanned,
            "minutes": round(s.minutes, 1),
            "rules": {
                rid: {"applicable": r.applicable, "target_met": r.target_met,
                      "minimum_met": r.minimum_met, "below_minimum": r.below_minimum,
                      "running": r.running,
                      "share_minimum": r.share_minimum, "share_target": r.share_target,
                      "periods_met": r.periods_met, "periods_applicable": r.periods_applicable}
                for rid, r in s.rules.items()
            },
        }  # fmt: skip

    return {
        "title_vi": report.title_vi,
        "title_en": report.title_en,
        "period": report.period.label,
        "unit_code": report.unit_code,
        "unit_name": report.unit_name,
        "in_progress": report.in_progress,
        "deadline": report.deadline.isoformat() if report.deadline else None,
        "generated_at": report.generated_at.isoformat(),
        "summary": [summary(s) for s in report.summary],
        "total": summary(report.total),
        "below_minimum": [
            {
                "rule_id": b.rule_id,
                "channel_id": b.result.channel.id,
                "channel_name": b.result.channel.name,
                "unit_code": b.result.channel.unit_code,
                "periods_missed": [p.label for p in b.result.missed],
                "periods_met": b.result.met,
                "periods_applicable": b.result.applicable,
                "reasons": b.reasons,
            }
            for b in report.below
        ],  # fmt: skip
        "unconfirmed": [{"channel": c, "unit": u, "items": n} for c, u, n in report.unconfirmed],
        "by_topic": [
            {"topic": k, "airings": n, "minutes": round(m, 1)} for k, n, m in report.by_topic
        ],  # fmt: skip
        "by_type": [
            {"type": k, "airings": n, "minutes": round(m, 1)} for k, n, m in report.by_type
        ],  # fmt: skip
        "by_language": [
            {"language": k, "airings": n, "minutes": round(m, 1)} for k, n, m in report.by_language
        ],  # fmt: skip
        "compliance": result_dict(report.result),
    }


def report_json(report: Report) -> str:
    """The report as JSON text."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=1)


def report_csv(report: Report, settings: Settings, reader: Reader | None = None) -> str:
    """The report's summary per unit and applicable rule as CSV, in the reader's language."""
    t = reader or Reader()
    buf = io.StringIO()
    writer = SafeCsvWriter(buf)
    writer.writerow([t(c) for c in REPORT_COLUMNS])
    for s in [*report.summary, report.total]:
        for rid in report.rules_in_area:
            r = s.rules[rid]
            if not r.channels:
                continue
            writer.writerow([
                s.code, s.name, s.communes, s.communes_with_station, rule_name(settings, rid, t),
                r.applicable, r.target_met, r.minimum_met, r.below_minimum, r.running,
                percent(r.share_minimum, t), percent(r.share_target, t), r.periods_met,
                r.periods_applicable,
            ])  # fmt: skip
    return buf.getvalue()
