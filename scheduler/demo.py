"""Build a realistic demo province: stations, slot patterns, a library and weeks of airings.

The library grows week by week (scheduler.demo_library), as media centres produce new
programmes; stations fill their weeks by hand with what is new, so past weeks meet most rules
with realistic misses, and the planner still finds fresh programmes for this week and the next.
Everything after the stations is written with bulk statements (one per table).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import AuditEntry
from scheduler.areas import find_unit, subtree_ids
from scheduler.config import Settings
from scheduler.demo_airings import DemoSlot, airings_for_slot, confirmation_lag
from scheduler.demo_library import LibraryItem, build_library
from scheduler.errors import N_, InvalidState, NotFound
from scheduler.models import (
    AdminUnit,
    Airing,
    Channel,
    ChannelLanguage,
    ScheduledItem,
    Slot,
    SlotPattern,
    WeekSchedule,
)
from scheduler.periods import Week, local_date_of, local_to_utc

DEMO_PREFIX = "DEMO-"
MINORITY = ("tay", "nung", "dao", "hmn")
UNSERVED_LANGUAGE = "thai"  # no demo programme is in it: one station stays short, with a cause
# Bulletins named for a time of day go into slots at that time (local hour range).
DAYPARTS = {" sáng": (0, 11), " trưa": (11, 14), " chiều": (12, 19), " tối": (17, 24)}


@dataclass
class DemoSummary:
    """What the demo created."""

    channels: int = 0
    programmes: int = 0
    weeks: int = 0
    items: int = 0
    airings: int = 0
    unconfirmed: int = 0
    next_week: str = ""  # the draft week left for the planner
    showcase_channel: int = 0  # the station of the demo broadcaster (first commune station)

    def __str__(self) -> str:
        return (
            f"{self.channels} channels, {self.programmes} programmes, {self.weeks} channel-weeks, "
            f"{self.items} scheduled items, {self.airings} airings, "
            f"{self.unconfirmed} past items left unconfirmed"
        )


def demo_present(session: Session) -> bool:
    """True when demo channels exist already."""
    query = select(Channel.id).where(Channel.code.like(f"{DEMO_PREFIX}%")).limit(1)
    return session.scalar(query) is not None


def _full_name(unit: AdminUnit) -> str:
    """'Tân Cương' of type 'Xã' -> 'Xã Tân Cương' (names may already carry their type)."""
    kind = unit.unit_type or ""
    return unit.name if not kind or unit.name.startswith(kind) else f"{kind} {unit.name}"


def _station_name(commune: AdminUnit) -> str:
    """Station name as officials write it: "Đài truyền thanh xã Tân Cương"."""
    kind = (commune.unit_type or "").lower()
    return f"Đài truyền thanh {kind} {commune.name}".replace("  ", " ")


def _channel(
    session: Session,
    code: str,
    name: str,
    kind: str,
    unit: AdminUnit,
    languages: list[str],
    patterns: list[tuple[str, dt.time, int]],
    active_from: dt.date,
) -> Channel:
    ch = Channel(
        code=code,
        name=name,
        kind=kind,
        unit_id=unit.id,
        active_from=active_from,
        language_links=[ChannelLanguage(language=lang) for lang in languages],
        patterns=[
            SlotPattern(weekdays=d, start_time=t, duration_minutes=m, valid_from=active_from)
            for d, t, m in patterns
        ],
    )
    session.add(ch)
    return ch


def _communes(session: Session, province: AdminUnit) -> list[AdminUnit]:
    """The province's communes and wards, by code."""
    return list(
        session.scalars(
            select(AdminUnit)
            .where(AdminUnit.id.in_(subtree_ids(session, province.id)))
            .where(AdminUnit.level == "commune")
            .order_by(AdminUnit.code)
        )
    )


