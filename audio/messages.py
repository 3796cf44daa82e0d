"""Translatable messages: an English message id with named parameters, rendered at the edge.

Every layer's errors carry one, so this lives in the lowest layer (audio/). Nothing here
translates: the web page, the API, the CLI and the logs each render a message with their own
catalogue and language (`render`); `str()` gives the English text, which is what logs show.
Message ids are marked for extraction with `N_` (babel.cfg, `pybabel extract -k N_`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

Gettext = Callable[[str], str]


def N_(msgid: str) -> str:
    """Mark an English message id for extraction; it is translated where it is shown."""
    return msgid


def _identity(msgid: str) -> str:
    return msgid


@runtime_checkable
class Localized(Protocol):
    """A value that has its own text per language (a configured label with vi and en names)."""

    def in_language(self, language: str) -> str:
        """Its text in `language` ("vi" or "en")."""
        ...


@dataclass(frozen=True)
class Message:
    """An English message id and its named parameters (`%(name)s` placeholders)."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext: Gettext = _identity, language: str = "en") -> str:
        """The message in a catalogue's language; parameters that are messages render too."""
        return render(self.msgid, self.params, gettext, language)

    def __str__(self) -> str:
        return self.render()


def message(msgid: str, /, **params: Any) -> Message:
    """A catalogue message with named parameters: `message(N_("%(n)s files"), n=3)`."""
    return Message(msgid, params)


class Joined(tuple[Any, ...]):
    """Parameters shown one after another ("a; b"); a plain list or tuple shows as "a, b"."""

    before = ""
    between = "; "

    def render(self, gettext: Gettext, language: str) -> str:
        """Each part rendered, then joined."""
        parts = [f"{self.before}{render_value(v, gettext, language)}" for v in self]
        return self.between.join(parts)


class Lines(Joined):
    """Parameters shown one per line, each after a dash (the bad rows of an imported file)."""

    before = "\n  - "
    between = ""


def render_value(value: Any, gettext: Gettext, language: str) -> Any:
    """One parameter as shown: nested messages and localized labels in the reader's language."""
    if isinstance(value, Joined):
        return value.render(gettext, language)
    if isinstance(value, Message):
        return value.render(gettext, language)
    if isinstance(value, TranslatableError):
        return value.render(gettext, language)
    if isinstance(value, Localized):
        return value.in_language(language)
    if isinstance(value, list | tuple):
        return ", ".join(str(render_value(v, gettext, language)) for v in value)
    return value


def render(
    msgid: str, params: Mapping[str, Any], gettext: Gettext = _identity, language: str = "en"
) -> str:
    """Translate `msgid` and fill in its parameters (a bad translation falls back to English)."""
    shown = {k: render_value(v, gettext, language) for k, v in params.items()}
    text = gettext(msgid)
    if not shown:
        return text
    try:
        return text % shown
    except (KeyError, TypeError, ValueError):
        return msgid % shown


_catalogues: Callable[[str], Gettext] | None = None


def install_catalogues(loader: Callable[[str], Gettext]) -> None:
    """Give the lower layers the compiled catalogues (web.catalogue does it when imported)."""
    global _catalogues
    _catalogues = loader


def render_in(message: Message | TranslatableError | Localized | Joined, language: str) -> str:
    """A message in a given language, outside any request (stored notices, CLI, worker)."""
    gettext = _catalogues(language) if _catalogues is not None else _identity
    return str(render_value(message, gettext, language))


class TranslatableError(ValueError):
    """An error whose text is a catalogue message; `code` is precise and machine-readable.

    `str(error)` is English (for logs); the edge calls `render` with the reader's catalogue.
    """

    code = "error"
    http_status = 400

    def __init__(self, msgid: str, /, *, code: str | None = None, **params: Any) -> None:
        self.msgid = msgid
        self.params: dict[str, Any] = params
        if code:
            self.code = code
        super().__init__(render(msgid, params))

    @classmethod
    def carry(cls, other: TranslatableError) -> Self:
        """This kind of error with another one's message and code (a lower layer's refusal)."""
        return cls(other.msgid, code=other.code, **other.params)

    @property
    def message(self) -> Message:
        """The message this error carries."""
        return Message(self.msgid, self.params)

    def render(self, gettext: Gettext = _identity, language: str = "en") -> str:
        """The error's text in the reader's language."""
        return render(self.msgid, self.params, gettext, language)

    def public_params(self) -> dict[str, Any]:
        """Parameters as plain JSON values (for problem+json bodies), English where localized."""
        return plain_params(self.params)


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Message parameters as plain JSON values, English where localized (API bodies)."""
    return {k: _plain(render_value(v, _identity, "en")) for k, v in params.items()}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
