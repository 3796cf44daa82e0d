"""The web layer's settings ([web] in config.toml) and the aggregate the web app and CLI load."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Self

from content.config_loader import out_of_range
from scheduler.config import Settings, load_settings, parse_settings


@dataclass(frozen=True)
class WebSettings:
    """The web application: session secret, cookies, sign-in limits, upload size, proxies."""

    secret_key_file: str = "instance/secret_key"
    secure_cookies: bool = True
    session_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    max_upload_mb: int = 200
    page_size: int = 50
    trusted_proxies: int = 0

    def check(self, where: str) -> None:
        """Limits must be positive, proxies few, pages bounded."""
        for name in (
            "session_hours",
            "login_max_failures",
            "login_window_minutes",
            "max_upload_mb",
        ):
            if getattr(self, name) < 1:
                raise out_of_range(where, f"web.{name}", ">= 1")
        if not 0 <= self.trusted_proxies <= 5:
            raise out_of_range(where, "web.trusted_proxies", "0..5")
        if not 1 <= self.page_size <= 1000:
            raise out_of_range(where, "web.page_size", "1..1000")


@dataclass(frozen=True)
class AppSettings(Settings):
    """Everything config.toml says: the scheduler's sections and below, plus [web]."""

    web: WebSettings = field(default_factory=WebSettings)

    def check(self, where: str, base_dir: str) -> Self:
        """The lower layers' checks, then the web section's."""
        checked = super().check(where, base_dir)
        checked.web.check(where)
        return checked


def parse_app_settings(data: dict[str, object], where: str, base_dir: str = ".") -> AppSettings:
    """Validate a parsed config.toml into the web app's settings."""
    return parse_settings(data, where, base_dir, AppSettings)


def load_app_settings(path: str | os.PathLike[str] | None = None) -> AppSettings:
    """The web app's, the CLI's and the worker's settings (LOA_CONFIG, LOA_DATABASE_URL apply)."""
    return load_settings(path, AppSettings)
