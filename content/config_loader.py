"""Read config.toml into typed settings dataclasses: one loader, each layer owns its sections.

Each layer declares its sections as frozen dataclasses (audio.settings, content.settings,
scheduler.config, scheduler.worker.settings, web.settings); the entry point names the aggregate
it needs and this module builds it, rejecting unknown and missing keys and mistyped values.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Literal

from audio.messages import N_, Message, TranslatableError
from content.text import InvalidText, clean_text

# A field with this metadata is set by the loader, never read from the file.
NOT_IN_FILE = {"config": False}


class ConfigError(TranslatableError):
    """A configuration file that cannot be used; the message names the file and the key."""

    code = "config"


def out_of_range(where: str, key: str, allowed: str) -> ConfigError:
    """A value outside its range: `allowed` is written as numbers ("1..28", ">= 1")."""
    return ConfigError(
        N_("%(file)s: key '%(key)s' must be %(allowed)s"),
        code="config.range",
        file=where,
        key=key,
        allowed=allowed,
    )


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file, or a ConfigError naming it (missing, or not TOML)."""
    where = str(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            N_("%(file)s: the configuration file was not found"), code="config.file", file=where
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            N_("%(file)s: the configuration file is not valid TOML (%(reason)s)"),
            code="config.toml",
            file=where,
            reason=str(exc),
        ) from exc


_SCALARS: dict[Any, tuple[Any, str]] = {
    float: ((int, float), N_("a number")),
    int: (int, N_("an integer")),
    str: (str, N_("a string")),
    bool: (bool, N_("true or false")),
}


def _not_table(where: str, key: str) -> ConfigError:
    return ConfigError(
        N_("%(file)s: key '%(key)s' must be a table"), code="config.type", file=where, key=key
    )


def _wrong_type(where: str, key: str, message: str, value: Any, **params: Any) -> ConfigError:
    code = params.pop("code", "config.type")
    return ConfigError(message, code=code, file=where, key=key, value=repr(value), **params)


def _convert(value: Any, hint: Any, key: str, where: str) -> Any:
    """Check value against a type hint and convert lists/tables; raise ConfigError naming key."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        return _convert(value, non_none[0], key, where)
    if origin is Literal:
        if value not in args:
            allowed = ", ".join(repr(a) for a in args)
            message = N_("%(file)s: key '%(key)s' must be one of %(allowed)s, not %(value)s")
            raise _wrong_type(where, key, message, value, code="config.choice", allowed=allowed)
        return value
    if origin is tuple:
        if not isinstance(value, list):
            message = N_("%(file)s: key '%(key)s' must be a list, not %(value)s")
            raise _wrong_type(where, key, message, value)
        return tuple(_convert(v, args[0], f"{key}[{i}]", where) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise _not_table(where, key)
        return {k: _convert(v, args[1], f"{key}.{k}", where) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return build(hint, value, key, where)
    return _scalar(value, hint, key, where)


def _scalar(value: Any, hint: Any, key: str, where: str) -> Any:
    """A leaf value of the kind its hint names (a bool is no int); floats widened, text cleaned."""
    wanted = _SCALARS.get(hint)
    if wanted is not None:
        kinds, what = wanted
        if isinstance(value, bool) is not (hint is bool) or not isinstance(value, kinds):
            message = N_("%(file)s: key '%(key)s' must be %(what)s, not %(value)s")
            raise _wrong_type(where, key, message, value, what=Message(what))
        if hint is float:
            return float(value)
        if hint is str:
            return _clean(value, key, where)
    return value


def _clean(value: str, key: str, where: str) -> str:
    """Config text at the door: NFC, no control characters (labels and rule names are shown)."""
    try:
        return clean_text(value, field=key)
    except InvalidText as exc:
        raise ConfigError(
            N_("%(file)s: key '%(key)s': %(problem)s"),
            code="config.text",
            file=where,
            key=key,
            problem=exc,
        ) from exc


def build(cls: Any, data: Any, prefix: str, where: str) -> Any:
    """Build dataclass cls from a TOML table, rejecting unknown and missing keys."""
    if not isinstance(data, dict):
        raise _not_table(where, prefix)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("config", True)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            raise ConfigError(
                N_("%(file)s: unknown key '%(key)s'"), code="config.unknown", file=where, key=full
            )
        kwargs[key] = _convert(value, hints[key], full, where)
    for name, f in fields.items():
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in kwargs and no_default:
            full = f"{prefix}.{name}" if prefix else name
            raise ConfigError(
                N_("%(file)s: the key '%(key)s' is missing"),
                code="config.missing",
                file=where,
                key=full,
            )
    return cls(**kwargs)
