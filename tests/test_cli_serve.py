"""`loa db upgrade` says where the database stands; `loa serve` runs gunicorn, compressed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from click.testing import CliRunner

import migrations
from content.db import make_engine
from tests.process_helpers import wait_for
from web.cli import main
from web.cli.db import newest


def _newest_head() -> str:
    from alembic.script import ScriptDirectory

    return newest(set(ScriptDirectory.from_config(migrations.alembic_config()).get_heads()))


def test_db_upgrade_says_the_revision_in_one_language(tmp_path: Path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    monkeypatch.setenv("LOA_DATABASE_URL", url)
    head = _newest_head()
    runner = CliRunner()
    status = runner.invoke(main, ["--lang", "en", "db", "status"])
    assert status.output.strip() == "No Loa schema in this database yet: run `loa db upgrade`."
    first = runner.invoke(main, ["--lang", "en", "db", "upgrade"])
    assert first.exit_code == 0 and first.output.strip() == (
        f"Database created at revision {head} (newest)."
    )
    again = runner.invoke(main, ["--lang", "vi", "db", "upgrade"])
    assert again.output.strip() == (
        f"Cơ sở dữ liệu đã ở phiên bản {head} (mới nhất); không cần làm gì thêm."
    )
    older = tmp_path / "older.db"
    migrations.upgrade(make_engine(f"sqlite:///{older}"), "0006")
    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{older}")
    stale = runner.invoke(main, ["--lang", "en", "db", "status"])
    assert stale.output.strip() == (
        f"Database at revision 0006; the newest is {head}: run `loa db upgrade`."
    )
    upgraded = runner.invoke(main, ["--lang", "en", "db", "upgrade"])
    assert upgraded.output.strip() == (
        f"Database upgraded from revision 0006 to revision {head} (newest)."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_gunicorn_and_compresses(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'loa.db'}"
    migrations.upgrade(make_engine(db))
    port = _free_port()
    env = {**os.environ, "LOA_DATABASE_URL": db, "LOA_SECRET_KEY": "serve-test", "LOA_LANG": "en"}
    log = tmp_path / "serve.log"
    loa = Path(sys.executable).with_name("loa")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(loa), "serve", "--port", str(port), "--threads", "2"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:

        def login() -> bytes | None:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/login", headers={"Accept-Encoding": "gzip"}
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as r:
                    assert r.headers["Content-Encoding"] == "gzip"
                    return bytes(r.read())
            except OSError:
                return None

        body = wait_for(login, 90, "loa serve to answer")
        assert body[:2] == b"\x1f\x8b"  # gzip
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert f"Loa at http://127.0.0.1:{port}/ (gunicorn: 1 worker processes" in output, output
    assert "Booting worker" in output
    assert "development server" not in output.lower(), output
