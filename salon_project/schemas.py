"""Schema pieces shared by the apps' APIs."""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from salon_project.phones import InvalidPhoneNumber, normalize_phone


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
