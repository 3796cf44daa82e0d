"""End-to-end agent tests: `loa serve` and `loa agent run` processes on a private database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import tomli_w

from tests.conftest import ROOT
from tests.process_helpers import wait_for
from tests.worker_helpers import config_data

LOA = [sys.executable, "-c", "from web.cli import main; main()"]


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_config(path: Path, database_url: str, media: Path) -> Path:
    """The project's config with this database, media folder and quick agent polls."""
    data = config_data()
    data["database"]["url"] = database_url
    data["media"]["folder"] = str(media)
    data["agent"].update(poll_seconds=5, emergency_poll_seconds=1)
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


class Proc:
    """A subprocess with its output in a file beside the test."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log_path = log
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        full = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        full.pop("LOA_CONFIG", None)
        self.proc = subprocess.Popen(args, cwd=ROOT, env=full, stdout=self._log,
                                     stderr=subprocess.STDOUT)  # fmt: skip

    def kill9(self) -> None:
        """SIGKILL: no cleanup at all."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()

    def text(self) -> str:
        """What it printed."""
        return self.log_path.read_text(errors="replace")


class Server(Proc):
    """`loa serve` (gunicorn, one worker) on a port."""

    def __init__(self, config: Path, port: int, log_dir: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        args = [*LOA, "--config", str(config), "serve", "--host", "127.0.0.1", "--port",
                str(port), "--workers", "1", "--threads", "4"]  # fmt: skip
        super().__init__(args, log_dir / f"server-{uuid.uuid4().hex[:4]}.log")
        wait_for(self.up, 60, f"the server on port {port}\n{self.text()[-2000:]}")

    def up(self) -> bool:
        """True when it answers."""
        try:
            with urllib.request.urlopen(self.url + "/api/v1/ping", timeout=1) as r:  # noqa: S310
                return r.status == 200
        except OSError:
            return False


class AgentProcess(Proc):
    """`loa agent run` with a wav output."""

    def __init__(
        self, config: Path, wav: Path, log_dir: Path, env: dict[str, str] | None = None
    ) -> None:
        args = [*LOA, "--lang", "en", "agent", "run", "--config", str(config), "--output",
                f"wav:{wav}"]  # fmt: skip
        super().__init__(args, log_dir / f"agent-{uuid.uuid4().hex[:4]}.log", env)


def agent_status(config: Path) -> dict[str, Any]:
    """`loa agent status --json`."""
    out = subprocess.run([*LOA, "agent", "status", "--config", str(config), "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(out.stdout))


def write_agent_config(path: Path, server: str, token: str, channel_id: int, agent_id: int) -> Path:
    """agent.toml as `loa agent pair` writes it, with the cache beside it."""
    from scheduler.fleet.credentials import agent_config

    path.write_text(agent_config(server, token, channel_id, agent_id), encoding="utf-8")
    return path


def until(predicate: Any, timeout: float, what: str) -> Any:
    """wait_for with a readable name."""
    return wait_for(predicate, timeout, what, step=0.25)


def now() -> float:
    """Wall clock."""
    return time.time()
