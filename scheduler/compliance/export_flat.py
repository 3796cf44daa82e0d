"""CSV and JSON exports of a compliance result and of a periodic report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from scheduler.compliance.model import ComplianceResult
from scheduler.compliance.reports import Report

CSV_COLUMNS = [
    "rule_id", "channel_id", "channel_name", "channel_kind", "unit_code", "unit_name",
    "period", "count", "minimum", "target", "status", "not_aired", "unconfirmed",
]  # fmt: skip


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


def result_csv(result: ComplianceResult) -> str:
    """One CSV row per rule, channel and rule period."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in result.rows():
        writer.writerow(row)
    return buf.getvalue()


def report_dict(report: Report) -> dict[str, Any]:
    """The periodic report's parts as plain data."""

    def summary(s) -> dict[str, Any]:
        return {
            "unit_code": s.code, "unit_name": s.name, "communes": s.communes,
            "communes_with_station": s.communes_with_station, "planned": s.planned,
            "aired": s.aired, "partial": s.partial, "not_aired": s.not_aired,
            "unconfirmed": s.unconfirmed, "unplanned": s.unplanned,
            "minutes": round(s.minutes, 1),
            "rules": {
                rid: {"applicable": r.applicable, "target_met": r.target_met,
                      "minimum_met": r.minimum_met, "below_minimum": r.below_minimum,
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


def report_csv(report: Report) -> str:
    """The report's summary per unit as CSV (one row per unit and rule)."""
    buf = io.StringIO()
    cols = ["unit_code", "unit_name", "communes", "communes_with_station", "rule_id",
            "applicable", "target_met", "minimum_met", "below_minimum", "share_minimum",
            "share_target", "periods_met", "periods_applicable"]  # fmt: skip
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for s in [*report.summary, report.total]:
        for rid, r in s.rules.items():
            writer.writerow([s.code, s.name, s.communes, s.communes_with_station, rid,
                             r.applicable, r.target_met, r.minimum_met, r.below_minimum,
                             "" if r.share_minimum is None else round(r.share_minimum, 4),
                             "" if r.share_target is None else round(r.share_target, 4),
                             r.periods_met, r.periods_applicable])  # fmt: skip
    return buf.getvalue()
