"""The `loa` command line: one group, with sub-commands registered from small modules."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click

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
# `loa agent` runs on a station's computer: it loads none of the server's commands (no Flask).
AGENT_MODULE = "web.cli.agent"


@dataclass(frozen=True)
class CliOptions:
    """The top-level options, for `loa agent`, which needs no server configuration to run."""

    config_path: str | None
    language: str | None


class LoaGroup(click.Group):
    """The `loa` group: server commands are imported on first use, `loa agent` alone."""

    _loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for name in (*COMMAND_MODULES, AGENT_MODULE):
                importlib.import_module(name).register(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command; `agent` without importing the others."""
        if cmd_name == "agent" and not self._loaded:
            group: click.Command = importlib.import_module(AGENT_MODULE).agent_group
            return group
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command (imports them all: only for help)."""
        self._load()
        return super().list_commands(ctx)


@click.group(cls=LoaGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    if ctx.invoked_subcommand == "agent":
        ctx.obj = CliOptions(config_path, language)
        return
    from web.cli.context import LoaContext

    ctx.obj = LoaContext(config_path, language)
