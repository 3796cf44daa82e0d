"""Named edge cases of the compliance engine (DESIGN.md section 4), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.airings import confirm_item
from scheduler.compliance import evaluate
from scheduler.compliance.classes import ProgrammeFacts, close_classes, open_classes
from scheduler.config import LocaleSettings, Rule, Settings
from scheduler.errors import Invalid, NotFound
from scheduler.periods import Period, Week
from tests import factories as f
from tests.compliance_data import airing, channel_with_languages, item

NOW = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def rule(**kw: object) -> Rule:
    """A weekly commune rule, minimum 1, target 2, with overrides."""
    base: dict[str, object] = dict(
        id="r", name_vi="Quy định", name_en="Rule", source="test",
        channel_kinds=("commune_radio",), period="week", minimum=1, target=2,
    )  # fmt: skip
    base.update(kw)
    return Rule(**base)  # type: ignore[arg-type]


def cfg(settings: Settings, *rules: Rule, zone: str | None = None) -> Settings:
    """Settings with only these rules (and another zone if given)."""
    out = dataclasses.replace(settings, rules=rules)
    if zone:
        out = dataclasses.replace(out, locale=LocaleSettings(timezone=zone))
    return out


def at(day: dt.date, hour: int, minute: int = 0, zone: dt.tzinfo = VN) -> dt.datetime:
    """A local wall-clock time as UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


@pytest.fixture
def commune(session: Session):
    """A province, one commune and its radio station (open since 2020)."""
    province = f.unit(session, "Tỉnh Thử", level="province", code="91")
    unit = f.unit(session, "Xã Thử", parent=province, code="91001")
    ch = channel_with_languages(
        session, unit, "commune_radio", ("vi",), dt.date(2020, 1, 1), name="Đài xã Thử"
    )
    session.commit()
    return ch


def counts(result, rule_id: str = "r") -> dict[str, tuple[float, str]]:
    """period label -> (count, status) of the first channel."""
    cr = result.rule(rule_id).channels[0]
    return {p.label: (p.count, p.status) for p in cr.periods}


def test_2026_has_53_weeks_and_week_53_belongs_to_december(
    session: Session, settings: Settings, commune
) -> None:
    s = cfg(settings, rule(topics=("ntm",)))
    prog = f.programme(session, seconds=600)
    # Saturday 2 January 2027 is in 2026-W53, whose Thursday is 31 December 2026.
    airing(session, commune, prog, at(dt.date(2027, 1, 2), 18), VN)
    session.commit()
    year = evaluate(session, s, "2026", now=NOW)
    assert len(year.rule("r").periods) == 53
    assert counts(year)["2026-W53"] == (1.0, "minimum_met")
    monthly = evaluate(session, cfg(settings, rule(topics=("ntm",), period="month")), "2026-Q4",
                       now=NOW)  # fmt: skip
    assert counts(monthly)["2026-12"] == (1.0, "minimum_met")
    assert evaluate(session, s, "2027-01", now=NOW).rule("r").channels[0].count == 0


def test_weeks_straddling_month_quarter_and_year(
    session: Session, settings: Settings, commune
) -> None:
    prog = f.programme(session, seconds=600)
    # Tuesday 30 December 2025 lies in 2026-W01 (Thursday 1 January 2026).
    airing(session, commune, prog, at(dt.date(2025, 12, 30), 6), VN)
    # Wednesday 1 April 2026 lies in 2026-W14 (Thursday 2 April): Q2, not Q1.
    airing(session, commune, prog, at(dt.date(2026, 4, 1), 6), VN)
    session.commit()
    for kind, inside, outside in [
        ("month", "2026-01", "2025-12"),
        ("quarter", "2026-Q1", "2025-Q4"),
        ("year", "2026", "2025"),
        ("half", "2026-H1", "2025-H2"),
    ]:
        s = cfg(settings, rule(topics=("ntm",), period=kind))
        assert evaluate(session, s, inside, now=NOW).rule("r").channels[0].count >= 1, kind
        assert evaluate(session, s, outside, now=NOW).rule("r").channels[0].count == 0, kind
    q = cfg(settings, rule(topics=("ntm",), period="quarter"))
    assert counts(evaluate(session, q, "2026-Q1", now=NOW))["2026-Q1"][0] == 1.0
    assert counts(evaluate(session, q, "2026-Q2", now=NOW))["2026-Q2"][0] == 1.0


