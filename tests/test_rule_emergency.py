"""A rule counts emergency broadcasts only when it asks (counts_emergency): engine, SQL, per row."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from sqlalchemy import Engine, Integer, cast, literal, null, select
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.compliance import evaluate
from scheduler.compliance.sql import counted_sql
from scheduler.config import Rule, Settings
from scheduler.emergency import airing
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyDelivery
from scheduler.models import Channel
from scheduler.periods import Period, Week, local_date_of
from scheduler.rules import AiringFacts, ChannelFacts, airing_counts, counted_condition, holds
from tests.emergency_helpers import build_area
from web.supervision import weekly_matrix


def _rule(rule_id: str, **kw: object) -> Rule:
    base = Rule(
        id=rule_id, name_vi="Tin nông thôn mới", name_en="New countryside news", source="test",
        channel_kinds=("commune_radio",), period="week", minimum=1, topics=("ntm",),
    )  # fmt: skip
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


RULES = (
    _rule("plain"),
    _rule("asks", counts_emergency=True),
    _rule("asks_minutes", counts_emergency=True, count="minutes"),
    _rule("asks_other_topic", counts_emergency=True, topics=("y_te",)),
    _rule("asks_planned", counts_emergency=True, basis="planned"),
)


def _aired_broadcast(session: Session, settings: Settings) -> tuple[list[int], Week]:
    """A broadcast over province 91: the first station's agent airs it, a person the second's."""
    area = build_area(session)
    now = utcnow()
    req = ops.Request(area.programme, area.province_a, 15, title="Cảnh báo bão số 3")
    b = ops.issue(session, settings, req, ops.Issuer("root", "admin"), now)
    by_channel = {
        d.channel_id: d
        for d in session.scalars(
            select(EmergencyDelivery).where(EmergencyDelivery.broadcast_id == b.id)
        )
    }
    first, second, _radio = area.stations_a
    airing.report_by_agent(session, by_channel[first].id, "aired", "agent:1", now, seconds=30)
    airing.confirm_by_person(session, by_channel[second].id, "bt", now)  # no seconds given
    session.commit()
    return area.stations_a, Week.of(local_date_of(now, settings.zone))


def test_emergency_deliveries_count_only_for_rules_that_ask(
    session: Session, settings: Settings
) -> None:
    ours = dataclasses.replace(settings, rules=RULES)
    (first, second, radio), week = _aired_broadcast(session, ours)
    result = evaluate(session, ours, str(week), unit_code="91")

    def counts(rule_id: str) -> dict[int, float]:
        return {c.channel.id: c.counts[0] for c in result.rule(rule_id).channels}

    assert counts("plain") == {first: 0, second: 0}  # the default: emergencies count for none
    assert counts("asks") == {first: 1, second: 1}  # aired by the agent and by a person
    assert counts("asks_minutes") == {first: 0.5, second: 0.5}  # no seconds: the programme's
    assert counts("asks_other_topic") == {first: 0, second: 0}  # programme filters still apply
    assert counts("asks_planned") == {first: 0, second: 0}  # nothing planned
    assert radio not in counts("asks")  # the district radio is not a commune station
    # The supervisor's heat map reads the same engine.
    channels = [session.get(Channel, first), session.get(Channel, second)]
    matrix = weekly_matrix(session, ours, ours.rule("asks"), week_period(week), channels, utcnow())
    assert [matrix.cell(c, week).value for c in (first, second)] == [1, 1]
    plain = weekly_matrix(session, ours, ours.rule("plain"), week_period(week), channels, utcnow())
    assert [plain.cell(c, week).value for c in (first, second)] == [0, 0]


def week_period(week: Week) -> Period:
    """The one-week period."""
    return Period.parse(str(week))


def test_per_row_path_agrees() -> None:
    """rules.airing_counts (the per-row path) says the same of an emergency delivery."""
    channel = ChannelFacts(1, "commune_radio", frozenset({"vi"}), frozenset({"91"}),
                           Week.of(utcnow().date()).monday, None)  # fmt: skip
    delivery = AiringFacts(7, frozenset({"ntm"}), "tin", "vi", 30, "aired", 30, emergency=True)
    counted = {r.id for r in RULES if airing_counts(r, channel, delivery)}
    assert counted == {"asks", "asks_minutes"}
    plain = dataclasses.replace(delivery, emergency=False)
    assert {r.id for r in RULES if airing_counts(r, channel, plain)} == {
        "plain", "asks", "asks_minutes"
    }  # fmt: skip


STATUSES = ("aired", "partial", "not_aired", "cancelled", "planned", "waiting")
SECONDS = (None, 0, 59, 60, 300, 301)


@pytest.mark.parametrize(
    "rule",
    [_rule("a"), _rule("b", min_duration_minutes=5), _rule("c", min_duration_minutes=0),
     _rule("d", basis="planned")],
    ids=["no-minimum", "five-minutes", "zero-minutes", "planned"],
)  # fmt: skip
def test_counted_condition_compiles_to_the_same_sql(engine: Engine, rule: Rule) -> None:
    """The SQL the aggregates run and the Python the per-row path runs agree on every case."""
    condition = counted_condition(rule)
    with engine.connect() as conn:
        for status, seconds in itertools.product(STATUSES, SECONDS):
            secs = null() if seconds is None else literal(seconds)
            sql = counted_sql(condition, literal(status), cast(secs, Integer))
            got = conn.execute(select(sql)).scalar()
            assert bool(got) == holds(condition, status, seconds), (status, seconds)