def _stations(
    session: Session,
    province: AdminUnit,
    communes: list[AdminUnit],
    rng: random.Random,
    start: dt.date,
) -> list[Channel]:
    """Provincial radio and TV, three area radios and stations for ~90% of communes."""
    short = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    t = dt.time
    channels = [
        _channel(
            session, f"{DEMO_PREFIX}PT-{province.code}", f"Đài PT-TH {short} – Phát thanh",
            "provincial_radio", province, ["vi", "tay"],
            [("1234567", t(5, 30), 60), ("1234567", t(11, 30), 30), ("1234567", t(18, 0), 60)],
            start,
        ),
        _channel(
            session, f"{DEMO_PREFIX}TH-{province.code}", f"Đài PT-TH {short} – Truyền hình",
            "provincial_tv", province, ["vi"],
            [("1234567", t(19, 45), 30), ("67", t(20, 30), 30)], start,
        ),
    ]  # fmt: skip
    for hub in rng.sample(communes, min(3, len(communes))):
        channels.append(
            _channel(
                session, f"{DEMO_PREFIX}KV-{hub.code}",
                f"Đài truyền thanh khu vực {hub.name.removeprefix('Xã ').removeprefix('Phường ')}",
                "district_radio", province, ["vi"],
                [("1234567", t(11, 0), 30), ("12345", t(17, 0), 30)], start,
            )
        )  # fmt: skip
    showcase = True
    unserved = True  # a station (not the showcase) airs a language the library has nothing in
    for commune in communes:
        if rng.random() > 0.9:
            continue  # about one commune in ten has no station yet
        languages = ["vi"]
        if rng.random() < 0.2:
            languages.append(rng.choice(MINORITY))
        patterns = [("123456", t(6, 0), 30)]
        if rng.random() < 0.8:
            patterns.append(("12345", t(17, 30), 30))
        opened = start if rng.random() > 0.05 else start + dt.timedelta(weeks=rng.randint(2, 5))
        if showcase:
            # The demo broadcaster's station (the first by code, as `loa users demo` picks it)
            # airs every day, morning and evening, so that every day has something to confirm.
            patterns = [("1234567", t(6, 0), 30), ("1234567", t(17, 30), 30)]
            opened, showcase = start, False
        elif unserved and opened == start:
            # A shortfall to show: no programme in Thái yet, whatever the planner does.
            languages, unserved = ["vi", UNSERVED_LANGUAGE], False
        channels.append(
            _channel(
                session, f"{DEMO_PREFIX}{commune.code}", _station_name(commune),
                "commune_radio", commune, languages, patterns, opened,
            )
        )  # fmt: skip
    session.flush()
    return channels


def _materialise(
    session: Session,
    settings: Settings,
    channels: list[Channel],
    weeks: list[Week],
    this_week: Week,
    actor: str,
) -> dict[tuple[int, Week], list[DemoSlot]]:
    """Every channel's schedules for the weeks, as schedules.materialise_week makes them.

    Weeks up to this one are published (on the Friday before); later weeks stay drafts.
    """
    zone = settings.zone
    keys = [(ch, w) for ch in channels for w in weeks]
    rows = []
    for ch, w in keys:
        published = w <= this_week
        rows.append(
            {
                "channel_id": ch.id,
                "week_key": w.key,
                "week_start": w.monday,
                "state": "published" if published else "draft",
                "version": 2 if published else 1,
                "published_by": actor if published else None,
                "published_at": dt.datetime.combine(
                    w.monday - dt.timedelta(days=3), dt.time(9), tzinfo=zone
                ) if published else None,
            }
        )  # fmt: skip
    schedule_ids = insert_ids(session, WeekSchedule, rows)
    slot_rows: list[dict[str, object]] = []
    counts: list[int] = []
    for (ch, w), sid in zip(keys, schedule_ids, strict=True):
        before = len(slot_rows)
        for day in w.days():
            if not ch.active_on(day):
                continue
            for pattern in ch.patterns:
                if pattern.applies_on(day):
                    slot_rows.append(
                        {
                            "schedule_id": sid,
                            "channel_id": ch.id,
                            "pattern_id": pattern.id,
                            "starts_at": local_to_utc(day, pattern.start_time, zone),
                            "local_date": day,
                            "duration_minutes": pattern.duration_minutes,
                        }
                    )
        counts.append(len(slot_rows) - before)
    slot_ids = iter(insert_ids(session, Slot, slot_rows))
    audit: list[dict[str, object]] = []
    out: dict[tuple[int, Week], list[DemoSlot]] = {}
    position = 0
    for (ch, w), sid, n, row in zip(keys, schedule_ids, counts, rows, strict=True):
        part = slot_rows[position : position + n]
        position += n
        out[(ch.id, w)] = [
            DemoSlot(
                next(slot_ids), r["starts_at"], r["local_date"], r["duration_minutes"] * 60, []
            )  # type: ignore[arg-type, operator]  # noqa: E501
            for r in part
        ]
        audit.append(_audit(actor, "schedule.materialise", sid, None,
                            {"channel_id": ch.id, "week": str(w), "slots": n}))  # fmt: skip
        if row["state"] == "published":
            audit.append(_audit(actor, "schedule.publish", sid, {"state": "draft", "version": 1},
                                {"state": "published", "version": 2}))  # fmt: skip
    session.connection().execute(AuditEntry.__table__.insert(), audit)
    return out


