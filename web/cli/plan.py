"""`loa plan`: fill a week's schedules so that every rule is met, and report what cannot be."""

from __future__ import annotations

import json

import click

from audio.messages import N_, message
from scheduler.errors import LoaError
from scheduler.periods import PeriodError, Week
from scheduler.planner import PlanResult, plan_week
from scheduler.rules import STATUSES
from web.cli.context import LoaContext, pass_loa


def _cells(c: dict[str, int]) -> str:
    counts = "/".join(str(c.get(s, 0)) for s in STATUSES[:3])
    return f"{counts}; {c.get('week_met', 0)}/{c.get('channels', 0)}"


def _table(loa: LoaContext, result: PlanResult) -> None:
    """Per rule: channels at each status before and after (and before copying, if copied)."""
    before, after = result.summary_before(), result.summary_after()
    copied = PlanResult._summary(result.before_copy) if result.before_copy else None
    loa.echo(
        N_(
            "Rule: before copying → after copying → after planning"
            " (target met / minimum met / below minimum; this week met)"
        )
        if copied
        else N_("Rule: before → after (target met / minimum met / below minimum; this week met)")
    )
    english = loa.language == "en"
    for rule in loa.settings.rules:
        if rule.id not in after:
            continue
        cols = [before.get(rule.id, {}), after[rule.id]]
        if copied is not None:
            cols.insert(0, copied.get(rule.id, {}))
        name = rule.name_en if english else rule.name_vi
        click.echo(f"  {rule.id} ({name}): " + " → ".join(_cells(c) for c in cols))


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
    """Plan the week: fill every channel of the area so that every rule reaches its target
    (at least its minimum) under basis planned, then top up every slot's free airtime; pinned
    items stay.

    Prints the rule status before and after, and every rule that cannot be met with its cause.
    Nothing is written when the input is refused.
    """
    if copy_from and not fill_missing:
        raise loa.error(N_("--copy-from needs --fill-missing"))
    try:
        source = None
        if fill_missing:
            try:
                source = Week.parse(copy_from) if copy_from else Week.parse(week).shift(-1)
            except PeriodError as exc:
                raise loa.refuse(exc) from exc
        with loa.session() as session:
            result = plan_week(
                session, loa.settings, week, unit_code, list(channel_ids) or None,
                publish=publish, force=force, user=actor, fill=not rules_only, copy_from=source,
                replan=replan,
            )  # fmt: skip
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(loa.text), ensure_ascii=False, indent=2))
        return
    done = [message(N_("%(n)s programmes added"), n=result.items_added)]
    if fill_missing:
        done.append(message(N_("%(n)s copied from the previous week"), n=result.copied))
    if replan:
        done.append(
            message(N_("%(n)s unpinned programmes taken out to plan again"), n=result.removed)
        )
    if publish:
        done.append(message(N_("%(n)s schedules published"), n=result.published))
    loa.echo(
        N_("Week %(week)s, %(channels)s channels: %(done)s"),
        week=result.week,
        channels=result.channels,
        done=done,
    )
    for line in result.copy_skipped[:20]:
        click.echo("  " + loa.text(message(N_("not copied: %(why)s"), why=line)))
    if len(result.copy_skipped) > 20:
        click.echo(f"  … (+{len(result.copy_skipped) - 20})")
    _table(loa, result)
    loa.echo(
        N_("Share of channel-rules whose minimum is met this week: %(before)s → %(after)s"),
        before=f"{result.share_met(False):.1%}",
        after=f"{result.share_met(True):.1%}",
    )
    if result.shortfalls:
        _shortfalls(loa, result)
    _notes(loa, result)


def _notes(loa: LoaContext, result: PlanResult) -> None:
    """Rules planned past their target plus the margin, and airtime left free, per station."""
    notes = result.notes()
    for note in notes[:40]:
        name = result.channel_names.get(note.channel_id, str(note.channel_id))
        click.echo(f"  * {name}: {loa.text(note.message())}")
    if len(notes) > 40:
        click.echo(f"  … (+{len(notes) - 40})")


def _shortfalls(loa: LoaContext, result: PlanResult) -> None:
    """Shortfalls grouped by rule, level and cause, so that a province stays readable."""
    lang = loa.language
    rules = {r.id: r for r in loa.settings.rules}
    groups: dict[tuple[str, str, str], list] = {}
    for s in result.shortfalls:
        groups.setdefault((s.rule_id, s.level, s.in_language(lang)), []).append(s)
    loa.echo(N_("Shortfalls (%(n)s channel-rules):"), n=len(result.shortfalls))
    for (rule_id, level, why), items in groups.items():
        where = loa.text(message(N_("minimum") if level == "minimum" else N_("target")))
        names = [result.channel_names.get(s.channel_id, str(s.channel_id)) for s in items]
        if len(items) == 1:
            s = items[0]
            who = message(
                N_("%(channel)s (needs %(needed)s, %(planned)s placed)"),
                channel=names[0],
                needed=f"{s.needed:g}",
                planned=f"{s.planned:g}",
            )
        else:
            more = f" … (+{len(names) - 5})" if len(names) > 5 else ""
            who = message(
                N_("%(n)s channels: %(names)s"), n=len(items), names=", ".join(names[:5]) + more
            )
        rule = rules[rule_id]
        name = rule.name_en if lang == "en" else rule.name_vi
        click.echo(f"  - {name} [{where}] · {loa.text(who)}")
        click.echo(f"      {why}")


def register(group: click.Group) -> None:
    """Attach plan."""
    group.add_command(plan_command)
