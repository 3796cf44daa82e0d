"""`loa compliance` and `loa report`: rule compliance and periodic reports from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from audio.messages import N_, message
from scheduler.compliance import evaluate
from scheduler.compliance.export_flat import (
    csv_bytes,
    report_csv,
    report_json,
    result_csv,
    result_json,
)
from scheduler.compliance.labels import PERIOD_KIND, Reader, status_name
from scheduler.compliance.reports import build_report
from scheduler.errors import LoaError
from web.catalogue import catalogue
from web.cli.context import LoaContext, pass_loa

PERIOD_HELP = "Period: 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026 or 2026-01-01..2026-03-31."
HEADINGS = (N_("channel"), N_("unit"), N_("count"), N_("periods met"), N_("status"))


def _reader(loa: LoaContext) -> Reader:
    """Exports in the command's language (--lang, LOA_LANG, [locale].language)."""
    return Reader(loa.language, catalogue(loa.language).gettext)


def _table(loa: LoaContext, result: Any) -> str:
    """A plain-text table: per rule, per channel, the window's count and status."""
    lang = loa.language
    reader = _reader(loa)
    channel, unit, count, met, status = (loa.text(message(h)) for h in HEADINGS)
    lines = []
    for rr in result.rules:
        rule = rr.rule
        counts = ", ".join(f"{status_name(k, reader)}: {v}" for k, v in rr.by_status().items())
        head = message(
            N_("%(name)s (%(period)s, minimum %(minimum)s)")
            if rule.target is None
            else N_("%(name)s (%(period)s, minimum %(minimum)s, target %(target)s)"),
            name=rule.name_en if lang == "en" else rule.name_vi,
            period=reader(PERIOD_KIND[rule.period]),
            minimum=rule.minimum,
            target=rule.target,
        )
        lines.append(f"\n== {rule.id}: {loa.text(head)} — {counts}")
        lines.append(f"{'id':>6}  {channel:<40} {unit:<7} {count:>8}  {met:>7}  {status}")
        for cr in rr.channels:
            lines.append(
                f"{cr.channel.id:>6}  {cr.channel.name[:40]:<40} {cr.channel.unit_code:<7} "
                f"{cr.count:>8g}  {cr.met:>3}/{cr.applicable:<3}  {status_name(cr.status, reader)}"
            )
    return "\n".join(lines).lstrip("\n")


@click.command("compliance")
@click.option("--period", "period", required=True, help=PERIOD_HELP)
@click.option("--unit", "unit_code", default=None, help="GSO code of the area (default: all).")
@click.option("--rule", "rule_ids", multiple=True, help="Rule id (repeatable; default: all).")
@click.option("--basis", type=click.Choice(["aired", "planned"]), default=None,
              help="Override every rule's basis.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]),
              default="table", show_default=True)  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (required for xlsx).")  # fmt: skip
@pass_loa
def compliance_command(loa: LoaContext, period: str, unit_code: str | None,
                       rule_ids: tuple[str, ...], basis: str | None, fmt: str,
                       output: str | None) -> None:  # fmt: skip
    """Rule compliance (mức độ đạt chỉ tiêu) per channel for a period."""
    if fmt == "xlsx" and not output:
        raise loa.error(N_("--format xlsx needs -o FILE.xlsx"))
    try:
        with loa.read_session() as session:
            result = evaluate(session, loa.settings, period, unit_code=unit_code,
                              rule_ids=rule_ids or None, basis=basis)  # fmt: skip
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    if fmt == "xlsx":
        from scheduler.compliance.export_xlsx import write_result_xlsx

        assert output is not None  # refused above when missing
        write_result_xlsx(result, loa.settings, output, _reader(loa))
        loa.echo(N_("Wrote %(file)s"), file=output, err=True)
        return
    if fmt == "csv":
        text = result_csv(result, loa.settings, _reader(loa))
    else:
        text = _table(loa, result) if fmt == "table" else result_json(result)
    if output and fmt == "csv":
        Path(output).write_bytes(csv_bytes(text))
        loa.echo(N_("Wrote %(file)s"), file=output, err=True)
    elif output:
        Path(output).write_text(text + ("\n" if not text.endswith("\n") else ""), "utf-8")
        loa.echo(N_("Wrote %(file)s"), file=output, err=True)
    else:
        click.echo(text)


@click.command("report")
@click.option("--period", "period", required=True, help=PERIOD_HELP)
@click.option("--unit", "unit_code", required=True, help="GSO code of the reporting unit.")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "json", "csv"]),
              required=True)  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@pass_loa
def report_command(loa: LoaContext, period: str, unit_code: str, fmt: str, output: str) -> None:
    """Periodic report (báo cáo định kỳ: quý, 6 tháng, năm or a date range) for a unit."""
    loa.echo(N_("Evaluating %(period)s for %(unit)s..."), period=period, unit=unit_code, err=True)
    try:
        with loa.read_session() as session:
            report = build_report(session, loa.settings, period, unit_code)
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    try:
        if fmt == "docx":
            from scheduler.compliance.export_docx import write_docx

            write_docx(report, loa.settings, output)
        elif fmt == "xlsx":
            from scheduler.compliance.export_xlsx import write_xlsx

            write_xlsx(report, loa.settings, output, _reader(loa))
        elif fmt == "csv":
            Path(output).write_bytes(csv_bytes(report_csv(report, loa.settings, _reader(loa))))
        else:
            Path(output).write_text(report_json(report), "utf-8")
    except OSError as exc:
        raise loa.error(
            N_("%(file)s cannot be written (%(reason)s)"), file=output, reason=str(exc)
        ) from exc
    if report.deadline:
        loa.echo(
            N_("Wrote %(file)s (%(title)s; due %(deadline)s)"),
            file=output,
            title=report.title_vi,
            deadline=f"{report.deadline:%d/%m/%Y}",
            err=True,
        )
    else:
        loa.echo(N_("Wrote %(file)s (%(title)s)"), file=output, title=report.title_vi, err=True)


def register(group: click.Group) -> None:
    """Attach the compliance and report commands."""
    group.add_command(compliance_command)
    group.add_command(report_command)
