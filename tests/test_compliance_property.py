"""Property tests: the engine agrees with the plain reference on random data, on each backend."""

from __future__ import annotations

import dataclasses
import datetime as dt
from unittest import mock

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from scheduler.compliance import aggregate, evaluate
from scheduler.config import Rule, Settings
from scheduler.periods import Period, Week
from tests import factories as f
from tests.compliance_data import airing, channel_with_languages, clear, item
from tests.compliance_reference import reference

NOW = dt.datetime(2026, 1, 21, 18, tzinfo=dt.UTC)  # Thursday 22 Jan in Hà Nội, 2026-W04
FIRST = dt.date(2025, 12, 22)  # data spans 2025-W52 .. 2026-W06
DAYS = 7 * 7
TOPICS = ["ntm", "ocop", "y_te"]
TYPES = ["tin", "chuyen_muc", "phong_su"]
LANGS = ["vi", "hmn", "tay"]
KINDS = ["commune_radio", "district_radio"]
CHANNEL_KINDS = ["commune_radio", "commune_radio", "district_radio"]
WINDOWS = ["2026-01", "2026-Q1", "2025-12", "2026-W01", "2025-12-20..2026-02-10", "2026-W02"]

rules_st = st.builds(
    lambda i, kinds, topics, types, langs, lo, span, period, minimum, extra, count, basis, unit: (
        Rule(
            id=f"r{i}",
            name_vi="Quy định",
            name_en="Rule",
            source="test",
            channel_kinds=tuple(kinds),
            period=period,
            minimum=minimum,
            target=None if extra is None else minimum + extra,
            topics=tuple(topics),
            programme_types=tuple(types),
            languages=tuple(langs),
            min_duration_minutes=lo,
            max_duration_minutes=None if lo is None or span is None else lo + span,
            count=count,
            basis=basis,
            unit=unit,
        )
    ),
    st.integers(0, 10**6),
    st.one_of(st.just(KINDS), st.lists(st.sampled_from(KINDS), min_size=1, unique=True)),
    st.one_of(st.just([]), st.lists(st.sampled_from(TOPICS), max_size=2, unique=True)),
    st.one_of(st.just([]), st.lists(st.sampled_from(TYPES), max_size=1, unique=True)),
    st.one_of(st.just([]), st.just(["channel"]), st.just(["vi"]), st.just(["channel", "vi"])),
    st.one_of(st.none(), st.sampled_from([3.0, 5.0, 10.0])),
    st.one_of(st.none(), st.sampled_from([2.0, 6.0])),
    st.sampled_from(["week", "month", "quarter", "half", "year"]),
    st.integers(0, 3),
    st.one_of(st.none(), st.integers(0, 2)),
    st.sampled_from(["airings", "distinct_programmes", "minutes"]),
    st.sampled_from(["aired", "planned"]),
    st.sampled_from([None, None, None, "90001", "90002"]),
)

channel_st = st.tuples(
    st.sampled_from(CHANNEL_KINDS),
    st.sampled_from(["P", "A", "B"]),
    st.lists(st.sampled_from(LANGS[1:]), max_size=2, unique=True),
    st.integers(-30, DAYS // 2),  # opening day offset
    st.one_of(st.none(), st.integers(0, DAYS)),  # closing day offset
)
programme_st = st.tuples(
    st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True),
    st.sampled_from(TYPES),
    st.sampled_from(LANGS),
    st.sampled_from([120, 300, 420, 600, 900]),
)
event_st = st.tuples(
    st.integers(0, 3),  # channel index (mod)
    st.integers(0, 9),  # programme index (mod)
    st.integers(0, DAYS - 1),  # day offset
    st.sampled_from([dt.time(5, 30), dt.time(12, 0), dt.time(23, 30)]),
    st.sampled_from(["aired", "aired", "partial", "partial", "not_aired", "cancelled", "none"]),
    st.booleans(),  # planned (has a scheduled item)
    st.sampled_from([0.2, 0.5, 0.95]),  # partial share
    st.sampled_from([None, None, None, "delete", "unlink"]),  # what later happens to the airing
)


