"""`loa serve`: run the web application (development server, or gunicorn for production)."""

from __future__ import annotations

import os
import shutil
import sys

import click

import migrations
from audio.messages import N_
from web.cli.context import LoaContext, pass_loa


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=0,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Run gunicorn with this many worker processes (0 = the built-in threaded server).",
)
@pass_loa
def serve_command(loa: LoaContext, host: str, port: int, workers: int) -> None:
    """Serve the web pages and the JSON API (http://HOST:PORT)."""
    if not migrations.is_current(loa.engine):
        raise loa.error(N_("The database is not at the newest schema: run `loa db upgrade` first"))
    if workers:
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        if not os.path.exists(gunicorn):
            raise loa.error(N_("gunicorn is not installed (pip install gunicorn)"))
        env = dict(os.environ)
        if loa.config_path:
            env["LOA_CONFIG"] = loa.config_path
        args = [gunicorn, "-w", str(workers), "-b", f"{host}:{port}", "web.wsgi:app"]
        os.execve(gunicorn, args, env)
    from web.app import create_app

    app = create_app(loa.settings, loa.engine)
    loa.echo(N_("Loa at %(url)s (Ctrl+C to stop)"), url=f"http://{host}:{port}/")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def register(group: click.Group) -> None:
    """Attach the serve command."""
    group.add_command(serve_command)
