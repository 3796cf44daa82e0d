"""The demo's airing log: stations confirm mostly what aired, some misses, some late.

Broadcasters confirm after the fact, so the most recent slots are the ones still open.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from scheduler.config import Settings
from scheduler.demo.library import LibraryItem
from scheduler.models import Channel
from scheduler.periods import Week, local_date_of

REASONS = ("mat_dien", "hong_thiet_bi", "phat_tin_khan", "thien_tai", "khong_nhan_duoc_noi_dung")


@dataclass(slots=True)
class DemoSlot:
    """A materialised slot, as the filler and the airing log need it."""

    id: int
    starts_at: dt.datetime
    local_date: dt.date
    seconds: int
    picks: list[LibraryItem]


def confirmation_lag(slot: DemoSlot, today: dt.date, this_week: Week, showcase: bool) -> float:
    """The share of a slot's items nobody has confirmed yet, besides the usual few.

    Broadcasters confirm after the fact: today's slots are all still open, this week's earlier
    days partly (the demo broadcaster's station more, so there is something to do).
    """
    if slot.local_date >= today:
        return 1.0
    if slot.local_date >= this_week.monday:
        return 0.3 if showcase else 0.12
    return 0.0


def airings_for_slot(  # noqa: PLR0913 - a demo slot's facts, one per parameter
    settings: Settings,
    channel: Channel,
    slot: DemoSlot,
    pairs: list[tuple[int, LibraryItem]],
    reliability: float,
    rng: random.Random,
    now: dt.datetime,
    rows: list[dict[str, object]],
    lag: float = 0.0,
) -> int:
    """Confirm a slot's items the way stations really do: mostly aired, some misses.

    Appends airing rows; returns how many items were left unconfirmed.
    """
    unconfirmed = 0
    offset = 0
    broadcaster = f"bt.{channel.code.lower()}" if channel.code else "bt"
    power_cut = rng.random() > reliability
    reason = rng.choice(REASONS)
    zone = settings.zone
    for item_id, programme in pairs:
        start = slot.starts_at + dt.timedelta(seconds=offset)
        offset += programme.seconds
        r = rng.random()
        lagging = lag >= 1.0 or (lag > 0 and rng.random() < lag)
        if lagging or (r < 0.06 and not power_cut):
            unconfirmed += 1
            continue  # nobody confirmed it (yet)
        if power_cut:
            status, seconds = "not_aired", 0
        elif r < 0.12:
            status = "partial"
            seconds = int(programme.seconds * rng.uniform(0.3, 0.9))
        elif r < 0.13:
            status, seconds = "cancelled", 0
        else:
            status, seconds = "aired", programme.seconds
        local = local_date_of(start, zone)
        rows.append(
            dict(
                channel_id=channel.id,
                scheduled_item_id=item_id,
                programme_id=programme.id,
                status=status,
                started_at=start,
                local_date=local,
                week_key=Week.of(local).key,
                duration_seconds=seconds,
                reason_code=reason if status in ("not_aired", "cancelled") else None,
                reason_text="Mất điện cả thôn" if power_cut and reason == "mat_dien" else None,
                client_ref=None,
                source="demo",
                confirmed_by=broadcaster,
                confirmed_at=min(start + dt.timedelta(hours=rng.randint(1, 30)), now),
            )
        )
    if pairs and lag < 1.0 and rng.random() < 0.04:
        extra = rng.choice(pairs)[1]  # aired again after the slot, unplanned
        start = slot.starts_at + dt.timedelta(seconds=slot.seconds + 300)
        if start >= now or not extra.valid_on(local_date_of(start, zone)):
            return unconfirmed
        local = local_date_of(start, zone)
        rows.append(
            dict(
                channel_id=channel.id,
                scheduled_item_id=None,
                programme_id=extra.id,
                status="aired",
                started_at=start,
                local_date=local,
                week_key=Week.of(local).key,
                duration_seconds=extra.seconds,
                reason_code=None,
                reason_text=None,
                client_ref=None,
                source="demo",
                confirmed_by=broadcaster,
                confirmed_at=min(start + dt.timedelta(hours=2), now),
            )
        )
    return unconfirmed