def insert_ids(session: Session, model: type, rows: list[dict[str, object]]) -> list[int]:
    """Insert rows in bulk and return their ids in order.

    SQLite answers an ordered RETURNING with one statement per row, so there the ids are given
    explicitly from max(id) + 1: the transaction already wrote (the library), so SQLite holds the
    database's write lock and no other writer can take them. Elsewhere: INSERT ... RETURNING.
    """
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(stmt, rows).scalars())
    start = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    ids = list(range(start, start + len(rows)))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    conn.execute(table.insert(), rows)
    return ids


def _audit(
    actor: str, action: str, entity_id: int, before: dict | None, after: dict
) -> dict[str, object]:
    """An audit_log row for a schedule (as content.audit.record writes it)."""
    return {"actor": actor, "action": action, "entity": "week_schedule", "entity_id": entity_id,
            "before": before, "after": after}  # fmt: skip


# What a station looks for: (topic, or "lang" for its minority language; type; minutes range).
Want = tuple[str, str | None, tuple[int, int] | None]


def _musts(kind: str, minority: bool, rng: random.Random) -> list[Want]:
    """What a station puts in its week on purpose; sometimes it forgets (realistic misses)."""
    wants: list[Want] = []
    if kind == "commune_radio":
        r = rng.random()
        wants += [("ntm", None, None)] * (0 if r < 0.1 else 1 if r < 0.35 else 2)
        if minority:
            r = rng.random()
            wants += [("lang", None, None)] * (0 if r < 0.08 else 1 if r < 0.7 else 2)
    elif kind == "district_radio":
        if rng.random() < 0.85:
            wants.append(("ntm", "chuyen_muc", None))
        r = rng.random()
        poverty: Want = ("giam_ngheo_thong_tin", None, (10, 15))
        wants += [poverty] * (0 if r < 0.1 else 1 if r < 0.7 else 2)
    elif kind == "provincial_radio":
        wants += [("ntm", None, None)] * rng.randint(2, 4)
    elif rng.random() < 0.9:
        wants.append(("ntm", None, None))
    return wants


def _matches(p: LibraryItem, want: Want) -> bool:
    """True when the programme is what the station looks for."""
    topic, ptype, minutes = want
    if topic == "lang":
        if p.language == "vi":
            return False
    elif topic not in p.topics:
        return False
    if ptype is not None and p.ptype != ptype:
        return False
    return minutes is None or minutes[0] * 60 <= p.seconds <= minutes[1] * 60


def _fill_week(
    slots: list[DemoSlot],
    fresh: list[LibraryItem],
    pool: list[LibraryItem],
    wants: list[Want],
    fullness: float,
    rng: random.Random,
    zone: dt.tzinfo,
) -> None:
    """Fill a week the way a station does by hand: what the rules ask for, then what fits.

    New programmes (fresh) go first; the rest of the airtime takes fresh and older programmes
    alike, repeats included, until the slot is nearly full (fullness < 1: a draft in progress);
    what the weekly rules ask for rarely comes in by chance, so a forgotten one is a miss.
    """
    used: set[int] = set()
    for want in wants:
        options = [p for p in fresh if p.id not in used and _matches(p, want)]
        if not options:
            options = [p for p in pool if p.id not in used and _matches(p, want)]
        rng.shuffle(options)
        for p in options:
            fits = [s for s in slots if p.valid_on(s.local_date) and _free(s) >= p.seconds
                    and _daypart_fits(p, s, zone)]  # fmt: skip
            if fits:
                rng.choice(fits).picks.append(p)
                used.add(p.id)
                break
    for slot in slots:
        free = _free(slot) - int(slot.seconds * (1 - fullness))
        for _ in range(10):
            if free < 180:
                break
            p = rng.choice(fresh if fresh and rng.random() < 0.5 else pool)
            if _ruled(p) and rng.random() < 0.85:
                continue  # what the rules ask for is placed on purpose, rarely by chance
            if (p.seconds <= free and p not in slot.picks and p.valid_on(slot.local_date)
                    and _daypart_fits(p, slot, zone)):  # fmt: skip
                slot.picks.append(p)
                free -= p.seconds
        rng.shuffle(slot.picks)


def _daypart_fits(p: LibraryItem, slot: DemoSlot, zone: dt.tzinfo) -> bool:
    """False when the title names a time of day the slot is not at ("... sáng" at 17:30)."""
    for suffix, (start, end) in DAYPARTS.items():
        if p.title.endswith(suffix):
            return start <= slot.starts_at.astimezone(zone).hour < end
    return True


def _ruled(p: LibraryItem) -> bool:
    """True for what the weekly rules look for (NTM, minority languages)."""
    return "ntm" in p.topics or p.language != "vi"


