"""plan_week: the operation behind `loa plan` and the web planner (flushes, never commits)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from audio.messages import N_, Message, message, render_value
from content.models import Programme
from scheduler.areas import find_unit, subtree_ids
from scheduler.config import Settings
from scheduler.errors import Invalid, InvalidState, NotFound
from scheduler.models import Channel, WeekSchedule
from scheduler.periods import PeriodError, Week
from scheduler.planner import copy, load, write
from scheduler.planner.core import RuleStatus, plan_facts, week_status
from scheduler.planner.explain import Shortfall
from scheduler.planner.facts import WeekFacts
from scheduler.planner.notes import ExcessNote, FreeNote
from scheduler.planner.problem import RANKS
from scheduler.planner.solver import DEFAULT_BUDGET


@dataclass
class PlanResult:
    """What plan_week did: the rule status before and after, and what could not be met."""

    week: str
    unit_code: str | None
    channels: int
    schedules_created: int = 0
    items_added: int = 0
    removed: int = 0  # with replan: unpinned items taken out before planning
    copied: int = 0
    copy_skipped: list[Message] = field(default_factory=list)
    published: int = 0
    before_copy: list[RuleStatus] = field(default_factory=list)  # with copy_from: before copying
    before: list[RuleStatus] = field(default_factory=list)
    after: list[RuleStatus] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    excess: list[ExcessNote] = field(default_factory=list)  # rules planned past target + margin
    free: list[FreeNote] = field(default_factory=list)  # airtime left free, and why
    channel_names: dict[int, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    @staticmethod
    def _summary(statuses: list[RuleStatus]) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = {}
        for s in statuses:
            c = out.setdefault(s.rule_id, Counter())
            c[s.status] += 1
            c["week_met"] += int(s.week_met)
            c["channels"] += 1
        return {k: dict(v) for k, v in out.items()}

    def summary_before(self) -> dict[str, dict[str, int]]:
        """Per rule: channels at each status, and with this week's part met, before planning."""
        return self._summary(self.before)

    def summary_after(self) -> dict[str, dict[str, int]]:
        """The same after planning."""
        return self._summary(self.after)

    def share_met(self, after: bool = True) -> float:
        """Share of channel-rules whose part this week reaches at least the minimum."""
        statuses = self.after if after else self.before
        return sum(s.week_met for s in statuses) / len(statuses) if statuses else 1.0

    def notes(self) -> list[ExcessNote | FreeNote]:
        """The notes of the plan: rules past their target plus the margin, then free airtime."""
        return [*self.excess, *self.free]

    def to_dict(self, text: Callable[[Message], str] = str) -> dict[str, Any]:
        """A JSON-ready view (for the CLI's --json and the API); `text` renders messages."""
        return {
            "week": self.week,
            "unit": self.unit_code,
            "channels": self.channels,
            "schedules_created": self.schedules_created,
            "items_added": self.items_added,
            "removed": self.removed,
            "copied": self.copied,
            "copy_skipped": [text(m) for m in self.copy_skipped],
            "published": self.published,
            "share_met_before": round(self.share_met(False), 4),
            "share_met_after": round(self.share_met(True), 4),
            "before_copy": self._summary(self.before_copy) if self.before_copy else None,
            "before": self.summary_before(),
            "after": self.summary_after(),
            "shortfalls": [
                {**asdict(s), "channel_name": self.channel_names.get(s.channel_id)}
                for s in self.shortfalls
            ],
            "notes": [
                {"channel_id": n.channel_id, "channel_name": self.channel_names.get(n.channel_id),
                 "code": n.code, "text": str(n.message()),
                 "params": {k: render_value(v, str, "en")
                            for k, v in n.message().params.items()}}
                for n in self.notes()
            ],
        }  # fmt: skip


def _week(week: Week | str) -> Week:
    if isinstance(week, Week):
        return week
    try:
        return Week.parse(week)
    except PeriodError as exc:
        raise Invalid.carry(exc) from exc


def select_channels(
    session: Session, week: Week, unit_code: str | None, channel_ids: list[int] | None
) -> dict[int, str]:
    """Channels of the area active in the week (optionally only the given ones): id -> name."""
    query = select(Channel.id, Channel.name).where(
        Channel.active_from <= week.sunday,
        or_(Channel.active_to.is_(None), Channel.active_to >= week.monday),
    )
    if unit_code is not None:
        unit = find_unit(session, unit_code)
        query = query.where(Channel.unit_id.in_(subtree_ids(session, unit.id)))
    found = {cid: name for cid, name in session.execute(query.order_by(Channel.id))}
    if channel_ids:
        wanted = sorted(set(channel_ids))
        missing = [c for c in wanted if c not in found]
        if missing:
            raise NotFound(
                N_("Channels %(channels)s are not in unit %(unit)s or not active in %(week)s")
                if unit_code
                else N_("Channels %(channels)s do not exist or are not active in %(week)s"),
                code="plan.channels",
                channels=", ".join(map(str, missing)),
                unit=unit_code,
                week=str(week),
            )
        found = {c: found[c] for c in wanted}
    if not found:
        raise NotFound(
            N_("No channel of %(unit)s is active in %(week)s"),
            code="plan.no_channel",
            unit=unit_code or "-",
            week=str(week),
        )
    return found