def test_airing_late_at_night_counts_in_its_local_week(
    session: Session, settings: Settings, commune
) -> None:
    prog = f.programme(session, seconds=600)
    sunday = dt.date(2026, 11, 29)  # last day of 2026-W48
    monday = sunday + dt.timedelta(days=1)
    # 05:30 on Monday in Hà Nội is 22:30 UTC on Sunday: the local week (W49) counts.
    si = item(session, commune, prog, monday, dt.time(5, 30), VN)
    session.commit()
    a, _ = confirm_item(session, settings, si.id, "aired", "bt", now=NOW)
    session.commit()
    assert a.started_at.date() == sunday and a.local_date == monday
    result = evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-Q4", now=NOW)
    assert counts(result)["2026-W49"][0] == 1.0 and counts(result)["2026-W48"][0] == 0.0


def test_airing_at_2330_in_a_zone_west_of_utc(session: Session, settings: Settings) -> None:
    la = "America/Los_Angeles"  # 23:30 local on Sunday is Monday in UTC (and DST applies)
    s = cfg(settings, rule(topics=("ntm",)), zone=la)
    province = f.unit(session, "Tỉnh", level="province", code="92")
    unit = f.unit(session, "Xã", parent=province, code="92001")
    ch = channel_with_languages(session, unit, "commune_radio", ("vi",), dt.date(2020, 1, 1))
    prog = f.programme(session, seconds=600)
    sunday = dt.date(2026, 3, 8)  # DST starts in Los Angeles that night
    si = item(session, ch, prog, sunday, dt.time(23, 30), ZoneInfo(la))
    session.commit()
    a, _ = confirm_item(session, s, si.id, "aired", "bt", now=NOW)
    session.commit()
    assert a.started_at.date() == dt.date(2026, 3, 9) and a.local_date == sunday
    result = evaluate(session, s, "2026-03", now=NOW)
    assert counts(result)["2026-W10"][0] == 1.0 and counts(result)["2026-W11"][0] == 0.0


def test_channel_opened_mid_quarter(session: Session, settings: Settings) -> None:
    province = f.unit(session, "Tỉnh", level="province", code="93")
    unit = f.unit(session, "Xã mới", parent=province, code="93001")
    # Opened on Wednesday 18 November 2026 (2026-W47): weeks before it are not applicable.
    ch = channel_with_languages(session, unit, "commune_radio", ("vi",), dt.date(2026, 11, 18))
    prog = f.programme(session, seconds=600)
    for week in (47, 48, 49):
        airing(session, ch, prog, at(Week(2026, week).monday + dt.timedelta(days=3), 6), VN)
    session.commit()
    result = evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-Q4", now=NOW)
    cr = result.rule("r").channels[0]
    statuses = {p.label: p.status for p in cr.periods}
    assert statuses["2026-W46"] == "not_applicable"
    assert statuses["2026-W47"] == "minimum_met"
    assert statuses["2026-W50"] == "below_minimum"
    assert len(cr.periods) == 14 and cr.applicable == 7  # 2026-Q4 ends with W53
    assert True and cr.met == 3
    assert cr.status == "below_minimum"


def test_partial_airings_under_a_duration_filter(
    session: Session, settings: Settings, commune
) -> None:
    prog = f.programme(session, seconds=12 * 60)
    monday = Week(2026, 10).monday
    airing(session, commune, prog, at(monday, 6), VN, "partial", seconds=8 * 60)
    airing(session, commune, prog, at(monday, 18), VN, "partial", seconds=11 * 60)
    airing(session, commune, prog, at(monday, 20), VN, "aired")
    session.commit()
    s = cfg(
        settings,
        rule(id="with_min", topics=("ntm",), min_duration_minutes=10, max_duration_minutes=15),
        rule(id="no_min", topics=("ntm",)),
        rule(id="too_long", topics=("ntm",), min_duration_minutes=13),
    )
    result = evaluate(session, s, "2026-W10", now=NOW)
    assert counts(result, "with_min")["2026-W10"] == (2.0, "target_met")  # 8-min part is out
    assert counts(result, "no_min")["2026-W10"] == (3.0, "target_met")
    assert counts(result, "too_long")["2026-W10"] == (0.0, "below_minimum")


