"""Worker configuration errors name the key; `loa worker run-job` and `status` from the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import migrations
from content.db import make_engine
from scheduler.config import ConfigError
from tests.worker_helpers import config_data, write_config
from web.cli import main
from web.settings import parse_app_settings


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["worker"]["jobs"].update(nightly={"cron": "0 1 * * *"}),
            "unknown key 'worker.jobs.nightly'",
        ),
        (
            lambda d: d["worker"]["jobs"]["remind_today"].update(cron="0 5 * *"),
            "'worker.jobs.remind_today.cron' must have 5 fields",
        ),
        (
            lambda d: d["worker"].update(heartbeat_seconds=40, lease_seconds=60),
            "'worker.heartbeat_seconds' must be at most half",
        ),
        (lambda d: d["worker"].update(lease=3), "unknown key 'worker.lease'"),
        (
            lambda d: d["notifications"].update(recipients=[{"role": "boss", "email": "x@y"}]),
            "'notifications.recipients[0].role' must be one of",
        ),
        (lambda d: d["backup"].update(keep=0), "'backup.keep' must be >= 1"),
    ],
)
def test_bad_worker_config_names_the_key(change, message):
    data = config_data()
    change(data)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_app_settings(data, "bad.toml")


def test_run_job_once_then_skipped_and_status(tmp_path):
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    eng = make_engine(url)
    migrations.upgrade(eng)
    eng.dispose()
    jobs = {"weekly_digest": {"cron": "0 7 * * mon", "misfire_grace_seconds": 86400}}
    cfg = write_config(tmp_path / "c.toml", url, jobs=jobs)
    run = CliRunner().invoke(main, ["--config", str(cfg), "worker", "run-job", "weekly_digest"])
    assert run.exit_code == 0, run.output
    assert run.output.startswith("digest of ")
    again = CliRunner().invoke(main, ["--config", str(cfg), "worker", "run-job", "weekly_digest"])
    assert again.exit_code == 0 and "already done" in again.output
    status = CliRunner().invoke(main, ["--config", str(cfg), "worker", "status"])
    assert status.exit_code == 0
    assert "run: weekly_digest" in status.output and " done " in status.output
    bad = CliRunner().invoke(main, ["--config", str(cfg), "worker", "run-job", "remind_today"])
    assert bad.exit_code == 1 and "not configured" in bad.output
    at = CliRunner().invoke(
        main, ["--config", str(cfg), "worker", "run-job", "weekly_digest", "--at", "2026-11-23"]
    )
    assert at.exit_code == 1 and "time zone offset" in at.output
