"""Periodic reports for a unit and a period: the numbers every export shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import Programme, ProgrammeTopic
from scheduler.compliance.engine import evaluate
from scheduler.compliance.facts import load_channels
from scheduler.compliance.model import ChannelRuleResult, ComplianceResult, UnitInfo
from scheduler.compliance.rollup import (
    COUNTRY,
    UnitRollup,
    communes_with_station,
    report_units,
    rollup,
)
from scheduler.compliance.selection import parse_period
from scheduler.compliance.words_vi import period_title, unit_type_key
from scheduler.config import Settings
from scheduler.emergency.proof import PeriodLine, period_lines
from scheduler.models import Airing, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Period


@dataclass
class UnitSummary:
    """One row of the summary: a unit, its communes with a station, and each rule's roll-up."""

    unit_id: int
    code: str
    name: str
    communes: int
    communes_with_station: int
    rules: dict[str, UnitRollup]
    planned: int = 0
    aired: int = 0
    partial: int = 0
    not_aired: int = 0
    unconfirmed: int = 0
    unplanned: int = 0
    minutes: float = 0.0


@dataclass
class BelowRow:
    """A channel below minimum for a rule: the periods missed and the reasons given."""

    rule_id: str
    result: ChannelRuleResult
    reasons: dict[str, int]


@dataclass
class Report:
    """A periodic report: header facts and its parts."""

    period: Period
    unit_code: str | None
    unit_name: str
    unit_full_name: str
    title_vi: str
    title_en: str
    deadline: dt.date | None
    generated_at: dt.datetime
    result: ComplianceResult
    summary: list[UnitSummary]
    total: UnitSummary
    below: list[BelowRow]
    unconfirmed: list[tuple[str, str, int]]  # channel name, unit name, unconfirmed items
    by_topic: list[tuple[str, int, float]] = field(default_factory=list)
    by_type: list[tuple[str, int, float]] = field(default_factory=list)
    by_language: list[tuple[str, int, float]] = field(default_factory=list)
    # Commune-level units of the area by their own type ("xã", "phường", "đặc khu"; "" unknown):
    # (existing in the period, with an active commune station).
    commune_types: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Rule periods still in progress when the report was built (shown apart, never as missed).
    in_progress: list[str] = field(default_factory=list)
    # Emergency broadcasts of the period, counted apart from the rules (their own table).
    emergencies: list[PeriodLine] = field(default_factory=list)

    @property
    def rules_in_area(self) -> list[str]:
        """Rules that apply to at least one channel of the area (others are left out)."""
        return [rid for rid, r in self.total.rules.items() if r.channels]


def commune_types(result: ComplianceResult) -> dict[str, tuple[int, int]]:
    """Communes of the area existing in the period by type: (count, with an active station)."""
    start, end = result.period.week_start, result.period.week_end
    served: set[int] = set()
    for ch in result.channels.values():
        if ch.kind == "commune_radio" and ch.active_between(start, end):
            served |= ch.unit_ids
    out: dict[str, list[int]] = {}
    for u in result.units.values():
        if u.level != "commune" or not u.valid_between(start, end):
            continue
        if result.area is not None and u.id not in result.area:
            continue
        row = out.setdefault(unit_type_key(u.unit_type, u.full_name or u.name), [0, 0])
        row[0] += 1
        row[1] += u.id in served
    return {k: (v[0], v[1]) for k, v in out.items()}


def in_progress(result: ComplianceResult) -> list[str]:
    """Labels of the rule periods still running, in order (e.g. the current week)."""
    seen: dict[str, dt.date] = {}
    for rr in result.rules:
        for cr in rr.channels:
            for p in cr.in_progress:
                seen.setdefault(p.label, p.start)
    return sorted(seen, key=lambda label: (seen[label], label))


def deadline_of(settings: Settings, period: Period) -> dt.date | None:
    """The configured deadline of a quarter, half-year or year report; None otherwise."""
    for rp in settings.reports:
        if rp.period == period.kind:
            month = period.start.month + rp.deadline_month - 1
            return dt.date(period.start.year, month, rp.deadline_day)
    return None