def _free(slot: DemoSlot) -> int:
    """Seconds of the slot not yet taken."""
    return slot.seconds - sum(p.seconds for p in slot.picks)


def _pools(
    library: list[LibraryItem], langs: frozenset[str], week: Week, draft: bool, recent: set[int]
) -> tuple[list[LibraryItem], list[LibraryItem]]:
    """What a station may air in the week, and what of it is new (this or last week's batch).

    For a draft week only the routine (news bulletins, relays) and nothing new.
    """
    pool = [p for p in library if p.language in langs and p.valid_in(week)]
    if draft:
        return [p for p in pool if p.topics == {"thoi_su"}] or pool, []
    return pool, [p for p in pool if p.batch in recent]


def build_demo(
    session: Session,
    settings: Settings,
    province_code: str,
    actor: str = "demo",
    past_weeks: int = 8,
    seed: int = 2026,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Create the demo in the caller's transaction; the province's units must be imported.

    Past weeks and this week are published and filled; next week is a draft half filled by
    hand, left for the planner (`loa plan`) to complete. Today's slots are not confirmed yet,
    this week's earlier days partly (the showcase station, the demo broadcaster's, more so).
    """
    if demo_present(session):
        raise InvalidState(N_("The demo data is already present"), code="demo.present")
    province = find_unit(session, province_code)
    if province.level != "province":
        raise NotFound(
            N_("Unit %(unit)s is not a province"), code="demo.province", unit=province_code
        )
    rng = random.Random(seed)
    now = now or utcnow()
    this_week = Week.of(local_date_of(now, settings.zone))
    weeks = [this_week.shift(k) for k in range(-past_weeks, 2)]
    summary = DemoSummary(next_week=str(weeks[-1]))
    communes = _communes(session, province)
    # Rural communes are the subjects of the NTM stories ("Xã Tân Cương"), not urban wards.
    names = [_full_name(c) for c in communes if (c.unit_type or "Xã") == "Xã"] or [
        _full_name(c) for c in communes
    ]
    library = build_library(session, rng, actor, weeks, now, settings.zone, names, DEMO_PREFIX)
    summary.programmes = len(library)
    channels = _stations(session, province, communes, rng, weeks[0].monday)
    summary.channels = len(channels)
    slots = _materialise(session, settings, channels, weeks, this_week, actor)
    summary.weeks = len(slots)
    recent = {w: {weeks[i].key, weeks[max(0, i - 1)].key} for i, w in enumerate(weeks)}
    pools: dict[tuple[frozenset[str], Week], tuple[list[LibraryItem], list[LibraryItem]]] = {}
    plan: list[tuple[Channel, float, list[DemoSlot]]] = []
    for channel in channels:
        langs = frozenset(channel.languages)
        minority = bool(langs - {"vi"})
        reliability = rng.choice((0.97, 0.93, 0.9, 0.85, 0.7))
        for w in weeks:
            week_slots = slots[(channel.id, w)]
            if not week_slots:
                continue
            if (langs, w) not in pools:  # channels with the same languages share their pools
                pools[(langs, w)] = _pools(library, langs, w, w > this_week, recent[w])
            pool, fresh = pools[(langs, w)]
            if w <= this_week:
                wants = _musts(channel.kind, minority, rng)
                _fill_week(week_slots, fresh, pool, wants, 1.0, rng, settings.zone)
            else:
                # Next week: a draft begun by hand with the daily routine (news, relays); the
                # rest is left for the planner.
                _fill_week(week_slots, [], pool, [], 0.5, rng, settings.zone)
            plan.append((channel, reliability, week_slots))
    item_rows = [
        {"slot_id": s.id, "programme_id": p.id, "position": i, "pinned": False, "added_by": actor}
        for _, _, week_slots in plan
        for s in week_slots
        for i, p in enumerate(s.picks)
    ]
    ids = iter(insert_ids(session, ScheduledItem, item_rows))
    summary.items = len(item_rows)
    rows: list[dict[str, object]] = []
    today = local_date_of(now, settings.zone)
    summary.showcase_channel = next(c.id for c in channels if c.kind == "commune_radio")
    for channel, reliability, week_slots in plan:
        for slot in week_slots:
            pairs = [(next(ids), p) for p in slot.picks]
            if slot.starts_at < now:
                showcase = channel.id == summary.showcase_channel
                lag = confirmation_lag(slot, today, this_week, showcase)
                summary.unconfirmed += airings_for_slot(
                    settings, channel, slot, pairs, reliability, rng, now, rows, lag
                )
    if rows:
        session.connection().execute(Airing.__table__.insert(), rows)
    summary.airings = len(rows)
    session.flush()
    return summary
