"""`loa worker`: run the background worker; run one job now; show lease and recent runs."""

from __future__ import annotations

import datetime as dt
import threading

import click

from audio.messages import N_
from scheduler.compliance.labels import Reader
from scheduler.config import WORKER_JOBS
from scheduler.ops import logs
from web.catalogue import catalogue
from web.cli.context import LoaContext, pass_loa


def _reader(loa: LoaContext) -> Reader:
    """Files the jobs write (the pre-built reports) are in the configured language."""
    return Reader(loa.language, catalogue(loa.language).gettext)


@click.group("worker", invoke_without_command=True)
@click.option("--instance", help="Name of this worker in the lease and heartbeats (host:pid).")
@click.pass_context
def worker_group(ctx: click.Context, instance: str | None) -> None:
    """Run the background worker (APScheduler jobs; one active, others stand by)."""
    if ctx.invoked_subcommand is not None:
        return
    from scheduler.worker.service import Worker, install_signal_handlers

    loa = ctx.find_object(LoaContext)
    assert loa is not None  # the root group always sets it
    logs.configure()
    stop = threading.Event()
    install_signal_handlers(stop)
    Worker(loa.settings, loa.engine, instance=instance, reader=_reader(loa)).run(stop)


@worker_group.command("run-job")
@click.argument("job_id", type=click.Choice(WORKER_JOBS[:-1]))
@click.option("--at", "at_text", help="Scheduled time (ISO, with offset); default: latest.")
@pass_loa
def run_job(loa: LoaContext, job_id: str, at_text: str | None) -> None:
    """Run one job now for its latest scheduled time (idempotent: a done run is skipped)."""
    from scheduler.worker.runner import WorkerContext, execute, install, last_fire_time

    if job_id not in loa.settings.worker.jobs:
        raise loa.error(
            N_("The job '%(job)s' is not configured in [worker.jobs] of %(file)s"),
            job=job_id,
            file=loa.settings.source,
        )
    ctx = WorkerContext(
        loa.settings, loa.engine, loa.session_factory, instance="cli", reader=_reader(loa)
    )
    install(ctx)
    if at_text:
        try:
            at = dt.datetime.fromisoformat(at_text)
        except ValueError as exc:
            raise loa.error(
                N_("--at: '%(value)s' is not an ISO date and time"), value=at_text
            ) from exc
        if at.tzinfo is None:
            raise loa.error(N_("--at needs a time zone offset, e.g. 2026-11-23T05:00+07:00"))
    else:
        found = last_fire_time(ctx.trigger(job_id), ctx.clock.now())
        if found is None:
            raise loa.error(
                N_("The job '%(job)s' never fired within the last 400 days"), job=job_id
            )
        at = found
    summary = execute(ctx, job_id, at.astimezone(dt.UTC))
    if summary is not None:
        click.echo(summary)
    else:
        loa.echo(N_("%(job)s at %(at)s: already done"), job=job_id, at=at.isoformat())


@worker_group.command("status")
@pass_loa
def status(loa: LoaContext) -> None:
    """Show who holds the lease, the heartbeats and the latest runs."""
    from sqlalchemy import select

    from scheduler.worker import lease, ledger
    from scheduler.worker.models import WorkerHeartbeat

    with loa.session() as s:
        held = lease.current(s)
        if held is None:
            loa.echo(N_("lease: never held"))
        else:
            loa.echo(
                N_("lease: %(holder)s until %(until)s"),
                holder=held.holder,
                until=held.expires_at.isoformat(),
            )
        for beat in s.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc())):
            click.echo(f"heartbeat: {beat.instance} {beat.role} {beat.beat_at.isoformat()}")
        for run in ledger.runs(s, limit=20):
            click.echo(
                f"run: {run.job_id} {run.scheduled_for.isoformat()} {run.state} "
                f"{run.instance} {run.summary or ''}"
            )


def register(group: click.Group) -> None:
    """Attach the worker commands."""
    group.add_command(worker_group)
