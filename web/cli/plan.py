"""`loa plan`: fill a week's schedules so that every rule is met, and report what cannot be."""

from __future__ import annotations

import json

import click

from scheduler.errors import LoaError
from scheduler.periods import PeriodError, Week
from scheduler.planner import PlanResult, plan_week
from scheduler.rules import STATUSES
from web.cli.context import LoaContext, fail, pass_loa


def _cells(c: dict[str, int]) -> str:
    counts = "/".join(str(c.get(s, 0)) for s in STATUSES[:3])
    return f"{counts}; {c.get('week_met', 0)}/{c.get('channels', 0)}"


def _table(loa: LoaContext, result: PlanResult) -> None:
    """Per rule: channels at each status before and after (and before copying, if copied)."""
    before, after = result.summary_before(), result.summary_after()
    copied = PlanResult._summary(result.before_copy) if result.before_copy else None
    steps = "trước khi chép → sau khi chép → sau khi lập" if copied else "trước → sau"
    click.echo(f"Quy định / rule: {steps} (đạt mục tiêu / đạt tối thiểu / chưa đạt; tuần này đạt)")
    for rule in loa.settings.rules:
        if rule.id not in after:
            continue
        cols = [before.get(rule.id, {}), after[rule.id]]
        if copied is not None:
            cols.insert(0, copied.get(rule.id, {}))
        click.echo(f"  {rule.id} ({rule.name_vi}): " + " → ".join(_cells(c) for c in cols))


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
@click.option(
    "--replan",
    is_flag=True,
    help="First take out the week's unpinned items (none confirmed as aired), then plan again.",
)
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
    replan: bool,
    actor: str,
    as_json: bool,
) -> None:
    """Lập lịch tự động: plan every channel of the area so that every rule reaches its target
    (at least its minimum) under basis planned, then top up every slot's free airtime; pinned
    items stay.

    Prints the rule status before and after, and every rule that cannot be met with its cause.
    Nothing is written when the input is refused.
    """
    if copy_from and not fill_missing:
        raise fail("--copy-from cần đi kèm --fill-missing / --copy-from needs --fill-missing")
    try:
        source = None
        if fill_missing:
            try:
                source = Week.parse(copy_from) if copy_from else Week.parse(week).shift(-1)
            except PeriodError as exc:
                raise fail(str(exc)) from exc
        with loa.session() as session:
            result = plan_week(
                session, loa.settings, week, unit_code, list(channel_ids) or None,
                publish=publish, force=force, user=actor, fill=not rules_only, copy_from=source,
                replan=replan,
            )  # fmt: skip
    except LoaError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Tuần {result.week}, {result.channels} đài: thêm {result.items_added} chương trình"
        + (f", chép {result.copied} từ tuần trước" if fill_missing else "")
        + (f", bỏ {result.removed} chương trình chưa ghim để lập lại" if replan else "")
        + (f", công bố {result.published} lịch" if publish else "")
        + f" / added {result.items_added} items"
    )
    for line in result.copy_skipped[:20]:
        click.echo(f"  không chép / not copied: {line}")
    if len(result.copy_skipped) > 20:
        click.echo(f"  … (+{len(result.copy_skipped) - 20})")
    _table(loa, result)
    click.echo(
        f"Tỷ lệ đài-quy định đạt tối thiểu tuần này / share of channel-rules met: "
        f"{result.share_met(False):.1%} → {result.share_met(True):.1%}"
    )
    if result.shortfalls:
        _shortfalls(loa, result)
    _notes(loa, result)


def _notes(loa: LoaContext, result: PlanResult) -> None:
    """Rules planned past their target plus the margin, and airtime left free, per station."""
    notes = [*result.excess, *result.free]
    for note in notes[:40]:
        name = result.channel_names.get(note.channel_id, str(note.channel_id))
        click.echo(f"  * {name}: {loa.text(note.message())}")
    if len(notes) > 40:
        click.echo(f"  … (+{len(notes) - 40})")


def _shortfalls(loa: LoaContext, result: PlanResult) -> None:
    """Shortfalls grouped by rule, level and cause, so that a province stays readable."""
    rules = {r.id: r for r in loa.settings.rules}
    groups: dict[tuple[str, str, str], list] = {}
    for s in result.shortfalls:
        groups.setdefault((s.rule_id, s.level, s.text_vi), []).append(s)
    click.echo(f"Chưa đáp ứng / shortfalls ({len(result.shortfalls)} đài-quy định):")
    for (rule_id, level, text_vi), items in groups.items():
        where = "tối thiểu / minimum" if level == "minimum" else "mục tiêu / target"
        names = [result.channel_names.get(s.channel_id, str(s.channel_id)) for s in items]
        if len(items) == 1:
            s = items[0]
            who = f"{names[0]} (cần {s.needed:g}, đã xếp {s.planned:g})"
        else:
            more = f" … (+{len(names) - 5})" if len(names) > 5 else ""
            who = f"{len(items)} đài: {', '.join(names[:5])}{more}"
        click.echo(f"  - {rules[rule_id].name_vi} [{where}] · {who}")
        click.echo(f"      {text_vi}")
        click.echo(f"      {items[0].text_en}")


def register(group: click.Group) -> None:
    """Attach plan."""
    group.add_command(plan_command)
