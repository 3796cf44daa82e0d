"""`loa compliance` and `loa report`: rule compliance and periodic reports from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.compliance import evaluate
from scheduler.compliance.export_flat import (
    csv_bytes,
    report_csv,
    report_json,
    result_csv,
    result_json,
)
from scheduler.compliance.labels import Reader, status_name
from scheduler.compliance.reports import build_report
from scheduler.errors import LoaError
from web.catalogue import catalogue
from web.cli.context import LoaContext, fail, pass_loa

PERIOD_HELP = "Kỳ / period: 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026 or 2026-01-01..2026-03-31."


def _reader(loa: LoaContext) -> Reader:
    """Exports in the command's language (--lang, LOA_LANG, [locale].language)."""
    return Reader(loa.language, catalogue(loa.language).gettext)


def _table(result, reader: Reader) -> str:
    """A plain-text table: per rule, per channel, the window's count and status."""
    lines = []
    for rr in result.rules:
        counts = rr.by_status()
        lines.append(
            f"\n== {rr.rule.id}: {rr.rule.name_vi} ({rr.rule.period}, min {rr.rule.minimum}"
            f"{'' if rr.rule.target is None else f', target {rr.rule.target}'}) — "
            + ", ".join(f"{status_name(k, reader)}: {v}" for k, v in counts.items())
        )
        lines.append(f"{'id':>6}  {'đài / channel':<40} {'mã ĐV':<7} {'số đếm':>8}  "
                     f"{'kỳ đạt':>7}  trạng thái / status")  # fmt: skip
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
    """Mức độ đạt chỉ tiêu / rule compliance per channel for a period."""
    if fmt == "xlsx" and not output:
        raise fail("--format xlsx needs -o FILE.xlsx / cần -o TỆP.xlsx")
    try:
        with loa.read_session() as session:
            result = evaluate(session, loa.settings, period, unit_code=unit_code,
                              rule_ids=rule_ids or None, basis=basis)  # fmt: skip
    except LoaError as exc:
        raise fail(str(exc)) from exc
    if fmt == "xlsx":
        from scheduler.compliance.export_xlsx import write_result_xlsx

        write_result_xlsx(result, loa.settings, output, _reader(loa))  # type: ignore[arg-type]
        click.echo(f"written {output}", err=True)
        return
    if fmt == "csv":
        text = result_csv(result, loa.settings, _reader(loa))
    else:
        text = _table(result, _reader(loa)) if fmt == "table" else result_json(result)
    if output and fmt == "csv":
        Path(output).write_bytes(csv_bytes(text))
        click.echo(f"written {output}", err=True)
    elif output:
        Path(output).write_text(text + ("\n" if not text.endswith("\n") else ""), "utf-8")
        click.echo(f"written {output}", err=True)
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
    """Báo cáo định kỳ / periodic report (quý, 6 tháng, năm or a date range) for a unit."""
    click.echo(f"evaluating {period} for {unit_code}...", err=True)
    try:
        with loa.read_session() as session:
            report = build_report(session, loa.settings, period, unit_code)
    except LoaError as exc:
        raise fail(str(exc)) from exc
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
        raise fail(f"không ghi được {output} / cannot write {output}: {exc}") from exc
    due = f"; hạn nộp / due {report.deadline:%d/%m/%Y}" if report.deadline else ""
    click.echo(f"written {output} ({report.title_vi}{due})", err=True)


def register(group: click.Group) -> None:
    """Attach the compliance and report commands."""
    group.add_command(compliance_command)
    group.add_command(report_command)
