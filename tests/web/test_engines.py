"""The supervisor's rule figures are the compliance engine's; auto-plan calls the planner."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from scheduler.compliance import evaluate
from scheduler.config import Settings
from scheduler.models import Channel
from tests import factories as f
from tests.web.conftest import Browser, World, bearer
from web.supervision import weekly_matrix


def test_planned_and_aired_figures_match_the_engine(
    app: Flask, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    app.test_client().post(
        f"/api/v1/items/{world.item_a}/confirmation",
        json={"status": "aired"},
        headers=bearer(world, "broadcaster"),
    )
    rule = settings.rule("ntm_commune_weekly")
    with session_factory() as s:
        channels = [s.get(Channel, world.channel_a), s.get(Channel, world.channel_b)]
        # (The planner's own statuses are checked against the engine in tests/test_planner.py.)
        from scheduler.periods import Period

        matrix = weekly_matrix(s, settings, rule, Period.parse(str(world.week)), channels, utcnow())
        aired = evaluate(s, settings, str(world.week), rule_ids=[rule.id])
        for result in aired.rule(rule.id).channels:
            cell = matrix.cell(result.channel.id, world.week)
            assert (cell.value, cell.status) == (result.counts[0], result.statuses[0])
            assert cell.unconfirmed == result.unconfirmed_counts[0]


def test_autoplan_fills_a_week(
    browser: Browser, world: World, app: Flask, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:  # fresh programmes: the planner does not repeat last week's
        for n in range(3):
            f.programme(s, title=f"Nông thôn mới số {n}", seconds=300)
        s.commit()
    browser.login("planner")
    target = world.week.shift(1)
    r = browser.post(f"/plan/{world.channel_a}/autoplan", {"week": str(target)})
    assert r.status_code == 303
    week = (
        app.test_client()
        .get(
            f"/api/v1/channels/{world.channel_a}/schedule?week={target}",
            headers=bearer(world, "planner"),
        )
        .json
    )
    assert week["state"] == "draft"
    assert sum(len(s["items"]) for s in week["slots"]) >= 1
    # the other province's channel was not touched
    other = (
        app.test_client()
        .get(
            f"/api/v1/channels/{world.channel_b}/schedule?week={target}",
            headers=bearer(world, "admin"),
        )
        .json
    )
    assert other["state"] == "none"


def test_running_week_agrees_with_the_engine(
    world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    """The week in progress is `running` in both, and neither counts it as met or missed."""
    from scheduler.compliance.reports import build_report
    from scheduler.periods import Period

    rule = settings.rule("ntm_commune_weekly")
    running = world.week.shift(1)
    with session_factory() as s:
        channels = [s.get(Channel, world.channel_a)]
        period = Period.parse(f"{world.week.monday}..{running.sunday}")
        matrix = weekly_matrix(s, settings, rule, period, channels, utcnow())
        engine = evaluate(s, settings, period, rule_ids=[rule.id])
        result = next(r for r in engine.rule(rule.id).channels if r.channel.id == world.channel_a)
        cells = [matrix.cell(world.channel_a, w) for w in (world.week, running)]
        assert [c.status for c in cells] == result.statuses
        assert result.statuses[1] == "running" and cells[1].so_far == "below_minimum"
        assert matrix.weeks_met(world.channel_a) == (result.met, result.applicable) == (0, 1)
        assert matrix.is_running(running) and not matrix.is_running(world.week)
        report = build_report(s, settings, period, "91")
        assert report.in_progress == [str(running)]
        assert report.total.rules[rule.id].periods_applicable == 1
