"""Domain errors that the API turns into `{"detail": "<sentence>"}` with a fitting status."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The change is not allowed in the current state; the sentence says what that state is."""

    status_code = 409


class Invalid(DomainError):
    """Input that passes the schema but cannot be used (e.g. a phone number that does not exist)."""

    status_code = 422


class TooManyRequests(DomainError):
    """A public endpoint's rate limit was reached; the sentence says when to try again."""

    status_code = 429


def get_or_404(queryset, pk: int, noun: str):
    """The object with this id, or NotFound with a sentence naming what was missing."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"There is no {noun} with id {pk}.")
    return found