def test_distinct_programmes_versus_airings_and_minutes(
    session: Session, settings: Settings, commune
) -> None:
    prog = f.programme(session, seconds=300)
    other = f.programme(session, "Khác", seconds=600)
    monday = Week(2026, 10).monday
    for hour in (6, 11, 17):
        airing(session, commune, prog, at(monday, hour), VN)
    airing(session, commune, other, at(monday, 20), VN, "partial", seconds=240)
    session.commit()
    s = cfg(
        settings,
        rule(id="airings", topics=("ntm",), count="airings", minimum=4),
        rule(id="distinct", topics=("ntm",), count="distinct_programmes", minimum=3, target=None),
        rule(id="minutes", topics=("ntm",), count="minutes", minimum=15, target=20),
    )
    result = evaluate(session, s, "2026-W10", now=NOW)
    assert counts(result, "airings")["2026-W10"] == (4.0, "target_met")
    assert counts(result, "distinct")["2026-W10"] == (2.0, "below_minimum")
    assert counts(result, "minutes")["2026-W10"] == (19.0, "minimum_met")


def test_a_rule_whose_filter_matches_nothing(session: Session, settings: Settings, commune) -> None:
    prog = f.programme(session, seconds=300)
    airing(session, commune, prog, at(Week(2026, 10).monday, 6), VN)
    session.commit()
    nothing = rule(id="none", topics=("du_lich",))
    zero = rule(id="zero", topics=("du_lich",), minimum=0, target=None)
    s = cfg(settings, nothing, zero)
    result = evaluate(session, s, "2026-W10", now=NOW)
    assert counts(result, "none")["2026-W10"] == (0.0, "below_minimum")
    assert counts(result, "zero")["2026-W10"] == (0.0, "target_met")


def test_unconfirmed_is_apart_from_not_aired_and_unplanned_counts(
    session: Session, settings: Settings, commune
) -> None:
    prog = f.programme(session, seconds=300)
    monday = Week(2026, 10).monday
    done = item(session, commune, prog, monday, dt.time(6), VN)
    missed = item(session, commune, prog, monday, dt.time(11), VN)
    item(session, commune, prog, monday, dt.time(17), VN)  # nobody confirmed it
    airing(session, commune, prog, at(monday, 6), VN, item=done)
    airing(session, commune, prog, at(monday, 11), VN, "not_aired", item=missed)
    airing(session, commune, prog, at(monday, 21), VN)  # unplanned
    session.commit()
    result = evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-W10", now=NOW)
    p = result.rule("r").channels[0].periods[0]
    assert (p.count, p.not_aired, p.unconfirmed) == (2.0, 1, 1)
    planned = evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-W10", now=NOW,
                       basis="planned")  # fmt: skip
    assert planned.rule("r").channels[0].periods[0].count == 3.0
    # Before the slot starts nothing is unconfirmed yet.
    early = evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-W10",
                     now=at(monday, 12))  # fmt: skip
    assert early.rule("r").channels[0].periods[0].unconfirmed == 0


def test_channel_language_rule(session: Session, settings: Settings) -> None:
    province = f.unit(session, "Tỉnh", level="province", code="94")
    unit = f.unit(session, "Xã vùng cao", parent=province, code="94001")
    hmong = channel_with_languages(session, unit, "commune_radio", ("vi", "hmn"),
                                   dt.date(2020, 1, 1))  # fmt: skip
    channel_with_languages(session, unit, "commune_radio", ("vi",), dt.date(2020, 1, 1))
    in_hmong = f.programme(session, "Tin tiếng Mông", language="hmn", seconds=300)
    in_tay = f.programme(session, "Tin tiếng Tày", language="tay", seconds=300)
    monday = Week(2026, 10).monday
    airing(session, hmong, in_tay, at(monday, 6), VN)
    session.commit()
    s = cfg(settings, rule(languages=("channel",), target=None))
    result = evaluate(session, s, "2026-W10", now=NOW)
    assert [c.channel.id for c in result.rule("r").channels] == [hmong.id]  # vi-only: no rule
    assert counts(result)["2026-W10"] == (0.0, "below_minimum")  # Tày is not its language
    airing(session, hmong, in_hmong, at(monday, 7), VN)
    session.commit()
    assert counts(evaluate(session, s, "2026-W10", now=NOW))["2026-W10"] == (1.0, "target_met")


def test_bad_input_is_refused(session: Session, settings: Settings) -> None:
    with pytest.raises(Invalid):
        evaluate(session, settings, "2026-W54")
    with pytest.raises(NotFound):
        evaluate(session, settings, "2026-Q1", rule_ids=["no_such_rule"])
    with pytest.raises(NotFound):
        evaluate(session, settings, "2026-Q1", unit_code="99999")
    with pytest.raises(Invalid):
        evaluate(session, settings, "2026-Q1", basis="hoped")


