"""The content layer's settings: the database, the media folder and feed polling limits."""

from __future__ import annotations

from dataclasses import dataclass

from content.config_loader import out_of_range


@dataclass(frozen=True)
class DatabaseSettings:
    """Where the data lives, and how many connections each process keeps."""

    url: str = "sqlite:///instance/loa.db"
    pool_size: int = 16

    def check(self, where: str) -> None:
        """The pool must be usable and bounded."""
        if not 1 <= self.pool_size <= 200:
            raise out_of_range(where, "database.pool_size", "1..200")


@dataclass(frozen=True)
class MediaSettings:
    """Where programme audio is stored."""

    folder: str = "instance/media"


@dataclass(frozen=True)
class FeedSettings:
    """Feed polling limits (issue 5); see [feeds] in config.toml."""

    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    default_poll_minutes: int = 60
    user_agent: str = "Loa feed reader (+https://example.invalid/loa)"

    def check(self, where: str) -> None:
        """Values a poller accepts."""
        checks = [
            ("feeds.timeout_seconds", 0 < self.timeout_seconds <= 300, "> 0, <= 300"),
            ("feeds.max_bytes", 1024 <= self.max_bytes <= 100_000_000, "1024..100000000"),
            ("feeds.default_poll_minutes", 1 <= self.default_poll_minutes <= 10080, "1..10080"),
        ]
        for key, ok, what in checks:
            if not ok:
                raise out_of_range(where, key, what)