def _activity(
    session: Session, result: ComplianceResult, channel_ids: list[int] | None, now: dt.datetime
) -> tuple[dict[int, list[float]], dict[int, tuple[int, int]]]:
    """Per channel: [aired, partial, not aired, unplanned, minutes]; (planned, unconfirmed)."""
    weeks = result.period.weeks()
    lo, hi = weeks[0].key, weeks[-1].key
    a = Airing
    conds = [a.week_key >= lo, a.week_key <= hi]
    if channel_ids is not None:
        conds.append(a.channel_id.in_(channel_ids))
    stmt = (
        select(
            a.channel_id,
            a.status,
            a.scheduled_item_id.is_(None),
            func.count(),
            func.sum(a.duration_seconds),
        )  # fmt: skip
        .where(*conds)
        .group_by(a.channel_id, a.status, a.scheduled_item_id.is_(None))
    )
    aired: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0])
    for cid, status, unplanned, n, secs in session.execute(stmt):
        row = aired[cid]
        if status == "aired":
            row[0] += n
        elif status == "partial":
            row[1] += n
        else:
            row[2] += n
        if unplanned:
            row[3] += n
        if status in ("aired", "partial"):
            row[4] += (secs or 0) / 60
    s, ws, si = Slot, WeekSchedule, ScheduledItem
    later = and_(Airing.id.is_(None), s.starts_at < now)
    iconds = [ws.week_key >= lo, ws.week_key <= hi]
    if channel_ids is not None:
        iconds.append(s.channel_id.in_(channel_ids))
    istmt = (
        select(s.channel_id, func.count(), func.sum(case((later, 1), else_=0)))
        .select_from(si)
        .join(s, s.id == si.slot_id)
        .join(ws, ws.id == s.schedule_id)
        .outerjoin(Airing, Airing.scheduled_item_id == si.id)
        .where(*iconds)
        .group_by(s.channel_id)
    )
    planned = {cid: (n, int(u or 0)) for cid, n, u in session.execute(istmt)}
    return aired, planned


def _content(
    session: Session, result: ComplianceResult, channel_ids: list[int] | None
) -> tuple[list, list, list]:
    """What aired (aired or partial) by topic, type and language: count and minutes."""
    weeks = result.period.weeks()
    a, p = Airing, Programme
    conds = [
        a.week_key >= weeks[0].key,
        a.week_key <= weeks[-1].key,
        a.status.in_(("aired", "partial")),
    ]
    if channel_ids is not None:
        conds.append(a.channel_id.in_(channel_ids))
    out = []
    for col in (p.programme_type, p.language):
        stmt = (
            select(col, func.count(), func.sum(a.duration_seconds))
            .join(p, p.id == a.programme_id)
            .where(*conds)
            .group_by(col)
            .order_by(func.count().desc())
        )
        out.append([(k, n, (secs or 0) / 60) for k, n, secs in session.execute(stmt)])
    t = ProgrammeTopic
    stmt = (
        select(t.topic, func.count(), func.sum(a.duration_seconds))
        .join(t, t.programme_id == a.programme_id)
        .where(*conds)
        .group_by(t.topic)
        .order_by(func.count().desc())
    )
    topics = [(k, n, (secs or 0) / 60) for k, n, secs in session.execute(stmt)]
    return topics, out[0], out[1]


