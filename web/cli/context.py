"""What every command needs: settings read once, the engine, and one transaction per command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import IO, Any

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from audio.messages import N_, Message, TranslatableError, message
from content.config_loader import ConfigError
from content.db import make_engine, make_session_factory, read_only_session_factory, transaction
from web.catalogue import render_in
from web.settings import AppSettings, load_app_settings


class CommandError(click.ClickException):
    """A command's refusal, headed "Lỗi:" or "Error:" in the command's language (exit 1)."""

    def __init__(self, text: str, language: str) -> None:
        super().__init__(text)
        self.heading = render_in(message(N_("Error:")), language)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the heading and the message to stderr (click's own errors keep its words)."""
        click.echo(f"{self.heading} {self.format_message()}", file=file, err=file is None)


class LoaContext:
    """Lazily loaded settings and database access for a CLI invocation."""

    def __init__(self, config_path: str | None, language: str | None = None) -> None:
        self.config_path = config_path
        self._language = language

    @property
    def language(self) -> str:
        """--lang / LOA_LANG, else [locale].language; Vietnamese while the config is unreadable."""
        if self._language:
            return self._language
        try:
            return self.settings.locale.language
        except click.ClickException:
            return "vi"

    def text(self, message: Message | TranslatableError) -> str:
        """A domain message or error in the command's language."""
        return render_in(message, self.language)

    def refuse(self, error: TranslatableError) -> click.ClickException:
        """The command's clear error for a domain refusal (exit status 1)."""
        return CommandError(self.text(error), self.language)

    def error(self, msgid: str, /, **params: Any) -> click.ClickException:
        """The command's clear error for a catalogue message (`N_` id, named parameters)."""
        return CommandError(self.text(message(msgid, **params)), self.language)

    def echo(self, msgid: str, /, *, err: bool = False, **params: Any) -> None:
        """Print one catalogue message (`N_` id, named parameters) in the command's language."""
        click.echo(self.text(message(msgid, **params)), err=err)

    @cached_property
    def settings(self) -> AppSettings:
        """The validated configuration; a bad file ends the command with its message."""
        try:
            return load_app_settings(self.config_path)
        except ConfigError as exc:
            # The file's [locale].language is unknown: --lang / LOA_LANG, else Vietnamese.
            problem = message(N_("Configuration error: %(problem)s"), problem=exc)
            language = self._language or "vi"
            raise CommandError(render_in(problem, language), language) from exc

    @cached_property
    def engine(self) -> Engine:
        """The database engine."""
        return make_engine(self.settings.database.url, self.settings.base_dir)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """Session factory on the engine."""
        return make_session_factory(self.engine)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only transaction (reports, lists, exports): on SQLite no write lock is held."""
        try:
            with read_only_session_factory(self.engine)() as s:
                try:
                    yield s
                finally:
                    s.rollback()
        except SQLAlchemyError as exc:
            raise self.database_error(exc, written=False) from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction for the command: commit on success, nothing written on error."""
        try:
            with transaction(self.session_factory) as s:
                yield s
        except SQLAlchemyError as exc:
            raise self.database_error(exc, written=True) from exc

    def database_error(self, exc: SQLAlchemyError, *, written: bool) -> click.ClickException:
        """The database's own (English) words in a sentence of the command's language."""
        text = (
            N_("Database error, nothing was written: %(reason)s")
            if written
            else N_("Database error: %(reason)s")
        )
        return self.error(text, reason=f"{exc.__class__.__name__}: {exc}")


pass_loa = click.make_pass_decorator(LoaContext)
