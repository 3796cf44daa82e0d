"""`loa import` and `loa export`: spreadsheets and JSON in and out, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from audio.messages import N_
from scheduler.bulk.exporter import export_rows
from scheduler.bulk.importer import import_rows
from scheduler.bulk.tables import read_file, write_json, write_xlsx
from scheduler.errors import LoaError
from scheduler.periods import Week
from web.cli.context import LoaContext, pass_loa


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "actor", default="import", show_default=True, help="Who is importing.")
@pass_loa
def import_command(loa: LoaContext, file: Path, actor: str) -> None:
    """Import channels, slot patterns, programmes, schedules and airings (JSON or XLSX).

    The whole file is imported or nothing is: every bad row is listed with its row number,
    column and reason. The format is described in docs/data-format.md.
    """
    try:
        rows = read_file(file)
        with loa.session() as session:
            summary = import_rows(session, loa.settings, rows, actor)
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(N_("%(file)s: %(summary)s"), file=file.name, summary=summary.message)


@click.command("export")
@click.option("--unit", "unit_code", help="GSO code of the area (default: everything).")
@click.option("--from-week", help="First ISO week of schedules and airings, e.g. 2026-W40.")
@click.option("--to-week", help="Last ISO week (default: the first week).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file; .json or .xlsx decides the format.",
)
@pass_loa
def export_command(
    loa: LoaContext,
    unit_code: str | None,
    from_week: str | None,
    to_week: str | None,
    output: Path,
) -> None:
    """Export an area's data in the bulk format (re-importable with `loa import`)."""
    suffix = output.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise loa.error(N_("%(file)s: use a .json or .xlsx file name"), file=output.name)
    try:
        weeks = None
        if from_week:
            first = Week.parse(from_week)
            weeks = (first, Week.parse(to_week) if to_week else first)
        elif to_week:
            raise loa.error(N_("--to-week needs --from-week"))
        with loa.read_session() as session:
            sections = export_rows(session, loa.settings, unit_code, weeks)
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    tmp = output.with_name(output.name + ".part")
    (write_json if suffix == ".json" else write_xlsx)(tmp, sections)
    tmp.replace(output)
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in sections.items())
    loa.echo(N_("Wrote %(file)s: %(counts)s"), file=str(output), counts=counts)


def register(group: click.Group) -> None:
    """Attach import and export."""
    group.add_command(import_command)
    group.add_command(export_command)
