"""How the demo's stations fill their weeks by hand: what each must air, from which pools."""

from __future__ import annotations

import datetime as dt
import random

from scheduler.demo.airings import DemoSlot
from scheduler.demo.library import LibraryItem
from scheduler.periods import Week

# Bulletins named for a time of day go into slots at that time (local hour range).
DAYPARTS = {" sáng": (0, 11), " trưa": (11, 14), " chiều": (12, 19), " tối": (17, 24)}


# What a station looks for: (topic, or "lang" for its minority language; type; minutes range).
Want = tuple[str, str | None, tuple[int, int] | None]


def musts(kind: str, minority: bool, rng: random.Random) -> list[Want]:
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


def matches(p: LibraryItem, want: Want) -> bool:
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


def fill_week(
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
        options = [p for p in fresh if p.id not in used and matches(p, want)]
        if not options:
            options = [p for p in pool if p.id not in used and matches(p, want)]
        rng.shuffle(options)
        for p in options:
            fits = [s for s in slots if p.valid_on(s.local_date) and free_seconds(s) >= p.seconds
                    and daypart_fits(p, s, zone)]  # fmt: skip
            if fits:
                rng.choice(fits).picks.append(p)
                used.add(p.id)
                break
    for slot in slots:
        free = free_seconds(slot) - int(slot.seconds * (1 - fullness))
        for _ in range(10):
            if free < 180:
                break
            p = rng.choice(fresh if fresh and rng.random() < 0.5 else pool)
            if ruled(p) and rng.random() < 0.85:
                continue  # what the rules ask for is placed on purpose, rarely by chance
            if (p.seconds <= free and p not in slot.picks and p.valid_on(slot.local_date)
                    and daypart_fits(p, slot, zone)):  # fmt: skip
                slot.picks.append(p)
                free -= p.seconds
        rng.shuffle(slot.picks)


def daypart_fits(p: LibraryItem, slot: DemoSlot, zone: dt.tzinfo) -> bool:
    """False when the title names a time of day the slot is not at ("... sáng" at 17:30)."""
    for suffix, (start, end) in DAYPARTS.items():
        if p.title.endswith(suffix):
            return start <= slot.starts_at.astimezone(zone).hour < end
    return True


def ruled(p: LibraryItem) -> bool:
    """True for what the weekly rules look for (NTM, minority languages)."""
    return "ntm" in p.topics or p.language != "vi"


def free_seconds(slot: DemoSlot) -> int:
    """Seconds of the slot not yet taken."""
    return slot.seconds - sum(p.seconds for p in slot.picks)


def pools_for(
    library: list[LibraryItem], langs: frozenset[str], week: Week, draft: bool, recent: set[int]
) -> tuple[list[LibraryItem], list[LibraryItem]]:
    """What a station may air in the week, and what of it is new (this or last week's batch).

    For a draft week only the routine (news bulletins, relays) and nothing new.
    """
    pool = [p for p in library if p.language in langs and p.valid_in(week)]
    if draft:
        return [p for p in pool if p.topics == {"thoi_su"}] or pool, []
    return pool, [p for p in pool if p.batch in recent]
