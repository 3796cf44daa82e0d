"""plan_week on the database: rules met, constraints kept, shortfalls explained, bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.models import AuditEntry
from scheduler import schedules
from scheduler.config import Rule, Settings
from scheduler.errors import Invalid, InvalidState, NotFound
from scheduler.models import ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from scheduler.planner import plan_week
from tests import factories as f

W48, W49, W50 = Week(2026, 48), Week(2026, 49), Week(2026, 50)


@pytest.fixture
def area(session: Session):
    """A province with two commune stations (one airs H'Mông) and a small library."""
    province = f.unit(session, "Tỉnh Thử", level="province", code="91")
    a = f.unit(session, "Xã Pà Cò", parent=province, code="91001")
    b = f.unit(session, "Xã Bình Minh", parent=province, code="91002")
    hmong = f.channel(session, a, languages=("vi", "hmn"), name="Đài xã Pà Cò")
    viet = f.channel(session, b, name="Đài xã Bình Minh")
    for ch in (hmong, viet):
        f.pattern(session, ch, "123456", dt.time(6, 0), 15)
        f.pattern(session, ch, "12345", dt.time(17, 30), 15)
    lib = {
        "ntm1": f.programme(session, "NTM 1", ("ntm",), seconds=300),
        "ntm2": f.programme(session, "NTM 2", ("ntm",), seconds=420),
        "ntm3": f.programme(session, "NTM 3", ("ntm",), seconds=360),
        "ntm_hmn": f.programme(session, "NTM H'Mông", ("ntm",), language="hmn", seconds=600),
        "yte_hmn": f.programme(session, "Y tế H'Mông", ("y_te",), language="hmn", seconds=300),
        "notice": f.programme(
            session, "Thông báo", ("thoi_su",), "thong_bao", seconds=120, priority="priority"
        ),
        "draft": f.programme(session, "Chưa duyệt", ("ntm",), seconds=300, approved=False),
    }
    for i in range(8):
        lib[f"misc{i}"] = f.programme(session, f"Tin {i}", ("y_te", "du_lich")[i % 2:],
                                      seconds=240 + 30 * i)  # fmt: skip
    session.commit()
    return {"hmong": hmong, "viet": viet, "lib": lib}


def _items(session: Session, channel_id: int, week: Week) -> list[ScheduledItem]:
    return list(
        session.scalars(
            select(ScheduledItem)
            .join(Slot)
            .join(WeekSchedule)
            .where(WeekSchedule.channel_id == channel_id, WeekSchedule.week_key == week.key)
            .order_by(Slot.starts_at, ScheduledItem.position)
        )
    )


def _after(result, channel_id: int, rule_id: str):
    return next(s for s in result.after if s.channel_id == channel_id and s.rule_id == rule_id)


def test_plan_meets_rules_within_the_constraints(session, settings, area):
    result = plan_week(session, settings, "2026-W49", "91", user="Lan")
    session.commit()
    hmong, viet, lib = area["hmong"], area["viet"], area["lib"]
    assert result.channels == 2 and result.schedules_created == 2 and result.items_added > 10
    for ch in (hmong, viet):
        assert _after(result, ch.id, "ntm_commune_weekly").status == "target_met"
        items = _items(session, ch.id, W49)
        ids = [i.programme_id for i in items]
        assert len(ids) == len(set(ids)), "a programme twice in the week"
        assert lib["draft"].id not in ids
        assert all(not i.pinned and i.added_by == "Lan" for i in items)
        for slot in session.scalars(select(Slot).where(Slot.channel_id == ch.id)):
            assert sum(i.programme.duration_seconds for i in slot.items) <= 15 * 60
            assert all(i.programme.language in ch.languages for i in slot.items)
        # Spread: the two NTM programmes air on different days.
        ntm_days = {i.slot.local_date for i in items if "ntm" in i.programme.topics}
        assert len(ntm_days) >= 2
    assert _after(result, hmong.id, "minority_language_weekly").status == "target_met"
    assert all(s.channel_id != viet.id for s in result.after if s.rule_id.startswith("minority"))
    assert [s.status for s in result.before] == ["below_minimum"] * len(result.before)
    assert result.share_met(False) == 0 and result.share_met() == 1
    assert not result.shortfalls
    # The priority notice goes first into the first slot of each channel.
    assert _items(session, viet.id, W49)[0].programme_id == lib["notice"].id
    week = schedules.get_week(session, viet.id, W49)
    assert week.state == "draft" and week.version == 2
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"schedule.materialise", "schedule.edit.plan"} <= actions


