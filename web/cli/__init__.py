"""The `loa` command line: one group, with sub-commands registered from small modules."""

from __future__ import annotations

import importlib

import click

from web.cli.context import LoaContext

# Each module defines `register(group)`; add new command modules here.
COMMAND_MODULES = (
    "web.cli.db",
    "web.cli.bulk",
    "web.cli.units",
    "web.cli.demo",
    "web.cli.worker",
    "web.cli.ops",
    "web.cli.notifications",
    "web.cli.audio",
    "web.cli.programmes",
    "web.cli.speech",
    "web.cli.feeds",
    "web.cli.plan",
    "web.cli.users",
    "web.cli.serve",
    "web.cli.compliance",
    "web.cli.emergency",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="LOA_CONFIG",
    help="Config file (default: config.toml of the project; env LOA_CONFIG).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["vi", "en"]),
    envvar="LOA_LANG",
    help="Language of messages (default: [locale].language of the config; env LOA_LANG).",
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None, language: str | None) -> None:
    """Loa: plan, track and prove grassroots broadcasts (lịch phát sóng, nhật ký, chỉ tiêu)."""
    ctx.obj = LoaContext(config_path, language)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
