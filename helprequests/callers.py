"""What the salon knows about its callers: whether a phone number that texts it called before
(and their name), and whether a call id names a call.

A number is a known caller if it asked a help request or called the salon. Help requests live
in this app; calls live in `calls`, which sits above it (calls uses helprequests, never the
reverse), so `calls` tells us about its callers and its calls by registering a lookup and a
check when it loads (calls/apps.py) instead of this module importing it.

Names: the voice console and the web call page record placeholders ("Console caller", "Web
caller") when nobody said a name. `first_name` reads those as no name at all, so nobody is
texted "Hi Console, ...".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.phones import InvalidPhoneNumber, normalize_phone
from helprequests.models import HelpRequest


def number_of(sender: str) -> str:
    """A sender as texts are addressed and conversations filed: E.164 for a phone number. Twilio
    names senders on other channels "whatsapp:+1…" and the like, and short codes are no phone
    numbers: those stay as sent, so they only ever match themselves, never a supervisor or caller."""
    if ":" in sender:
        return sender
    try:
        return normalize_phone(sender)
    except InvalidPhoneNumber:
        return sender


# Words that stand for "someone" rather than name a person: what our own pages record when no
# name was given, and the usual stand-ins typed into a name field.
_PLACEHOLDER_WORDS = {
    "anonymous",
    "caller",
    "client",
    "console",
    "customer",
    "guest",
    "n/a",
    "na",
    "none",
    "phone",
    "unknown",
    "user",
    "visitor",
    "web",
}
_WORD = re.compile(r"[^\s,]+")


def real_name(name: str) -> str:
    """`name` if it names a person, else "" (blank, a placeholder such as "Console caller", or
    no letters at all, e.g. a phone number typed into the name field)."""
    words = _WORD.findall(name.lower())
    if not any(character.isalpha() for character in name):
        return ""
    if all(word.strip(".") in _PLACEHOLDER_WORDS for word in words):
        return ""
    return name.strip()


def first_name(name: str) -> str:
    """The first word of a real name ("Ana" for "Ana Diaz"), or "" when there is no real name."""
    name = real_name(name)
    return name.split()[0] if name else ""


@dataclass(frozen=True)
class KnownCaller:
    phone: str
    name: str  # a real name they gave before, or "" when they never gave one


# A lookup answers for one source of callers: None if the number never reached the salon that
# way, else the names it was recorded with, newest first ("" for none given).
CallerLookup = Callable[[str], list[str] | None]
_lookups: list[CallerLookup] = []


def register_caller_lookup(lookup: CallerLookup) -> None:
    """Let a higher app (calls) say who has called; idempotent, so a reloaded app adds nothing."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def _asked_before(phone: str) -> list[str] | None:
    names = list(
        HelpRequest.objects.filter(caller_phone=phone)
        .order_by("-created_at", "-pk")
        .values_list("caller_name", flat=True)[:50]
    )
    return names or None


def known_caller(phone: str) -> KnownCaller | None:
    """The caller behind `phone` (E.164) if it asked a help request or called before; the name is
    the newest real one any source recorded, help requests first."""
    known = False
    for lookup in (_asked_before, *_lookups):
        names = lookup(phone)
        if names is None:
            continue
        known = True
        if name := next((real_name(name) for name in names if real_name(name)), ""):
            return KnownCaller(phone, name)
    return KnownCaller(phone, "") if known else None


# Whether a call id names a call; registered by calls, which keeps the calls.
CallCheck = Callable[[int], bool]
_call_checks: list[CallCheck] = []


def register_call_check(check: CallCheck) -> None:
    """Let the app that keeps the calls (calls) say which ids are calls; idempotent, like
    `register_caller_lookup`."""
    if check not in _call_checks:
        _call_checks.append(check)


def call_exists(call_id: int) -> bool:
    """Whether some registered app has a call with this id: a help request may only name a call
    that exists (with no app keeping calls, none does)."""
    return any(check(call_id) for check in _call_checks)