def _check_library(session: Session, week: Week) -> None:
    usable = session.scalar(
        select(func.count(Programme.id)).where(
            Programme.approved_at.is_not(None),
            Programme.duration_seconds > 0,
            or_(Programme.valid_from.is_(None), Programme.valid_from <= week.sunday),
            or_(Programme.valid_to.is_(None), Programme.valid_to >= week.monday),
        )
    )
    if not usable:
        raise Invalid(
            N_("The library has no approved programme that is valid in %(week)s"),
            code="empty_library",
            week=str(week),
        )


def _check_published(session: Session, week: Week, names: dict[int, str], force: bool) -> None:
    if force:
        return
    ids = list(names)
    published: list[int] = []
    for part in load._chunks(ids):
        published += session.scalars(
            select(WeekSchedule.channel_id).where(
                WeekSchedule.week_key == week.key,
                WeekSchedule.state == "published",
                WeekSchedule.channel_id.in_(part),
            )
        )
    if published:
        sample = ", ".join(names[c] for c in sorted(published)[:3])
        more = f" (+{len(published) - 3})" if len(published) > 3 else ""
        raise InvalidState(
            N_(
                "%(week)s is already published for %(count)s channels (%(sample)s);"
                " use --force to amend it"
            ),
            code="published",
            week=str(week),
            count=len(published),
            sample=sample + more,
        )


def _named(cid: int, note: Message, names: dict[int, str]) -> Message:
    """A note about a channel, headed by its name: 'Đài xã X: ...'."""
    return message(N_("%(channel)s: %(note)s"), channel=names.get(cid, f"#{cid}"), note=note)


def plan_week(  # noqa: PLR0913 - the planner's entry point; callers name its options
    session: Session,
    settings: Settings,
    week: Week | str,
    unit_code: str | None,
    channel_ids: list[int] | None = None,
    publish: bool = False,
    force: bool = False,
    user: str = "planner",
    fill: bool = True,
    copy_from: Week | str | None = None,
    budget: int | None = DEFAULT_BUDGET,
    replan: bool = False,
) -> PlanResult:
    """Fill the week of every channel of the area so that its rules are met; explain the rest.

    Checks everything first (week, unit, channels, library, published weeks), so that a refusal
    writes nothing; the caller owns the transaction. With copy_from, that week's items are first
    copied into the matching empty slots ("copy forward, then fill what is missing"). With
    replan, the week's unpinned items without a confirmed airing are taken out first, so the
    planner places them again (pinned items always stay).
    """
    clock = time.perf_counter()
    session.flush()  # the bulk reads below go straight to the connection
    w = _week(week)
    source = _week(copy_from) if copy_from is not None else None
    if source == w:
        raise Invalid(N_("The source week is the week being planned"), code="plan.copy_same_week")
    names = select_channels(session, w, unit_code, channel_ids)
    _check_library(session, w)
    _check_published(session, w, names, force)
    ids = list(names)
    result = PlanResult(str(w), unit_code, len(ids), channel_names=names)
    result.timings["check"] = time.perf_counter() - clock
    clock = time.perf_counter()
    result.schedules_created = write.materialise_missing(session, settings, w, ids, user)
    if replan:
        result.removed = write.clear_unpinned(session, w, ids, user)
    result.timings["materialise"] = time.perf_counter() - clock
    clock = time.perf_counter()
    channels = load.channel_facts(session, ids)
    programmes = load.programme_facts(session)
    recent = load.recent_programmes(session, ids, w, settings.planning.no_repeat_weeks)
    period_items = load.period_items(session, channels, w, settings.rules, programmes)

    def facts_now() -> WeekFacts:
        return WeekFacts(
            week=w,
            rules=settings.rules,
            no_repeat_weeks=settings.planning.no_repeat_weeks,
            channels=channels,
            slots=load.week_slots(session, ids, w),
            programmes=programmes,
            recent=recent,
            period_items=period_items,
            target_margin_percent=settings.planning.target_margin_percent,
        )

    if source is not None:
        result.before_copy = week_status(facts_now())
        result.copied, skipped = copy.copy_forward(
            session, settings, source, w, {c.id: c.languages for c in channels}, programmes, user
        )
        result.copy_skipped = [_named(cid, note, names) for cid, note in skipped]
    facts = facts_now()
    result.timings["load"] = time.perf_counter() - clock
    clock = time.perf_counter()
    planned = plan_facts(settings, facts, fill=fill, budget=budget)
    result.timings["solve"] = time.perf_counter() - clock
    clock = time.perf_counter()
    placements = [
        (cid, pl.slot_id, pl.programme_id, pl.phase)
        for cid, plan in planned.plans.items()
        for pl in plan.placements
    ]
    # Within a slot, what the planner adds airs emergency first, then priority, then the rest.
    order = {pl: i for i, pl in enumerate(placements)}
    rank = {p.id: RANKS.get(p.priority, 2) for p in programmes.values()}
    placements.sort(key=lambda pl: (pl[1], rank[pl[2]], order[pl]))
    next_position = {s.id: s.next_position for slots in facts.slots.values() for s in slots}
    result.items_added = write.insert_items(session, w, placements, next_position, user)
    result.before, result.after, result.shortfalls = (
        planned.before, planned.after, planned.shortfalls
    )  # fmt: skip
    result.excess, result.free = planned.excess, planned.free
    if publish:
        result.published = write.publish(session, w, ids, user)
    session.flush()
    session.expire_all()  # the bulk statements bypassed the ORM's loaded objects
    result.timings["write"] = time.perf_counter() - clock
    return result
