"""[web] in config.toml: documented defaults, and a wrong key or value stops start-up."""

from __future__ import annotations

import tomllib

import pytest

from scheduler.config import ConfigError
from tests.conftest import ROOT
from web.settings import parse_app_settings


def _data() -> dict:
    return tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))


def test_web_section_defaults(settings) -> None:  # noqa: ANN001
    assert settings.web.secure_cookies is True
    assert settings.web.login_max_failures == 5


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("sesion_hours", 3, "unknown key 'web.sesion_hours'"),
        ("max_upload_mb", 0, "web.max_upload_mb"),
        ("secure_cookies", "yes", "web.secure_cookies"),
        ("page_size", 5000, "web.page_size"),
    ],
)
def test_bad_web_values(key: str, value: object, message: str) -> None:
    data = _data()
    data["web"][key] = value
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        parse_app_settings(data, "test.toml")