def test_same_data_same_plan(session, settings, area):
    def snapshot() -> list[tuple]:
        plan_week(session, settings, W49, "91")
        rows = session.execute(
            select(Slot.channel_id, Slot.starts_at, ScheduledItem.position,
                   ScheduledItem.programme_id).join(ScheduledItem).order_by(
                Slot.channel_id, Slot.starts_at, ScheduledItem.position)
        ).all()  # fmt: skip
        session.rollback()
        return [tuple(r) for r in rows]

    first = snapshot()
    assert first and snapshot() == first


def test_pinned_items_stay_and_count(session, settings, area):
    viet, lib = area["viet"], area["lib"]
    week = schedules.materialise_week(session, settings, viet.id, W49, "Lan")
    slot = week.slots[3]
    pinned = schedules.add_item(session, slot.id, lib["ntm2"].id, "Lan")  # pinned by hand
    session.commit()
    result = plan_week(session, settings, W49, "91", channel_ids=[viet.id])
    session.commit()
    items = _items(session, viet.id, W49)
    kept = next(i for i in items if i.id == pinned.id)
    assert kept.pinned and kept.position == 0 and kept.slot_id == slot.id
    ntm = [i for i in items if "ntm" in i.programme.topics]
    assert len(ntm) >= 2 and _after(result, viet.id, "ntm_commune_weekly").status == "target_met"
    before = next(s for s in result.before if s.rule_id == "ntm_commune_weekly")
    assert before.status == "minimum_met" and before.value == 1


def test_no_repeat_within_n_weeks(session, settings, area):
    plan_week(session, settings, W48, "91", fill=False)
    result = plan_week(session, settings, W49, "91", fill=False)
    session.commit()
    for ch in (area["hmong"], area["viet"]):
        first = {i.programme_id for i in _items(session, ch.id, W48)}
        second = {i.programme_id for i in _items(session, ch.id, W49)}
        assert first and second and not first & second
    # Two of the three Vietnamese NTM programmes aired in W48: only the minimum is left.
    short = [s for s in result.shortfalls if s.channel_id == area["viet"].id]
    assert [(s.rule_id, s.level, s.cause) for s in short] == [
        ("ntm_commune_weekly", "target", "repeat")
    ]
    assert "chưa phát trên đài này trong 4 tuần" in short[0].text_vi


def test_shortfall_says_why_in_vietnamese_and_english(session, settings, area):
    rule = Rule(
        id="ntm_minority", name_vi="NTM bằng tiếng dân tộc", name_en="NTM in minority languages",
        source="test", channel_kinds=("commune_radio",), period="week", minimum=1,
        topics=("ntm",), languages=("channel",),
    )  # fmt: skip
    custom = dataclasses.replace(settings, rules=(rule,))
    hmong = area["hmong"]
    area["lib"]["ntm_hmn"].duration_seconds = 20 * 60
    session.commit()
    result = plan_week(session, custom, W49, "91", channel_ids=[hmong.id])
    (short,) = result.shortfalls
    assert short.rule_id == "ntm_minority" and short.level == "minimum" and short.cause == "length"
    assert short.text_vi == (
        "có 1 chương trình về Xây dựng nông thôn mới bằng tiếng H'Mông, được duyệt, "
        "còn hiệu lực trong tuần 2026-W49, nhưng dài hơn 15 phút, chỗ trống lớn nhất trong một "
        "khung giờ"
    )
    assert short.text_en == (
        "1 found: programme on New rural development in Hmong, approved, valid in week "
        "2026-W49, but all are longer than 15 minutes, the largest free airtime in one slot"
    )
    assert _after(result, hmong.id, "ntm_minority").status == "below_minimum"


