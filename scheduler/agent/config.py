"""The agent's own config file (agent.toml, written by `loa agent pair`): server, key, cache."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from audio.messages import N_, TranslatableError


class AgentError(TranslatableError):
    """A problem the agent reports to the person at the station (config, cache, server)."""


@dataclass(frozen=True)
class AgentConfig:
    """Where the server is, the agent's credential, its cache folder and output."""

    server: str
    token: str
    channel_id: int
    agent_id: int
    cache_dir: Path
    output: str = "null"
    after_emergency: str = "resume"  # the slot an emergency broadcast interrupted: resume | leave

    @property
    def audio_dir(self) -> Path:
        """Where cached renditions live, named by their SHA-256."""
        return self.cache_dir / "audio"

    @property
    def db_path(self) -> Path:
        """The local SQLite: schedule, file index, as-run log."""
        return self.cache_dir / "agent.db"


def check_output(output: str) -> str:
    """null, wav:FOLDER or device:NAME."""
    kind, _, rest = output.partition(":")
    if output == "null" or (kind in ("wav", "device") and rest):
        return output
    raise AgentError(
        N_("The output must be null, wav:FOLDER or device:NAME, not %(value)s"),
        code="agent.output",
        value=output,
    )


def load_agent_config(path: str | Path, output: str | None = None) -> AgentConfig:
    """Read and check agent.toml; relative cache paths are relative to the file."""
    source = Path(path)
    try:
        with source.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise AgentError(
            N_("%(file)s: the configuration file was not found"), code="config.file", file=path
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise AgentError(
            N_("%(file)s: the configuration file is not valid TOML (%(reason)s)"),
            code="config.toml",
            file=str(path),
            reason=str(exc),
        ) from exc
    section = data.get("agent")
    if not isinstance(section, dict):
        raise AgentError(
            N_("%(file)s: the key '%(key)s' is missing"), code="config.missing", file=str(path),
            key="agent",
        )  # fmt: skip
    wanted = {"server": str, "token": str, "channel_id": int, "agent_id": int}
    for key, kind in wanted.items():
        if not isinstance(section.get(key), kind):
            raise AgentError(
                N_("%(file)s: the key '%(key)s' is missing"), code="config.missing",
                file=str(path), key=f"agent.{key}",
            )  # fmt: skip
    unknown = set(section) - {*wanted, "cache_dir", "output", "after_emergency"}
    if unknown:
        raise AgentError(
            N_("%(file)s: unknown key '%(key)s'"), code="config.unknown", file=str(path),
            key=f"agent.{sorted(unknown)[0]}",
        )  # fmt: skip
    after = section.get("after_emergency", "resume")
    if after not in ("resume", "leave"):
        raise AgentError(
            N_("%(file)s: after_emergency must be resume or leave, not %(value)s"),
            code="config.after_emergency", file=str(path), value=str(after),
        )  # fmt: skip
    cache = Path(str(section.get("cache_dir", "loa-agent-cache")))
    if not cache.is_absolute():
        cache = source.resolve().parent / cache
    return AgentConfig(
        server=section["server"].rstrip("/"),
        token=section["token"],
        channel_id=section["channel_id"],
        agent_id=section["agent_id"],
        cache_dir=cache,
        output=check_output(output or str(section.get("output", "null"))),
        after_emergency=after,
    )
