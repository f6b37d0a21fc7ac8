"""Schema pieces shared by the apps' APIs."""

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator
from typing_extensions import TypeAliasType

from core.errors import Invalid
from core.phones import InvalidPhoneNumber, normalize_phone


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidPhoneNumber as exc:
        raise ValueError(str(exc)) from None


# Any spelling of a valid number in, E.164 out; an invalid number is a 422.
PhoneNumber = Annotated[str, AfterValidator(_phone)]
# Stripped, and at least one character left.
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# The database's largest integer (SQLite and PostgreSQL bigint): an id beyond it is bad input, a 422.
MAX_DB_INT = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]


def named_enum(name: str, values: Iterable[str]) -> Any:
    """A string enum the OpenAPI publishes once, as `components/schemas/<name>`, and every field
    using it refers to. A bare `Literal` is inlined, so a generated client invents a name per field;
    a model's `TextChoices` is published under its class name, so `HelpRequest.Status` and
    `Call.Status` were both `Status` and one overwrote the other. Pass a model's `Choices.values`,
    so the API accepts and publishes exactly what the model stores."""
    return TypeAliasType(name, Literal[tuple(values)])


class DetailOut(Schema):
    """The error body (`{"detail": "<sentence>"}`), declared so the OpenAPI shows each case."""

    detail: str


class InvalidOut(Schema):
    """A 422: a sentence (input the schema allows but that cannot be used), or ninja's list of
    schema violations (`[{"type", "loc", "msg"}]`) for input the schema itself refuses."""

    detail: str | list[dict]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """The default of a `PatchIn` field: left out, it is unset (and unchanged). The schema shows
    no default, since `null` is not a value the field accepts."""
    return Field(None, json_schema_extra=_no_default)


class PatchIn(Schema):
    """A PATCH body: each field may be left out (it keeps its value), none may be `null`.

    The fields are typed without `| None` and default to `omittable()`, so the OpenAPI publishes
    them optional and not nullable; a `null` sent anyway is a 422 with a sentence naming the
    field, rather than pydantic's type error (or, worse, taken as "leave it")."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            # Not a ValueError: pydantic lets it through, and the API answers its sentence.
            raise Invalid(f"{info.field_name} cannot be null: leave it out to keep it as it is.")
        return value


def phone_filter(raw: str) -> str:
    """A `?to=`/`?from=` number as stored (E.164), or 422. A "+" in a query string arrives as a
    space when the caller forgot to encode it."""
    try:
        return normalize_phone("+" + raw.strip() if raw.startswith(" ") else raw.strip())
    except InvalidPhoneNumber as exc:
        raise Invalid(str(exc)) from None
