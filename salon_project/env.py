"""Typed access to the environment: the one place settings are read from.

A `.env` file in the project root is loaded first; real environment variables win over it, and
an empty value counts as unset. A value that cannot be read fails loudly at start-up with the
variable's name, instead of surfacing later as a confusing error.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dotenv import dotenv_values

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigurationError(Exception):
    """An environment variable holds a value the settings cannot use."""


@contextmanager
def exit_on_configuration_error() -> Iterator[None]:
    """Around a program's first settings load (manage.py, salon_project/asgi.py for daphne,
    salon_project/celery.py for workers and beat): a ConfigurationError ends the process with its
    one sentence on stderr and exit status 2 (a usage error), instead of a traceback that buries it."""
    try:
        yield
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None


def _dotenv() -> dict[str, str]:
    path = BASE_DIR / ".env"
    if not path.exists():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


_FILE_VALUES = _dotenv()


def raw(name: str) -> str | None:
    """The variable's value from the environment, else from `.env`; None when unset or empty."""
    value = os.environ.get(name)
    if value is None:
        value = _FILE_VALUES.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def string(name: str, default: str | None = None) -> str | None:
    value = raw(name)
    return default if value is None else value


def boolean(name: str, default: bool | None = False) -> bool | None:
    """True or False; `default` (which may be None: "decide for me") when unset."""
    value = raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def integer(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    value = raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name}={number} must be at least {minimum}.")
    if maximum is not None and number > maximum:
        raise ConfigurationError(f"{name}={number} must be at most {maximum}.")
    return number


def string_list(name: str, default: list[str]) -> list[str]:
    value = raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
