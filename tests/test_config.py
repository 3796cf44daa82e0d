"""Configuration: defaults load; bad files stop start-up naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scheduler.config import ConfigError
from tests.conftest import ROOT
from web.settings import load_app_settings, parse_app_settings


def base() -> dict:
    with (ROOT / "config.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_default_config_is_complete(settings):
    assert settings.locale.timezone == "Asia/Ho_Chi_Minh"
    assert {"ntm", "ocop", "giam_ngheo_thong_tin", "chuyen_doi_so"} <= set(settings.topics)
    assert {"vi", "hmn", "tay", "nung", "dao", "thai", "km"} <= set(settings.languages)
    assert {r.id for r in settings.rules} >= {"ntm_commune_weekly", "minority_language_weekly"}
    assert settings.rule("ntm_commune_weekly").target == 2
    assert settings.topics["ntm"].vi == "Xây dựng nông thôn mới"
    assert [r.period for r in settings.reports] == ["quarter", "half", "year"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["database"].update(urll="x"), "unknown key 'database.urll'"),
        (lambda d: d.update(colour="blue"), "unknown key 'colour'"),
        (lambda d: d["planning"].update(no_repeat_weeks="four"), "'planning.no_repeat_weeks'"),
        (lambda d: d["rules"][0].update(topics=["nmt"]), "unknown topic 'nmt'"),
        (lambda d: d["rules"][0].update(period="fortnight"), "'rules[0].period'"),
        (lambda d: d["rules"][0].update(target=0), "'rules[0].target'"),
        (lambda d: d["rules"][1].update(id="ntm_commune_weekly"), "is used twice"),
        (lambda d: d["rules"][0].pop("minimum"), "the key 'rules[0].minimum' is missing"),
        (lambda d: d["locale"].update(timezone="Mars/Olympus"), "unknown time zone"),
        (lambda d: d["reports"][0].update(deadline_month=4), "'reports[0].deadline_month'"),
        (lambda d: d["rules"][0].update(channel_kinds=["tv"]), "unknown channel kind 'tv'"),
        (lambda d: d["report_layout"].update(addressees=[]), "'report_layout.addressees'"),
        (lambda d: d["report_layout"].update(sign_as="KT."), "'report_layout.on_behalf_of'"),
        (lambda d: d["report_layout"].update(sign_as="PP."), "'report_layout.sign_as'"),
        (lambda d: d["report_layout"].update(signer_name="A\x07"), "'report_layout.signer_name'"),
    ],
)
def test_bad_values_name_the_key_and_file(mutate, message):
    data = base()
    mutate(data)
    with pytest.raises(ConfigError) as err:
        parse_app_settings(data, "/etc/loa.toml")
    assert message in str(err.value)
    assert "/etc/loa.toml" in str(err.value)


def test_malformed_toml_and_missing_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[database\nurl = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_app_settings(bad)
    with pytest.raises(ConfigError, match="configuration file was not found"):
        load_app_settings(tmp_path / "none.toml")


def test_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    other = tmp_path / "other.toml"
    other.write_text('[locale]\ntimezone = "Europe/Berlin"\n', encoding="utf-8")
    monkeypatch.setenv("LOA_CONFIG", str(other))
    monkeypatch.setenv("LOA_DATABASE_URL", "sqlite:////tmp/x.db")
    s = load_app_settings()
    assert s.locale.timezone == "Europe/Berlin"
    assert s.database.url == "sqlite:////tmp/x.db"
    assert s.source == str(other)


def test_database_url_from_env_keeps_pool_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """LOA_DATABASE_URL replaces the URL only: [database].pool_size still applies (production)."""
    config = tmp_path / "loa.toml"
    config.write_text('[database]\nurl = "sqlite:///a.db"\npool_size = 40\n', encoding="utf-8")
    monkeypatch.setenv("LOA_DATABASE_URL", "postgresql://loa@db/loa")
    s = load_app_settings(config)
    assert s.database.url == "postgresql://loa@db/loa"
    assert s.database.pool_size == 40


def test_report_layout_text_is_cleaned_at_the_door():
    data = base()
    data["report_layout"].update(signer_name="  Nguye\u0302\u0303n Văn A ", sign_as="TL.",
                                 on_behalf_of="CHÁNH VĂN PHÒNG")  # fmt: skip
    layout = parse_app_settings(data, "x.toml").report_layout
    assert layout.signer_name == "Nguyễn Văn A" and layout.sign_as == "TL."