def test_month_rule_is_planned_at_its_pace(session, settings, area):
    province = area["viet"].unit.parent
    radio = f.channel(session, province, kind="provincial_radio", name="Đài tỉnh")
    f.pattern(session, radio, "1234567", dt.time(19, 0), 30)
    session.commit()
    only = dataclasses.replace(settings, rules=(settings.rule("ntm_provincial_monthly"),))
    # December 2026 has five ISO weeks (W49..W53); minimum 1 a month: the first week holds it.
    first = plan_week(session, only, W49, "91", channel_ids=[radio.id], fill=False)
    assert first.items_added == 1 and _after(first, radio.id, "ntm_provincial_monthly").week_met
    second = plan_week(session, only, W50, "91", channel_ids=[radio.id], fill=False)
    assert second.items_added == 0
    status = _after(second, radio.id, "ntm_provincial_monthly")
    assert status.period == "2026-12" and status.status == "target_met"


def test_publish_and_published_weeks(session, settings, area):
    result = plan_week(session, settings, W49, "91", publish=True)
    session.commit()
    assert result.published == 2
    query = select(WeekSchedule.state).where(WeekSchedule.week_key == W49.key)
    states = set(session.scalars(query))
    assert states == {"published"}
    count = session.scalar(select(func.count(ScheduledItem.id)))
    with pytest.raises(InvalidState, match="--force"):
        plan_week(session, settings, W49, "91")
    session.rollback()
    assert session.scalar(select(func.count(ScheduledItem.id))) == count
    viet = area["viet"]
    # Take the NTM items out of the published week: --force plans them back as an amendment.
    for item in _items(session, viet.id, W49):
        if "ntm" in item.programme.topics:
            schedules.remove_item(session, item.id, "Lan")
    session.commit()
    version = schedules.get_week(session, viet.id, W49).version
    again = plan_week(session, settings, W49, "91", force=True, fill=False)
    session.commit()
    assert again.published == 0 and again.items_added == 2
    assert _after(again, viet.id, "ntm_commune_weekly").status == "target_met"
    week = schedules.get_week(session, viet.id, W49)
    assert week.state == "published" and week.version == version + 1
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"schedule.publish", "schedule.amend.plan"} <= actions


@pytest.mark.parametrize(
    ("week", "unit", "error", "text"),
    [
        ("2026-W60", "91", Invalid, "Week 60 does not exist"),
        ("tuần 49", "91", Invalid, "is not an ISO week"),
        ("2026-W49", "99999", NotFound, "99999"),
    ],
)
def test_bad_input_writes_nothing(session, settings, area, week, unit, error, text):
    with pytest.raises(error, match=text):
        plan_week(session, settings, week, unit)
    session.rollback()
    assert session.scalar(select(func.count(WeekSchedule.id))) == 0


def test_unknown_channel_and_empty_library(session, settings, area):
    with pytest.raises(NotFound, match="not in unit 91"):
        plan_week(session, settings, W49, "91", channel_ids=[area["viet"].id, 4242])
    session.rollback()
    # A library with nothing approved and valid this week.
    for p in area["lib"].values():
        p.valid_to = dt.date(2026, 11, 1)
    session.commit()
    with pytest.raises(Invalid, match="library has no approved programme"):
        plan_week(session, settings, W49, "91")
    session.rollback()
    assert session.scalar(select(func.count(WeekSchedule.id))) == 0


def test_copy_forward_then_fill_what_is_missing(session, settings, area):
    viet, lib = area["viet"], area["lib"]
    last = schedules.materialise_week(session, settings, viet.id, W48, "Lan")
    schedules.add_item(session, last.slots[0].id, lib["ntm1"].id, "Lan")
    schedules.add_item(session, last.slots[1].id, lib["misc1"].id, "Lan")
    session.commit()
    result = plan_week(session, settings, W49, "91", channel_ids=[viet.id], copy_from=W48)
    session.commit()
    assert result.copied == 2
    items = _items(session, viet.id, W49)
    copied = [i for i in items if i.pinned]
    assert [i.programme_id for i in copied] == [lib["ntm1"].id, lib["misc1"].id]
    # Status before planning already counts the copied NTM; planning adds the second one.
    before = next(s for s in result.before if s.rule_id == "ntm_commune_weekly")
    assert before.status == "minimum_met"
    uncopied = next(s for s in result.before_copy if s.rule_id == "ntm_commune_weekly")
    assert uncopied.status == "below_minimum" and uncopied.value == 0
    assert _after(result, viet.id, "ntm_commune_weekly").status == "target_met"


