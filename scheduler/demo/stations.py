"""The demo province's stations: its radio and TV, area hubs and commune stations."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.areas import subtree_ids
from scheduler.models import (
    AdminUnit,
    Channel,
    ChannelLanguage,
    SlotPattern,
)

DEMO_PREFIX = "DEMO-"
MINORITY = ("tay", "nung", "dao", "hmn")
UNSERVED_LANGUAGE = "thai"  # no demo programme is in it: one station stays short, with a cause


def demo_present(session: Session) -> bool:
    """True when demo channels exist already."""
    query = select(Channel.id).where(Channel.code.like(f"{DEMO_PREFIX}%")).limit(1)
    return session.scalar(query) is not None


def full_name(unit: AdminUnit) -> str:
    """'Tân Cương' of type 'Xã' -> 'Xã Tân Cương' (names may already carry their type)."""
    kind = unit.unit_type or ""
    return unit.name if not kind or unit.name.startswith(kind) else f"{kind} {unit.name}"


def station_name(commune: AdminUnit) -> str:
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


def communes_of(session: Session, province: AdminUnit) -> list[AdminUnit]:
    """The province's communes and wards, by code."""
    return list(
        session.scalars(
            select(AdminUnit)
            .where(AdminUnit.id.in_(subtree_ids(session, province.id)))
            .where(AdminUnit.level == "commune")
            .order_by(AdminUnit.code)
        )
    )


def build_stations(
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
                session, f"{DEMO_PREFIX}{commune.code}", station_name(commune),
                "commune_radio", commune, languages, patterns, opened,
            )
        )  # fmt: skip
    session.flush()
    return channels