def test_period_of_a_range(session: Session, settings: Settings, commune) -> None:
    result = evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-01-01..2026-01-31",
                      now=NOW)  # fmt: skip
    assert [p.label for p in result.rule("r").periods] == [
        str(w) for w in Period.parse("2026-01").weeks()
    ]


def test_weeks_not_started_are_left_out_under_basis_aired(
    session: Session, settings: Settings, commune
) -> None:
    prog = f.programme(session, seconds=600)
    item(session, commune, prog, Week(2026, 50).monday, dt.time(6), VN, "draft")
    session.commit()
    s = cfg(settings, rule(topics=("ntm",)))
    now = at(Week(2026, 49).monday + dt.timedelta(days=2), 9)  # Wednesday of 2026-W49
    aired = evaluate(session, s, "2026-12", now=now)
    assert [p.label for p in aired.rule("r").periods] == ["2026-W49"]  # in progress: to date
    planned = evaluate(session, s, "2026-12", now=now, basis="planned")
    assert counts(planned)["2026-W50"] == (1.0, "minimum_met")
    assert len(planned.rule("r").periods) == 5


def test_rule_classes_relation_on_each_backend(session: Session) -> None:
    """The classes join as t(programme_id, mask, lang, secs), per rule bit, quotes escaped."""
    facts = [
        ProgrammeFacts(1, "tin", "vi", 300, frozenset({"ntm"})),
        ProgrammeFacts(2, "tin", "o'k", 600, frozenset({"ntm"})),
        ProgrammeFacts(3, "tin", "vi", 900, frozenset()),
    ]
    conn = session.connection()
    classes = open_classes(conn, {1: 0b01, 2: 0b11}, facts)
    try:
        both = [(1, 1, "vi", 300), (2, 3, "o'k", 600)]
        for bit, expected in ((None, both), (0b01, both), (0b10, both[1:])):
            t = classes.source(bit)
            pid = t.c.programme_id
            query = select(pid, t.c.mask, t.c.lang, t.c.secs).order_by(pid)
            assert [tuple(r) for r in conn.execute(query)] == expected
        assert classes.source(0b100) is None
    finally:
        close_classes(conn, classes)
    session.rollback()


def _spy_unconfirmed(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record the connection each unconfirmed-items query runs on."""
    from scheduler.compliance import engine

    used: list[object] = []
    real = engine.unconfirmed_rows

    def spy(conn, *args):  # type: ignore[no-untyped-def]
        used.append(conn)
        return real(conn, *args)

    monkeypatch.setattr(engine, "unconfirmed_rows", spy)
    return used


def test_unconfirmed_query_runs_beside_only_on_committed_data(
    session: Session, settings: Settings, commune, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: a second connection when the transaction wrote nothing; never with writes."""
    used = _spy_unconfirmed(monkeypatch)
    prog = f.programme(session, seconds=300)
    monday = Week(2026, 10).monday
    item(session, commune, prog, monday, dt.time(6), VN)
    session.commit()
    rules = cfg(settings, rule(topics=("ntm",)))
    result = evaluate(session, rules, "2026-W10", now=NOW)
    assert result.rule("r").channels[0].periods[0].unconfirmed == 1
    main = session.connection()
    postgres = main.dialect.name == "postgresql"
    assert (used[-1] is not main) == postgres
    # An item added in this transaction, not committed: only this connection sees it.
    item(session, commune, prog, monday, dt.time(11), VN)
    session.flush()
    result = evaluate(session, rules, "2026-W10", now=NOW)
    assert result.rule("r").channels[0].periods[0].unconfirmed == 2
    assert used[-1] is session.connection()
    session.rollback()


def test_a_failing_query_beside_fails_the_evaluation(
    session: Session, settings: Settings, commune, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scheduler.compliance import engine

    def broken(conn, *args):  # type: ignore[no-untyped-def]
        raise RuntimeError("lost connection")

    monkeypatch.setattr(engine, "unconfirmed_rows", broken)
    item(session, commune, f.programme(session, seconds=300), Week(2026, 10).monday,
         dt.time(6), VN)  # fmt: skip
    session.commit()
    with pytest.raises(RuntimeError, match="lost connection"):
        evaluate(session, cfg(settings, rule(topics=("ntm",))), "2026-W10", now=NOW)
