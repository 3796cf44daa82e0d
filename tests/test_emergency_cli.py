"""`loa emergency create|status|cancel`: from a file, a programme, scope checks, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import migrations
from content.db import make_engine, make_session_factory
from tests.emergency_helpers import Area, build_area, tone_wav
from tests.web.conftest import PASSWORD
from web import accounts
from web.cli import main


@pytest.fixture
def world(tmp_path: Path) -> tuple[str, Area]:
    """A SQLite file with two provinces, their stations and accounts."""
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    with make_session_factory(engine)() as session:
        area = build_area(session)
        accounts.create_user(
            session, "kehoach_b", PASSWORD, "planner", "t", unit_id=area.province_b
        )
        accounts.create_user(session, "giamsat", PASSWORD, "supervisor", "t",
                             unit_id=area.province_a)  # fmt: skip
        session.commit()
    engine.dispose()
    return url, area


def run(url: str, tmp: Path, *args: str):
    env = {"LOA_DATABASE_URL": url}
    config = tmp / "loa.toml"
    if not config.exists():
        base = Path(__file__).resolve().parent.parent / "config.toml"
        text = base.read_text(encoding="utf-8").replace(
            'folder = "instance/media"', f'folder = "{tmp / "media"}"'
        )
        config.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["--config", str(config), *args], env=env,
                              catch_exceptions=False)  # fmt: skip


def test_create_from_audio_then_status_and_cancel(world, tmp_path: Path) -> None:  # noqa: ANN001
    url, area = world
    wav = tone_wav(tmp_path / "canh-bao.wav")
    r = run(url, tmp_path, "emergency", "create", "--unit", "91", "--audio", str(wav),
            "--within", "10", "--title", "Cảnh báo lũ", "--every", "30", "--until", "23:59",
            "--user", "giamsat", "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["stations"] == 3 and doc["occurrences"] >= 1 and doc["issued_by"] == "giamsat"
    bid = str(doc["id"])
    table = run(url, tmp_path, "emergency", "status", bid)
    assert table.exit_code == 0 and "0 of 3 station(s) aired" in table.output
    assert "Xã Một" in table.output and "Waiting" in table.output
    as_json = json.loads(run(url, tmp_path, "emergency", "status", bid, "--format", "json").output)
    assert len(as_json["items"]) == 3
    bye = run(url, tmp_path, "emergency", "cancel", bid, "--reason", "Nước rút")
    assert bye.exit_code == 0 and "3 station(s) will not air it" in bye.output


def test_refusals(world, tmp_path: Path) -> None:  # noqa: ANN001
    url, area = world
    prog = str(area.programme)
    other = run(url, tmp_path, "emergency", "create", "--unit", "91", "--programme", prog,
                "--within", "10", "--user", "kehoach_b")  # fmt: skip
    assert other.exit_code == 1 and "outside your area" in other.output
    both = run(url, tmp_path, "emergency", "create", "--unit", "91", "--programme", prog,
               "--within", "10", "--repeat", "06:00", "--every", "30",
               "--until", "20:00")  # fmt: skip
    assert both.exit_code == 1 and "not both" in both.output
    bad = run(url, tmp_path, "emergency", "create", "--unit", "91", "--programme", prog,
              "--within", "10", "--repeat", "6h")  # fmt: skip
    assert bad.exit_code == 1 and "HH:MM" in bad.output
    none = run(url, tmp_path, "emergency", "status", "4242")
    assert none.exit_code == 1 and "4242 was not found" in none.output
    vi = run(url, tmp_path, "--lang", "vi", "emergency", "cancel", "4242")
    assert vi.exit_code == 1 and "Không tìm thấy tin khẩn 4242" in vi.output
