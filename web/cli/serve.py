"""`loa serve`: run the web application with gunicorn (the production server), in-process.

gunicorn is already Loa's production server (docs/production.md); running it here means a
newcomer's `make demo` and a commune's server behave the same, with threads for slow phones,
and no development-server warning. `--workers 0` runs Flask's development server instead, for
debugging on one's own computer, and says so.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

import migrations
from audio.messages import N_
from web.cli.context import LoaContext, pass_loa
from web.settings import AppSettings


class LoaServer(BaseApplication):
    """gunicorn running Loa on settings already read: each worker builds its own app."""

    def __init__(self, settings: AppSettings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        """gunicorn's settings from the command line, not from gunicorn's own arguments."""
        for key, value in self._options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:  # gunicorn >= 27: no socket in $HOME
            self.cfg.set("control_socket_disable", True)

    # Flask is a WSGI app; types-gunicorn types it as a callable whose start_response takes no
    # exc_info, narrower than Flask.__call__ accepts, so the override is reported.
    def load(self) -> Flask:  # type: ignore[override]
        """The app, built in the worker (its own database connections)."""
        from web.app import create_app

        return create_app(self._settings)


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """Threads serve the slow phones' long requests without tying up a process each."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": 30,
        "graceful_timeout": 10,
        "proc_name": "loa",
    }


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 64),
    help="gunicorn worker processes (0: Flask's development server, for debugging only).",
)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@pass_loa
def serve_command(loa: LoaContext, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web pages and the JSON API (http://HOST:PORT) with gunicorn."""
    if not migrations.is_current(loa.engine):
        raise loa.error(N_("The database is not at the newest schema: run `loa db upgrade` first"))
    url = f"http://{host}:{port}/"
    settings = loa.settings
    loa.engine.dispose()  # the workers open their own connections
    if workers == 0:
        loa.echo(
            N_(
                "Loa at %(url)s on Flask's development server (one process, for debugging on "
                "this computer only); Ctrl+C stops it."
            ),
            url=url,
        )
        from web.app import create_app

        create_app(settings).run(host=host, port=port, threaded=True, use_reloader=False)
        return
    loa.echo(
        N_(
            "Loa at %(url)s (gunicorn: %(workers)s worker processes, %(threads)s threads each); "
            "Ctrl+C stops it."
        ),
        url=url, workers=workers, threads=threads,
    )  # fmt: skip
    LoaServer(settings, gunicorn_options(host, port, workers, threads)).run()


def register(group: click.Group) -> None:
    """Attach the serve command."""
    group.add_command(serve_command)
