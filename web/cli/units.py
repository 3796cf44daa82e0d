"""`loa units ...`: import the official unit lists and list or search the stored units."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path

import click

from audio.messages import N_, Message, message
from content.text import InvalidText, clean_optional
from scheduler.models.units import AdminUnit
from scheduler.units import (
    UnitsError,
    import_file,
    import_list,
    list_units,
    package_list,
)
from web.cli.context import LoaContext, pass_loa

ACTOR = "cli"
HEADER = (
    N_("code"),
    N_("structure"),
    N_("level"),
    N_("name"),
    N_("parent"),
    N_("valid from"),
    N_("valid to"),
)


def _progress(loa: LoaContext) -> Callable[[Message], None]:
    """Progress lines go to stderr so --format json output stays clean."""
    return lambda line: click.echo("  " + loa.text(line), err=True)


def _date(ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """Parse YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        loa = ctx.find_object(LoaContext)
        bad = message(N_("%(value)s: the date must be YYYY-MM-DD"), value=repr(value))
        raise click.BadParameter(loa.text(bad) if loa else str(bad)) from exc


@click.group("units")
def units_group() -> None:
    """Administrative units (đơn vị hành chính; 2025 and pre-2025 structures)."""


@units_group.command("import")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--province", help="Province code or name (e.g. 19, 'Thái Nguyên').")
@click.option(
    "--structure",
    type=click.Choice(["2025", "legacy"]),
    help="Structure: 2025 (34 provinces) or legacy (63 provinces, districts). "
    "Without FILE: which packaged list (default 2025); with FILE: checked against the file.",
)
@click.option(
    "--effective",
    callback=_date,
    help="Date the list takes effect (YYYY-MM-DD): units gone "
    "from it are closed then, new ones start then. Default: today (2025 structure).",
)
@click.option(
    "--complete",
    is_flag=True,
    help="FILE lists the whole country: also close provinces missing from it.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_loa
def import_cmd(
    loa: LoaContext,
    file: Path | None,
    province: str | None,
    structure: str | None,
    effective: dt.date | None,
    complete: bool,
    fmt: str,
) -> None:
    """Import the official list: from FILE (JSON, GSO CSV/XLSX) or packaged.

    Without FILE the list shipped with Loa is used (2025: vietnam-provinces; legacy:
    vietnamadminunits); without --province the whole country is imported.
    """
    started = time.perf_counter()
    progress = _progress(loa)
    try:
        with loa.session() as session:
            if file is None:
                what = structure or "2025"
                progress(message(N_("reading the packaged %(what)s list …"), what=what))
                units = package_list(what)
                summary = import_list(
                    session,
                    units,
                    ACTOR,
                    province=province,
                    effective=effective,
                    complete=province is None,
                    progress=progress,
                )
            else:
                progress(message(N_("reading %(file)s …"), file=str(file)))
                summary = import_file(
                    session,
                    file,
                    ACTOR,
                    structure=structure,
                    province=province,
                    effective=effective,
                    complete=complete,
                    progress=progress,
                )
    except UnitsError as exc:
        raise loa.refuse(exc) from exc
    elapsed = time.perf_counter() - started
    if fmt == "json":
        click.echo(
            json.dumps({**summary.as_dict(), "seconds": round(elapsed, 2)}, ensure_ascii=False)
        )
    else:
        click.echo(f"{loa.text(summary.line())} — {elapsed:.1f} s")


def _unit_dict(unit: AdminUnit) -> dict[str, object]:
    """A unit as JSON."""
    return {
        "code": unit.code,
        "structure": unit.structure,
        "level": unit.level,
        "unit_type": unit.unit_type,
        "name": unit.name,
        "full_name": unit.full_name,
        "name_en": unit.name_en,
        "parent_code": unit.parent.code if unit.parent else None,
        "valid_from": unit.valid_from.isoformat(),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "successor_code": unit.successor.code if unit.successor else None,
    }


@units_group.command("list")
@click.option("--province", help="Only this province (code or name).")
@click.option("--level", type=click.Choice(["province", "district", "commune"]))
@click.option("--structure", type=click.Choice(["2025", "legacy"]))
@click.option(
    "--on",
    "on",
    callback=_date,
    help="Units valid on DATE (default: today, unless "
    "--structure is given, which lists that structure whatever the dates).",
)
@click.option("--search", help="Name search, accents ignored.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_loa
def list_cmd(
    loa: LoaContext,
    province: str | None,
    level: str | None,
    structure: str | None,
    on: dt.date | None,
    search: str | None,
    fmt: str,
) -> None:
    """List stored units."""
    try:
        search = clean_optional(search, field=N_("search"))
        with loa.read_session() as session:
            units = list_units(
                session,
                province=province,
                level=level,
                structure=structure,
                on=on,
                search=search,
            )
            rows = [_unit_dict(u) for u in units]
    except (UnitsError, InvalidText) as exc:
        raise loa.refuse(exc) from exc
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        loa.echo(N_("No units"), err=True)
        return
    header = tuple(loa.text(message(h)) for h in HEADER)
    table = [
        (
            r["code"],
            r["structure"],
            r["level"],
            r["full_name"] or r["name"],
            r["parent_code"] or "",
            r["valid_from"],
            r["valid_to"] or "",
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table, strict=False)]
    for line in (header, *table):
        click.echo("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())
    loa.echo(N_("%(n)s units"), n=len(rows), err=True)


def register(group: click.Group) -> None:
    """Attach the units commands."""
    group.add_command(units_group)
