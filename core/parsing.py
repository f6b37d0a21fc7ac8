"""The API's request parser: ninja's JSON and query parsing, refusing text no database can store.

JSON allows "\\u0000" and unpaired surrogates ("\\ud800") in strings, and so does a query string
(`%00`), but PostgreSQL refuses NUL characters in text and a lone surrogate cannot be encoded
as UTF-8 at all: stored as is, either turned a request into a 500 (found by the API fuzzing,
salon_project/tests/test_fuzz_api.py). They are refused up front instead: a 422 naming where.
A body that is not JSON at all is a 422 saying so, too (ninja's own answer is a 400 the contract
does not have).
"""

from typing import Any

from django.http import HttpRequest
from ninja.errors import ValidationError
from ninja.parser import Parser


class UnusableBody(ValueError):
    """The request's body cannot be used as it is; the message says why, in a sentence."""


class UnstorableText(UnusableBody):
    """A string in the request holds a character that cannot be stored."""


def _problem(value: str) -> str | None:
    if "\x00" in value:
        return "must not contain NUL (\\u0000) characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it contains an unpaired surrogate)"
    return None


def find_unstorable(data: Any, location: tuple = ()) -> tuple[tuple, str] | None:
    """The location of the first string (key or value) that cannot be stored, and why; or None."""
    if isinstance(data, str):
        problem = _problem(data)
        return (location, problem) if problem else None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and (problem := _problem(key)):
                return (*location, key), problem
            if found := find_unstorable(value, (*location, key)):
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            if found := find_unstorable(value, (*location, index)):
                return found
    return None


def _where(location: tuple) -> str:
    """A location as `a.b.0`, the offending characters escaped (they may be in a field name)."""
    return ".".join(str(part).encode("unicode_escape").decode("ascii") for part in location)


class ApiParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = super().parse_body(request)
        except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8 (UnicodeDecodeError)
            raise UnusableBody(f"The body must be JSON, and is not ({exc}).") from None
        if found := find_unstorable(data):
            location, problem = found
            where = _where(location) or "The body"
            # ninja turns any parser error into its 400; the API's handler makes this one a 422.
            raise UnstorableText(f"{where} {problem}.")
        return data

    def parse_querydict(self, data, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        if found := find_unstorable(result):
            location, problem = found
            loc = ["query", *(_where((part,)) for part in location)]
            raise ValidationError([{"type": "unstorable_text", "loc": loc, "msg": f"Text {problem}."}])
        return result
