"""`loa plan`: fill a week's schedules so that every rule is met, and report what cannot be."""

from __future__ import annotations

import json

import click

from scheduler.errors import LoaError
from scheduler.periods import PeriodError, Week
from scheduler.planner import PlanResult, plan_week
from scheduler.rules import STATUSES
from web.cli.context import LoaContext, fail, pass_loa


def _table(loa: LoaContext, result: PlanResult) -> None:
    before, after = result.summary_before(), result.summary_after()
    click.echo(
        "Quy định / rule: trước → sau (đạt mục tiêu / đạt tối thiểu / chưa đạt; tuần này đạt)"
    )
    for rule in loa.settings.rules:
        if rule.id not in after:
            continue
        b, a = before.get(rule.id, {}), after[rule.id]

        def cells(c: dict[str, int]) -> str:
            counts = "/".join(str(c.get(s, 0)) for s in STATUSES[:3])
            return f"{counts}; {c.get('week_met', 0)}/{c.get('channels', 0)}"

        click.echo(f"  {rule.id} ({rule.name_vi}): {cells(b)} → {cells(a)}")


@click.command("plan")
@click.option("--week", "week", required=True, help="ISO week to plan, e.g. 2026-W49.")
@click.option("--unit", "unit_code", required=True, help="GSO code of the area (tỉnh, xã...).")
@click.option("--channel", "channel_ids", type=int, multiple=True, help="Only these channels.")
@click.option("--publish", is_flag=True, help="Publish the weeks after planning.")
@click.option("--force", is_flag=True, help="Also amend weeks that are already published.")
@click.option(
    "--fill-missing",
    is_flag=True,
    help="First copy the previous week (or --copy-from) forward, then fill what is missing.",
)
@click.option("--copy-from", help="Week to copy forward with --fill-missing (default: previous).")
@click.option("--rules-only", is_flag=True, help="Only place what the rules need; leave the rest.")
@click.option("--user", "actor", default="planner", show_default=True, help="Who is planning.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_loa
def plan_command(
    loa: LoaContext,
    week: str,
    unit_code: str,
    channel_ids: tuple[int, ...],
    publish: bool,
    force: bool,
    fill_missing: bool,
    copy_from: str | None,
    rules_only: bool,
    actor: str,
    as_json: bool,
) -> None:
    """Lập lịch tuần: fill the empty slots of every channel of the area so that every rule
    reaches its target (at least its minimum) under basis planned; pinned items stay.

    Prints the rule status before and after, and every rule that cannot be met with its cause.
    Nothing is written when the input is refused.
    """
    if copy_from and not fill_missing:
        raise fail("--copy-from needs --fill-missing")
    try:
        source = None
        if fill_missing:
            try:
                source = Week.parse(copy_from) if copy_from else Week.parse(week).shift(-1)
            except PeriodError as exc:
                raise fail(f"tuần không hợp lệ / unknown week: {exc}") from exc
        with loa.session() as session:
            result = plan_week(
                session, loa.settings, week, unit_code, list(channel_ids) or None,
                publish=publish, force=force, user=actor, fill=not rules_only, copy_from=source,
            )  # fmt: skip
    except LoaError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Tuần {result.week}, {result.channels} đài: thêm {result.items_added} chương trình"
        + (f", chép {result.copied} từ tuần trước" if fill_missing else "")
        + (f", công bố {result.published} lịch" if publish else "")
        + f" / added {result.items_added} items"
    )
    for line in result.copy_skipped[:20]:
        click.echo(f"  không chép / not copied: {line}")
    _table(loa, result)
    click.echo(
        f"Tỷ lệ đài-quy định đạt tối thiểu tuần này / share of channel-rules met: "
        f"{result.share_met(False):.1%} → {result.share_met(True):.1%}"
    )
    if result.shortfalls:
        click.echo(f"Chưa đáp ứng / shortfalls ({len(result.shortfalls)}):")
        rules = {r.id: r for r in loa.settings.rules}
        for s in result.shortfalls:
            level = "tối thiểu" if s.level == "minimum" else "mục tiêu"
            click.echo(
                f"  - {result.channel_names.get(s.channel_id, s.channel_id)} · "
                f"{rules[s.rule_id].name_vi} ({level}: cần {s.needed:g}, đã xếp {s.planned:g}): "
                f"{s.text_vi}"
            )
            click.echo(f"      {s.text_en}")


def register(group: click.Group) -> None:
    """Attach plan."""
    group.add_command(plan_command)