def _build(session: Session, cfg: Settings, chans, progs, events) -> None:
    zone = cfg.zone
    province = f.unit(
        session, "Tỉnh Thử", level="province", code="90", valid_from=dt.date(2020, 1, 1)
    )
    units = {
        "P": province,
        "A": f.unit(session, "Xã A", parent=province, code="90001", valid_from=dt.date(2020, 1, 1)),
        "B": f.unit(session, "Xã B", parent=province, code="90002", valid_from=dt.date(2020, 1, 1)),
    }
    channels = []
    for kind, where, langs, opened, closed in chans:
        start = FIRST + dt.timedelta(days=opened)
        end = None if closed is None else max(start, FIRST + dt.timedelta(days=closed))
        channels.append(
            channel_with_languages(session, units[where], kind, ("vi", *langs), start, end)
        )
    programmes = [
        f.programme(session, f"P{i}", tuple(t), ptype, lang, secs)
        for i, (t, ptype, lang, secs) in enumerate(progs)
    ]
    used: set[tuple[int, dt.datetime]] = set()
    for ci, pi, day_off, at, status, planned, share, later in events:
        ch = channels[ci % len(channels)]
        prog = programmes[pi % len(programmes)]
        day = FIRST + dt.timedelta(days=day_off)
        si = None
        start = dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)
        if (ch.id, start) in used:
            continue
        used.add((ch.id, start))
        if planned:
            si = item(session, ch, prog, day, at, zone)
        if status == "none":
            continue
        secs = None
        if status == "partial":
            secs = max(1, int(prog.duration_seconds * share))
        a = airing(session, ch, prog, start, zone, status, secs, si)
        if later == "delete":  # a withdrawn confirmation: the item is unconfirmed again
            session.delete(a)
        elif later == "unlink":  # re-filed as unplanned
            a.scheduled_item_id = None
            a.client_ref = f"unlinked-{a.id}"
        session.flush()
    session.commit()


@hsettings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rules=st.lists(rules_st, min_size=1, max_size=3, unique_by=lambda r: r.id),
    chans=st.lists(channel_st, min_size=1, max_size=4),
    progs=st.lists(programme_st, min_size=1, max_size=6),
    events=st.lists(event_st, min_size=20, max_size=60),
    window=st.sampled_from(WINDOWS),
    unit_code=st.sampled_from([None, None, "90", "90001"]),
    lookup=st.booleans(),
)
def test_engine_matches_reference(
    session: Session, settings: Settings, rules, chans, progs, events, window, unit_code, lookup
) -> None:
    clear(session)
    session.commit()
    cfg = dataclasses.replace(settings, rules=tuple(rules))
    _build(session, cfg, chans, progs, events)
    # PostgreSQL: both ways of finding the slots of items without an airing (slot lookups or a
    # hash join) must give the same answer; SQLite always joins.
    postgres = session.get_bind().dialect.name == "postgresql"
    with mock.patch.object(aggregate, "_few_pending", lambda _conn: lookup and postgres):
        result = evaluate(session, cfg, window, unit_code=unit_code, now=NOW)
    got = {
        (r["rule_id"], r["channel_id"], r["period"]): (
            round(float(r["count"]), 6),
            r["status"],
            r["not_aired"],
            r["unconfirmed"],
        )
        for r in result.rows()
    }
    session.expire_all()
    expected = {
        (r.rule_id, r.channel_id, r.period): (round(r.count, 6), r.status, r.not_aired,
                                              r.unconfirmed)
        for r in reference(session, list(rules), Period.parse(window), NOW, unit_code, cfg.zone)
    }  # fmt: skip
    assert got == expected
    session.rollback()


def test_reference_sees_week_53() -> None:
    """Sanity of the reference's inputs: 2026 has 53 ISO weeks."""
    assert len(Period.parse("2026").weeks()) == 53
    assert Week(2026, 53).thursday == dt.date(2026, 12, 31)