def _reasons(
    session: Session, below: list[tuple[str, ChannelRuleResult]]
) -> dict[tuple[int, int], dict[str, int]]:
    """Reasons given for not-aired airings, per channel and missed week."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for _, cr in below:
        for p in cr.missed:
            for w in Period.parse(p.label).weeks():
                wanted[cr.channel.id].add(w.key)
    out: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not wanted:
        return out
    keys = sorted({k for ks in wanted.values() for k in ks})
    stmt = (
        select(Airing.channel_id, Airing.week_key, Airing.reason_code, func.count())
        .where(
            Airing.channel_id.in_(sorted(wanted)),
            Airing.week_key >= keys[0],
            Airing.week_key <= keys[-1],
            Airing.reason_code.is_not(None),
        )
        .group_by(Airing.channel_id, Airing.week_key, Airing.reason_code)
    )
    for cid, wk, code, n in session.execute(stmt):
        if code is not None and wk in wanted.get(cid, ()):  # None is filtered out in SQL
            out[(cid, wk)][code] += n
    return out


def _summary_row(
    unit: UnitInfo | None,
    result: ComplianceResult,
    rolls: dict[str, dict[int, UnitRollup]],
    stations: dict[int, tuple[int, int]],
) -> UnitSummary:
    uid = unit.id if unit else COUNTRY
    communes, with_station = stations.get(uid, (0, 0))
    return UnitSummary(
        unit_id=uid,
        code=unit.code if unit else "",
        name=unit.name if unit else "",
        communes=communes,
        communes_with_station=with_station,
        rules={rid: r.get(uid, UnitRollup(uid)) for rid, r in rolls.items()},
    )


def build_report(
    session: Session,
    settings: Settings,
    period: Period | str,
    unit_code: str | None,
    now: dt.datetime | None = None,
) -> Report:
    """Evaluate every rule for the unit and period and gather the report's parts."""
    window = parse_period(period)
    now = now or utcnow()
    result = evaluate(session, settings, window, unit_code=unit_code, now=now)
    rolls = {rr.rule.id: rollup(result, rr.rule.id) for rr in result.rules}
    stations = communes_with_station(result)
    rows = [_summary_row(u, result, rolls, stations) for u in report_units(result)]
    roots = [result.units[r] for r in result.roots]
    total = _summary_row(None, result, rolls, stations)
    if roots:
        total.name = " / ".join(sorted({u.name for u in roots}))
        total.code = roots[0].code
    else:
        total.name = "Toàn quốc"
    # Activity of every channel of the area (any kind), rolled up to the rows.
    everything, _ = load_channels(session, result.units, result.area, None, None)
    ids = sorted(everything) if unit_code is not None else None
    aired, planned = _activity(session, result, ids, now)
    by_unit = {r.unit_id: r for r in rows}
    for cid, ch in everything.items():
        a = aired.get(cid, [0, 0, 0, 0, 0.0])
        pl, unconf = planned.get(cid, (0, 0))
        targets = [total] + [by_unit[u] for u in ch.unit_ids if u in by_unit]
        for r in targets:
            r.aired += int(a[0])
            r.partial += int(a[1])
            r.not_aired += int(a[2])
            r.unplanned += int(a[3])
            r.minutes += a[4]
            r.planned += pl
            r.unconfirmed += unconf
    below_pairs = [(rr.rule.id, cr) for rr in result.rules for cr in rr.channels
                   if cr.status == "below_minimum"]  # fmt: skip
    reasons = _reasons(session, below_pairs)
    below = []
    for rid, cr in below_pairs:
        given: dict[str, int] = defaultdict(int)
        for p in cr.missed:
            for w in Period.parse(p.label).weeks():
                for code, n in reasons.get((cr.channel.id, w.key), {}).items():
                    given[code] += n
        below.append(BelowRow(rid, cr, dict(given)))
    unconfirmed = sorted(
        (
            (everything[cid].name, everything[cid].unit_name, u)
            for cid, (_, u) in planned.items()
            if u and cid in everything
        ),
        key=lambda r: (-r[2], r[0]),
    )
    topics, types, languages = _content(session, result, ids)
    name = total.name
    title = f"Kết quả thực hiện quy định tần suất phát sóng {period_title(window)}"
    return Report(
        period=window,
        unit_code=unit_code,
        unit_name=name,
        unit_full_name=" / ".join(sorted({u.full_name or u.name for u in roots})) or name,
        title_vi=title,
        title_en=f"Broadcast coverage compliance, {window.label}",
        deadline=deadline_of(settings, window),
        generated_at=now,
        result=result,
        summary=rows,
        total=total,
        below=below,
        unconfirmed=unconfirmed,
        by_topic=topics,
        by_type=types,
        by_language=languages,
        commune_types=commune_types(result),
        in_progress=in_progress(result),
        emergencies=_emergencies(session, settings, window, ids),
    )


def _emergencies(
    session: Session, settings: Settings, window: Period, channel_ids: list[int] | None
) -> list[PeriodLine]:
    """The period's emergency broadcasts over the report's stations (local calendar dates)."""
    zone = settings.zone
    start = dt.datetime.combine(window.start, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return period_lines(session, channel_ids, start, end)
