"""[web].trusted_proxies: behind nginx the sign-in limit counts the client's address."""

from __future__ import annotations

import dataclasses

import pytest

from scheduler.config import ConfigError
from tests.web.test_config_web import _data
from web.app import create_app
from web.settings import parse_app_settings


def _app(settings, engine, proxies: int):  # noqa: ANN001, ANN202
    web = dataclasses.replace(settings.web, trusted_proxies=proxies, secure_cookies=False)
    app = create_app(dataclasses.replace(settings, web=web), engine, {"SECRET_KEY": "t"})

    @app.get("/_addr")
    def _addr() -> str:
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    return app


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1 http"), (1, "203.0.113.9 https")])
def test_forwarded_address_only_when_trusted(settings, engine, proxies, expected) -> None:  # noqa: ANN001
    client = _app(settings, engine, proxies).test_client()
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    resp = client.get("/_addr", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert resp.get_data(as_text=True) == expected


def test_trusted_proxies_range() -> None:
    data = _data()
    data["web"]["trusted_proxies"] = 9
    with pytest.raises(ConfigError, match=r"web\.trusted_proxies"):
        parse_app_settings(data, "test.toml")


def test_pool_holds_a_worker_threads(settings, tmp_path) -> None:  # noqa: ANN001
    """Each web process keeps [database].pool_size connections, so busy threads never churn."""
    web = dataclasses.replace(settings.web, secure_cookies=False)
    db = dataclasses.replace(settings.database, url=f"sqlite:///{tmp_path / 'p.db'}", pool_size=12)
    app = create_app(dataclasses.replace(settings, web=web, database=db), None, {"SECRET_KEY": "t"})
    assert app.extensions["loa_engine"].pool.size() == 12


def test_pool_size_range() -> None:
    data = _data()
    data["database"]["pool_size"] = 0
    with pytest.raises(ConfigError, match=r"database\.pool_size"):
        parse_app_settings(data, "test.toml")
