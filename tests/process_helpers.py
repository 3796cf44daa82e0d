"""Run `loa worker` in subprocesses on a private database, read its JSON logs, wait for states."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import Engine

import migrations
from content.db import make_engine
from tests.conftest import PG_URL, ROOT
from tests.worker_helpers import write_config


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, step: float = 0.2) -> Any:
    """Poll until predicate() is truthy; fail the test naming what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


class PrivateDatabase:
    """A migrated database of its own: a SQLite file, or a PostgreSQL schema reached by URL."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        if backend == "sqlite":
            self.url = f"sqlite:///{tmp / 'worker.db'}"
            self.schema = None
        else:
            assert PG_URL
            self.schema = f"loa_w_{uuid.uuid4().hex[:10]}"
            admin = make_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            self.url = self.url_via(PG_URL)
        self.engine = make_engine(self.url)
        migrations.upgrade(self.engine)

    def url_via(self, base: str) -> str:
        """The URL of this database through another address (e.g. a TCP proxy)."""
        if self.schema is None:
            return base
        return f"{base}?options={quote(f'-csearch_path={self.schema}')}"

    def drop(self) -> None:
        """Dispose and, for PostgreSQL, drop the schema."""
        self.engine.dispose()
        if self.schema:
            admin = make_engine(PG_URL or "")
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()


class WorkerProcess:
    """One `loa worker` subprocess with its JSON log in a file."""

    def __init__(self, config: Path, name: str, log_dir: Path, env: dict[str, str] | None = None):
        self.name = name
        self.log_path = log_dir / f"{name}-{uuid.uuid4().hex[:4]}.log"
        full_env = {**os.environ, "LOA_LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1", **(env or {})}
        full_env.pop("LOA_CONFIG", None)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from web.cli import main; main()",
                "--config",
                str(config),
                "worker",
                "--instance",
                name,
            ],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def events(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far."""
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out

    def saw(self, event: str, **fields: Any) -> bool:
        """True once the log has an event with these fields."""
        return any(
            e.get("event") == event and all(e.get(k) == v for k, v in fields.items())
            for e in self.events()
        )

    def kill9(self) -> None:
        """SIGKILL: no cleanup at all."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM and wait for the graceful exit."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """Make sure the process is gone; keep the log beside the test for reading."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()


@contextmanager
def workers(tmp: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start workers with start(config, name, env); all are stopped at the end."""
    started: list[WorkerProcess] = []

    def start(config: Path, name: str, env: dict[str, str] | None = None) -> WorkerProcess:
        w = WorkerProcess(config, name, tmp, env)
        started.append(w)
        return w

    try:
        yield start
    finally:
        for w in started:
            w.stop()
        artefacts = ROOT / "artefacts" / "worker-logs"
        artefacts.mkdir(parents=True, exist_ok=True)
        for w in started:
            shutil.copy(w.log_path, artefacts / w.log_path.name)


def config_for(
    tmp: Path,
    db: PrivateDatabase,
    jobs: dict[str, dict[str, Any]],
    url: str | None = None,
    **worker: Any,
) -> Path:
    """A config file for worker subprocesses: short lease and heartbeat by default."""
    worker = {"lease_seconds": 4, "heartbeat_seconds": 1, "db_retry_max_seconds": 2, **worker}
    return write_config(
        tmp / f"worker-{uuid.uuid4().hex[:6]}.toml", url or db.url, jobs=jobs, **worker
    )


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    """One value from the database."""
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()