def test_cli_plan_reports_status_and_refuses_bad_input(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from content.db import make_engine, make_session_factory
    from web.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LOA_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        province = f.unit(session, "Tỉnh Thử", level="province", code="91")
        commune = f.unit(session, "Xã Pà Cò", parent=province, code="91001")
        ch = f.channel(session, commune, languages=("vi", "hmn"), name="Đài xã Pà Cò")
        f.pattern(session, ch, "135", dt.time(6, 0), 15)
        session.commit()
        bad = runner.invoke(main, ["plan", "--week", "2026-W49", "--unit", "91"])
        assert bad.exit_code == 1 and "library has no approved programme" in bad.output
        f.programme(session, "NTM 1", ("ntm",), seconds=300)
        f.programme(session, "NTM 2", ("ntm",), seconds=300)
        session.commit()
        for args, text in [
            (["--week", "2026-W60", "--unit", "91"], "Week 60 does not exist"),
            (["--week", "2026-W49", "--unit", "00000"], "no administrative unit"),
            (["--week", "2026-W49", "--unit", "91", "--channel", "77"], "not in unit 91"),
        ]:
            out = runner.invoke(main, ["plan", *args])
            assert out.exit_code == 1 and text in out.output, out.output
        assert session.scalar(select(func.count(WeekSchedule.id))) == 0
    ok = runner.invoke(
        main, ["--lang", "vi", "plan", "--week", "2026-W49", "--unit", "91", "--publish"]
    )
    assert ok.exit_code == 0, ok.output
    assert "ntm_commune_weekly (Tuyên truyền nông thôn mới trên đài truyền thanh xã)" in ok.output
    assert "0/0/1; 0/1 → 1/0/0; 1/1" in ok.output  # before → after
    assert "không có chương trình bằng tiếng H'Mông" in ok.output
    assert "there is no programme in Hmong" not in ok.output  # one language
    again = runner.invoke(main, ["plan", "--week", "2026-W49", "--unit", "91"])
    assert again.exit_code == 1 and "--force" in again.output
    forced = runner.invoke(
        main, ["plan", "--week", "2026-W49", "--unit", "91", "--force", "--json"]
    )
    assert forced.exit_code == 0, forced.output
    data = json.loads(forced.output)
    assert data["items_added"] == 0 and data["share_met_after"] == 0.5
    nxt = runner.invoke(
        main, ["--lang", "vi", "plan", "--week", "2026-W50", "--unit", "91", "--fill-missing"]
    )
    assert nxt.exit_code == 0 and "chép 2 từ tuần trước" in nxt.output, nxt.output
    assert "trước khi chép → sau khi chép → sau khi lập lịch" in nxt.output
    # Before copying nothing; the copy brings the NTM programmes; planning adds nothing more.
    assert "0/0/1; 0/1 → 1/0/0; 1/1 → 1/0/0; 1/1" in nxt.output
    engine.dispose()


def _independent_status(session: Session, settings: Settings, channel, rule: Rule, week: Week):
    """A rule's count and status for the week from the stored items, via scheduler.rules."""
    from scheduler.planner.facts import planned_rule
    from scheduler.rules import AiringFacts, ChannelFacts, airing_counts, measure, status_for

    facts = ChannelFacts(
        channel.id,
        channel.kind,
        frozenset(channel.languages),
        frozenset({"91", channel.unit.code}),
        channel.active_from,
        None,
    )
    counted = []
    for item in _items(session, channel.id, week):
        p = item.programme
        a = AiringFacts(p.id, frozenset(p.topics), p.programme_type, p.language,
                        p.duration_seconds, "planned")  # fmt: skip
        if airing_counts(planned_rule(rule), facts, a):
            counted.append(a)
    value = measure(planned_rule(rule), counted)
    return value, status_for(rule, value)


def test_status_agrees_with_the_shared_rule_semantics(session, settings, area):
    result = plan_week(session, settings, W49, "91", fill=False)
    session.commit()
    weekly = [r for r in settings.rules if r.period == "week"]
    checked = 0
    for ch in (area["hmong"], area["viet"]):
        for rule in weekly:
            mine = [s for s in result.after if s.channel_id == ch.id and s.rule_id == rule.id]
            if not mine:
                continue
            assert (mine[0].value, mine[0].status) == _independent_status(
                session, settings, ch, rule, W49
            )
            checked += 1
    assert checked == 3


def test_status_agrees_with_the_compliance_engine(session, settings, area):
    compliance = pytest.importorskip("scheduler.compliance", reason="compliance engine not merged")
    result = plan_week(session, settings, W49, "91")
    session.commit()
    engine = compliance.evaluate(session, settings, str(W49), "91", basis="planned")
    checked = 0
    for mine in result.after:
        rule = settings.rule(mine.rule_id)
        if rule.period != "week":
            continue
        theirs = next(c for c in engine.rule(rule.id).channels if c.channel.id == mine.channel_id)
        assert (theirs.counts[0], theirs.statuses[0]) == (mine.value, mine.status)
        checked += 1
    assert checked == 3


def test_bulk_copy_forward_matches_copy_week(session, settings, area):
    """The planner's bulk copy does what schedules.copy_week does, channel by channel."""
    lib = area["lib"]
    province = area["viet"].unit.parent
    twins = []
    for name in ("Đài A", "Đài B"):
        commune = f.unit(session, name, parent=province)
        ch = f.channel(session, commune, name=name)
        f.pattern(session, ch, "123", dt.time(6, 0), 10, valid_to=dt.date(2026, 11, 29))
        f.pattern(session, ch, "1234", dt.time(6, 0), 10, valid_from=dt.date(2026, 11, 30))
        f.pattern(session, ch, "5", dt.time(18, 0), 5)
        twins.append(ch)
    session.commit()
    for ch in twins:
        last = schedules.materialise_week(session, settings, ch.id, W48, "Lan")
        first, second, third = last.slots[0], last.slots[1], last.slots[2]
        schedules.add_item(session, first.id, lib["ntm1"].id, "Lan")  # 5 min
        schedules.add_item(session, first.id, lib["misc0"].id, "Lan", pinned=False)  # 4 min
        schedules.add_item(session, second.id, lib["ntm2"].id, "Lan")
        schedules.add_item(session, third.id, lib["notice"].id, "Lan")
        friday = next(s for s in last.slots if s.local_date.isoweekday() == 5)
        schedules.add_item(session, friday.id, lib["misc1"].id, "Lan")
    # The next week's programmes changed meanwhile: one is withdrawn, one expires.
    lib["misc0"].approved_at = None
    lib["ntm2"].valid_to = dt.date(2026, 11, 30)
    target = schedules.materialise_week(session, settings, twins[0].id, W49, "Lan")
    schedules.add_item(session, target.slots[2].id, lib["misc2"].id, "Lan")  # already planned
    target = schedules.materialise_week(session, settings, twins[1].id, W49, "Lan")
    schedules.add_item(session, target.slots[2].id, lib["misc2"].id, "Lan")
    session.commit()
    by_orm = schedules.copy_week(session, settings, twins[0].id, W48, W49, "Lan")
    session.commit()
    no_rules = dataclasses.replace(settings, rules=())
    bulk = plan_week(session, no_rules, W49, "91", channel_ids=[twins[1].id], copy_from=W48,
                     fill=False)  # fmt: skip
    session.commit()
    assert bulk.items_added == 0 and bulk.copied == by_orm.copied == 2
    assert len(bulk.copy_skipped) == len(by_orm.skipped) == 2

    def shape(ch):
        return [(i.slot.local_date, i.slot.starts_at, i.position, i.programme_id, i.pinned)
                for i in _items(session, ch.id, W49)]  # fmt: skip

    assert shape(twins[0]) == shape(twins[1])
    assert schedules.get_week(session, twins[1].id, W49).version == (
        schedules.get_week(session, twins[0].id, W49).version
    )


def test_emergency_first_on_every_station_and_replanning_adds_nothing(session, settings, area):
    storm = f.programme(
        session,
        "Tin bão khẩn",
        ("phong_chong_thien_tai",),
        "thong_bao",
        seconds=180,
        priority="emergency",
        valid_from=dt.date(2026, 12, 2),
    )
    storm_hmn = f.programme(session, "Tin bão (H'Mông)", ("phong_chong_thien_tai",), "thong_bao",
                            language="hmn", seconds=180, priority="emergency")  # fmt: skip
    lone = f.channel(session, area["viet"].unit, name="Đài không có khung giờ")
    session.commit()
    plan_week(session, settings, W48, "91", channel_ids=[area["hmong"].id], fill=False)
    result = plan_week(session, settings, W49, "91")
    session.commit()
    for ch in (area["hmong"], area["viet"]):
        items = _items(session, ch.id, W49)
        wednesday = [i for i in items if i.slot.local_date == dt.date(2026, 12, 2)]
        assert wednesday[0].programme_id == storm.id  # first slot it is valid in, aired first
        assert [i.programme_id for i in items].count(storm.id) == 1
    # Exempt from the N-week rule: aired in W48 on the H'Mông station, again in W49.
    assert storm_hmn.id in {i.programme_id for i in _items(session, area["hmong"].id, W48)}
    assert _items(session, area["hmong"].id, W49)[0].programme_id == storm_hmn.id
    assert storm_hmn.id not in {i.programme_id for i in _items(session, area["viet"].id, W49)}
    # A station without slot patterns: every rule falls short, and the report says why.
    lone_short = [s for s in result.shortfalls if s.channel_id == lone.id]
    assert lone_short and {s.cause for s in lone_short} == {"no_slots"}
    assert lone_short[0].text_vi == "đài không có khung giờ phát sóng nào trong tuần 2026-W49"
    again = plan_week(session, settings, W49, "91")
    assert again.items_added == 0 and again.share_met() == result.share_met()


def test_replan_takes_out_unpinned_items_only(session, settings, area):
    from scheduler.airings import confirm_item

    viet, lib = area["viet"], area["lib"]
    week = schedules.materialise_week(session, settings, viet.id, W49, "Lan")
    pinned = schedules.add_item(session, week.slots[5].id, lib["misc7"].id, "Lan")
    session.commit()
    plan_week(session, settings, W49, "91", channel_ids=[viet.id])
    session.commit()
    first = _items(session, viet.id, W49)
    aired = next(i for i in first if not i.pinned)
    confirm_item(session, settings, aired.id, "aired", "Lan",
                 now=dt.datetime(2026, 12, 8, tzinfo=dt.UTC))  # fmt: skip
    session.commit()
    # The library changed: the planner may now use the programme approved meanwhile.
    lib["draft"].approved_at = lib["ntm1"].approved_at
    session.commit()
    result = plan_week(session, settings, W49, "91", channel_ids=[viet.id], replan=True)
    session.commit()
    kept = {i.id for i in _items(session, viet.id, W49)}
    assert {pinned.id, aired.id} <= kept
    assert result.removed == len(first) - 2 and result.items_added > 0
    assert lib["draft"].id in {i.programme_id for i in _items(session, viet.id, W49)}
    assert "schedule.edit.unplan" in set(session.scalars(select(AuditEntry.action)))


def test_period_status_agrees_with_the_compliance_engine(session, settings, area):
    """Monthly and yearly rules too: the planner's period counts are the engine's (planned)."""
    from scheduler.compliance import evaluate

    province = area["viet"].unit.parent
    radio = f.channel(session, province, kind="provincial_radio", name="Đài tỉnh")
    district = f.channel(session, province, kind="district_radio", name="Đài khu vực")
    for ch in (radio, district):
        f.pattern(session, ch, "1234567", dt.time(19, 0), 30)
    f.programme(session, "Chuyên mục NTM", ("ntm",), "chuyen_muc", seconds=900)
    for i in range(3):
        f.programme(session, f"Giảm nghèo {i}", ("giam_ngheo_thong_tin",), seconds=720)
    session.commit()
    plan_week(session, settings, W48, "91", channel_ids=[radio.id, district.id])
    result = plan_week(session, settings, W49, "91")
    session.commit()
    checked = set()
    for mine in result.after:
        engine = evaluate(session, settings, mine.period, "91", rule_ids=[mine.rule_id],
                          basis="planned")  # fmt: skip
        theirs = next(
            c for c in engine.rule(mine.rule_id).channels if c.channel.id == mine.channel_id
        )
        assert (theirs.counts[0], theirs.statuses[0]) == (mine.value, mine.status), mine
        checked.add(settings.rule(mine.rule_id).period)
    assert checked == {"week", "month", "year"}
