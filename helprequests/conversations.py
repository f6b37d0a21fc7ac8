"""One conversation per caller: everything between the salon and one phone number, in time order.

The console's caller page (helprequests/views.py) shows it: the questions they asked (on the
phone or by text) with their answers, every text they sent the salon, and every text the salon
sent them with its delivery. A supervisor answers from there with `text_caller`, which texts
through the SMS backend like every other text (stored as a `Message`, so an opt-out applies).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from core.broadcast import to_console
from core.errors import Invalid, NotFound
from helprequests.callers import KnownCaller, known_caller, number_of
from helprequests.models import HelpRequest, InboundText
from outbound.models import Message, OptOut
from outbound.outbox import queue_text

logger = logging.getLogger("salon.helprequests")

# A conversation page shows the latest this many of each kind of entry; a caller with more has
# the admin's full lists.
LATEST = 200
# Twilio's limit on one text's body (it splits longer ones into segments up to this).
MAX_TEXT_LENGTH = 1600


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str  # "question" | "received" | "sent"
    item: HelpRequest | InboundText | Message


@dataclass(frozen=True)
class Conversation:
    phone: str
    caller: KnownCaller | None  # None: a number with no help request or call (a stranger's texts)
    opted_out: OptOut | None
    entries: list[Entry]

    @property
    def name(self) -> str:
        return self.caller.name if self.caller else ""


def number_with_history(raw_phone: str) -> str:
    """The number a conversation is filed under (see `callers.number_of`); NotFound when the
    salon has had nothing to do with it: no request, no call, no text either way."""
    phone = number_of(raw_phone)
    if (
        known_caller(phone) is None
        and not InboundText.objects.filter(from_phone=phone).exists()
        and not Message.objects.filter(to=phone).exists()
    ):
        raise NotFound(f"The salon has no conversation with {raw_phone}.")
    return phone


def conversation(raw_phone: str) -> Conversation:
    """The conversation with this number, oldest first; NotFound when there is none."""
    phone = number_with_history(raw_phone)
    questions = HelpRequest.objects.filter(caller_phone=phone).select_related("answered_by").order_by("-created_at")
    received = InboundText.objects.filter(from_phone=phone).order_by("-created_at")
    sent = Message.objects.filter(to=phone).order_by("-created_at")
    entries = [
        *(Entry(item.created_at, "question", item) for item in questions[:LATEST]),
        *(Entry(item.created_at, "received", item) for item in received[:LATEST]),
        *(Entry(item.created_at, "sent", item) for item in sent[:LATEST]),
    ]
    entries.sort(key=lambda entry: entry.at)
    return Conversation(phone, known_caller(phone), OptOut.objects.filter(phone=phone).first(), entries)


def text_caller(raw_phone: str, body: str, *, sent_by: str) -> Message:
    """A supervisor's text to a caller, written in the console: stored and sent after commit.

    Only to a number the salon has a conversation with (the console offers no blank "To"). To a
    number that opted out it is stored and then skipped by delivery, like any other text.
    """
    body = body.strip()
    if not body:
        raise Invalid("Write a text before sending it.")
    if len(body) > MAX_TEXT_LENGTH:
        raise Invalid(f"A text can be at most {MAX_TEXT_LENGTH} characters; this one has {len(body)}.")
    phone = number_with_history(raw_phone)
    if not phone.startswith("+"):
        raise Invalid(f"{phone} is not a phone number the salon can text.")
    with transaction.atomic():
        message = queue_text(phone, body, kind=Message.Kind.CALLER_REPLY, sent_by=sent_by)
        to_console("message", "queued", {"id": message.pk, "to": phone, "kind": message.kind})
    logger.info("%s texted %s from the console (message %s).", sent_by, phone, message.pk)
    return message
