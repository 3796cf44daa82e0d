"""The API's bodies as pydantic models: each defined once, for the OpenAPI document and the wire.

Output models read rows and read models by attribute (`Out.dump`); input models (`In`) are
strict: a JSON body holds exactly the documented members with their JSON types, every text
goes through content.text.clean_text, every id and week is bounded by web.params.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    computed_field,
)
from pydantic_core import PydanticCustomError, core_schema

from audio.messages import N_
from content.text import clean_optional, clean_text
from scheduler.errors import Invalid
from scheduler.models import AIRING_STATUSES
from scheduler.periods import Week
from web.params import ID_MAX, parse_id, parse_week


def _iso(value: dt.date) -> str:
    return value.isoformat()


# Dates and instants as Python writes them (isoformat), the way the API always has.
Instant = Annotated[
    dt.datetime,
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Day = Annotated[
    dt.date,
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date"}),
]


class Out(BaseModel):
    """A response body read from an object's attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def dump(cls, obj: Any) -> dict[str, Any]:
        """The object as this model shows it, ready for jsonify."""
        return cls.model_validate(obj).model_dump(mode="json", by_alias=True)

    @classmethod
    def dump_all(cls, rows: Any) -> list[dict[str, Any]]:
        """Each object of `rows` as this model shows it."""
        return [cls.dump(row) for row in rows]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of items with its paging facts."""

    items: list[T]
    page: int
    per_page: int
    total: int


class Airing(Out):
    """An airing as the API shows it."""

    id: int
    channel_id: int
    scheduled_item_id: int | None
    programme_id: int
    status: Annotated[str, OneOf(AIRING_STATUSES)]
    started_at: Instant
    local_date: Day
    duration_seconds: int
    reason_code: str | None
    reason_text: str | None
    source: str
    client_ref: str | None
    confirmed_by: str
    confirmed_at: Instant

    # mypy does not accept a decorator over @property; pydantic documents this very ignore.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def unplanned(self) -> bool:
        """True for an airing logged outside the schedule."""
        return self.scheduled_item_id is None


# ---- input -------------------------------------------------------------------------------


class In(BaseModel):
    """A request body: exactly the documented members, with their JSON types."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Query(BaseModel):
    """Query-string parameters: text converted to the declared types, unknown names ignored."""

    model_config = ConfigDict(extra="ignore")


def _text(value: str, info: ValidationInfo) -> str:
    return clean_text(value, field=info.field_name or "text")


def _multiline(value: str, info: ValidationInfo) -> str | None:
    return clean_optional(value, field=info.field_name or "text", multiline=True)


def _id(value: Any, info: ValidationInfo) -> int:
    return parse_id(value, info.field_name or "id")


def _week(value: Any) -> Week:
    if isinstance(value, Week):
        return value
    if not isinstance(value, str):
        raise Invalid(N_("A week is written like 2026-W48"), code="period.week_type")
    return parse_week(value)


def _aware(value: Any, info: ValidationInfo) -> dt.datetime:
    field = info.field_name or "date-time"
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise Invalid(
            N_("'%(field)s' must be a date and time like 2026-11-23T06:00:00+07:00"),
            code="datetime.format",
            field=field,
        ) from None
    if parsed.tzinfo is None:
        raise Invalid(
            N_("'%(field)s' needs a time zone offset, like +07:00"),
            code="datetime.timezone",
            field=field,
        )
    if not 1970 <= parsed.year <= 2200:
        raise Invalid(
            N_("'%(field)s' must lie between the years 1970 and 2200"),
            code="datetime.year",
            field=field,
        )
    return parsed


@dataclass(frozen=True)
class OneOf:
    """`Annotated[str, OneOf(choices)]`: one of the choices, refused in the reader's language."""

    choices: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """The wrapped type's schema, then the choice check."""
        return core_schema.with_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        """The wrapped type's JSON Schema with its enum."""
        return {**handler(schema), "enum": list(self.choices)}

    def _check(self, value: str, info: ValidationInfo) -> str:
        if value not in self.choices:
            raise Invalid(
                N_("'%(field)s' must be one of %(choices)s"),
                code="field.choice",
                field=info.field_name or "value",
                choices=self.choices,
            )
        return value


# One line of text, NFC and trimmed (content.text.clean_text).
Text = Annotated[str, AfterValidator(_text)]


def _bounded(max_length: int, min_length: int = 0) -> Callable[[str, ValidationInfo], str | None]:
    """Free text, cleaned first (control characters refused; blank is None), then bounded."""

    def check(value: str, info: ValidationInfo) -> str | None:
        cleaned = _multiline(value, info)
        if cleaned is not None and len(cleaned) > max_length:
            raise PydanticCustomError("string_too_long", "too long", {"max_length": max_length})
        if min_length and (cleaned is None or len(cleaned) < min_length):
            raise PydanticCustomError("string_too_short", "too short", {"min_length": min_length})
        return cleaned

    return check


def _bounds(max_length: int, min_length: int = 0) -> WithJsonSchema:
    """The bounds as the JSON schema states them (the validator enforces them)."""
    return WithJsonSchema({"type": "string", "maxLength": max_length, "minLength": min_length})


# Bounded free text (see _bounded), as aliases a type checker accepts in field annotations.
LongText300 = Annotated[str, AfterValidator(_bounded(300)), _bounds(300)]
LongText2000 = Annotated[str, AfterValidator(_bounded(2000)), _bounds(2000)]
# At least one character:
LongText20000 = Annotated[str, AfterValidator(_bounded(20000, 1)), _bounds(20000, 1)]


# A row id: 1..web.params.ID_MAX.
Id = Annotated[
    int,
    PlainValidator(_id),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": ID_MAX}),
]
# An ISO week like 2026-W48 in the years web.params allows.
WeekName = Annotated[
    Week,
    PlainValidator(_week),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-W\d{1,2}$", "example": "2026-W48"}),
]
# An RFC 3339 date-time with its offset.
AwareTime = Annotated[
    dt.datetime,
    PlainValidator(_aware),
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Paging(Query):
    """The paging parameters of every list."""

    page: int = Field(1, ge=1, le=100000, description="page number (1..)")
    per_page: int | None = Field(None, ge=1, le=1000, description="items per page")

    def limits(self, default: int) -> tuple[int, int]:
        """(page, per_page), the configured page size when none was asked for."""
        return self.page, self.per_page or default
