"""Schema pieces shared by the apps' APIs."""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

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
