"""Two-way texts: a supervisor answers a help request by replying to its alert.

Twilio posts every text the salon's number receives to `POST /api/v1/sms/inbound`. It is
Twilio's only if its `X-Twilio-Signature` checks out, and it counts only if it comes from a
supervisor's phone. The reply names its request ("#42 Yes we do", "42: yes") or, without an
id, answers the oldest pending request assigned to that supervisor. The answer goes through
`services.resolve_help_request`, exactly like an answer given in the console or the API.
"""

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, QueryDict
from django.utils.text import Truncator

from helprequests import services
from helprequests.models import HelpRequest, InboundText, Supervisor
from salon_project.errors import Conflict, DomainError, Invalid, NotFound
from salon_project.phones import InvalidPhoneNumber, normalize_phone
from salon_project.schemas import MAX_DB_INT

logger = logging.getLogger("salon.helprequests")

Outcome = InboundText.Outcome


class Forbidden(DomainError):
    status_code = 403


class NotConfigured(DomainError):
    status_code = 503


# --- Twilio's request signature ---------------------------------------------------------------


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's signature of a form POST: base64 of the HMAC-SHA1, keyed with the auth token, of
    the URL followed by each parameter's name and value, sorted by name (then by value)."""
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _with_and_without_port(url: str) -> set[str]:
    """Twilio signs the URL as it was configured, with or without a port; its own libraries
    accept either spelling (the scheme's default port added, or any port removed), and so do we."""
    parts = urlsplit(url)
    default_port = {"https": 443, "http": 80}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:  # not a number: the URL can only be taken as it is
        return {url}
    if default_port is None:
        return {url}
    host = parts.netloc.rpartition(":")[0] if port is not None else parts.netloc
    return {parts._replace(netloc=f"{host}:{port or default_port}").geturl(), parts._replace(netloc=host).geturl()}


def signature_is_valid(auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str) -> bool:
    pairs = list(params)
    return any(
        hmac.compare_digest(twilio_signature(auth_token, candidate, pairs).encode(), signature.encode())
        for candidate in _with_and_without_port(url)
    )


def check_twilio_signature(request: HttpRequest) -> None:
    """Raise unless Twilio, holding our auth token, signed exactly this URL and these fields."""
    auth_token = settings.TWILIO_AUTH_TOKEN
    if not auth_token:
        raise NotConfigured("Inbound texts are off: set TWILIO_AUTH_TOKEN so Twilio's requests can be verified.")
    signature = request.headers.get("X-Twilio-Signature")
    if not signature:
        raise Forbidden("Only Twilio may post here, and this request has no X-Twilio-Signature.")
    url = settings.TWILIO_WEBHOOK_URL or request.build_absolute_uri()
    fields = [(name, value) for name, values in request.POST.lists() for value in values]
    if not signature_is_valid(auth_token, url, fields, signature):
        raise Forbidden(
            "The X-Twilio-Signature does not match this request: it was not signed with our auth token "
            "for this URL (behind a proxy, set TWILIO_WEBHOOK_URL to the URL configured in Twilio)."
        )


# --- Reading a reply --------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingText:
    message_sid: str
    sender: str  # "From", as Twilio sent it
    body: str


def read_form(form: QueryDict) -> IncomingText:
    message_sid = form.get("MessageSid", "").strip()
    sender = form.get("From", "").strip()
    if not message_sid or not sender:
        raise Invalid("A Twilio text needs MessageSid and From.")
    if len(message_sid) > InboundText._meta.get_field("message_sid").max_length:
        raise Invalid("MessageSid is too long to be Twilio's.")
    return IncomingText(message_sid=message_sid, sender=sender, body=form.get("Body", ""))


# "#42 Yes we do", "# 42 - yes", "42: yes", "42) yes". A bare leading number is part of the
# answer ("25 dollars"), not a request id.
_REQUEST_ID = re.compile(r"\s*(?:#\s*(\d+)|(\d+)\s*[:)])[\s:.,)\-–—]*")


def split_reply(body: str) -> tuple[int | None, str]:
    """The request id a reply names (or None) and the answer: the text after the id."""
    match = _REQUEST_ID.match(body)
    if match is None:
        return None, body.strip()
    return int(match[1] or match[2]), body[match.end() :].strip()


# --- Answering --------------------------------------------------------------------------------


def receive_text(text: IncomingText) -> str:
    """Act on a supervisor's text once and return what to text back.

    A retry of the same MessageSid repeats the first reply and changes nothing. Two copies racing
    each other: the loser's resolve finds the request answered, and its insert of the same sid
    fails, so it too answers with the winner's reply.
    """
    supervisor = _supervisor(text.sender)
    earlier = InboundText.objects.filter(message_sid=text.message_sid).first()
    if earlier:
        return earlier.reply
    try:
        with transaction.atomic():
            outcome, help_request, reply = _answer(supervisor, text.body)
            InboundText.objects.create(
                message_sid=text.message_sid,
                from_phone=supervisor.phone,
                supervisor=supervisor,
                body=text.body,
                help_request=help_request,
                outcome=outcome,
                reply=reply,
            )
    except IntegrityError:
        earlier = InboundText.objects.filter(message_sid=text.message_sid).first()
        if earlier is None:
            raise
        return earlier.reply
    logger.info(
        "Text %s from %s: %s (request %s).", text.message_sid, supervisor, outcome, help_request and help_request.pk
    )
    return reply


def _supervisor(sender: str) -> Supervisor:
    """The supervisor whose phone sent this text. Twilio names senders on other channels
    "whatsapp:+1…" and the like; only a text message from the phone itself counts."""
    supervisor = None
    if ":" not in sender:
        try:
            supervisor = Supervisor.objects.filter(phone=normalize_phone(sender)).first()
        except InvalidPhoneNumber:
            pass
    if supervisor is None:
        logger.info("Ignored a text from %s: not a supervisor's phone.", sender)
        raise Forbidden(f"{sender} is not a supervisor's phone: only supervisors answer help requests by text.")
    return supervisor


def _answer(supervisor: Supervisor, body: str) -> tuple[str, HelpRequest | None, str]:
    """(outcome, the request it concerned, the reply) for one supervisor's text."""
    request_id, answer = split_reply(body)
    if not answer:
        return (
            Outcome.NO_ANSWER,
            None,
            f"Your text had no answer in it. Reply with #{request_id or '<id>'} and your answer.",
        )
    chosen = None
    if request_id is None:
        chosen = _oldest_pending_for(supervisor)
        if chosen is None:
            return (
                Outcome.NOTHING_PENDING,
                None,
                f"Hi {supervisor.first_name}, no request is waiting for you. To answer another one, reply with #<id> "
                "and your answer.",
            )
        request_id = chosen.pk
    if request_id > MAX_DB_INT:
        return Outcome.NO_SUCH_REQUEST, None, _no_such_request(request_id)
    try:
        resolved = services.resolve_help_request(
            request_id, answer=answer, supervisor=supervisor, learn=True, actor=f"sms:{supervisor.name}"
        )
    except NotFound:
        return Outcome.NO_SUCH_REQUEST, None, _no_such_request(request_id)
    except Conflict:
        answered = HelpRequest.objects.select_related("answered_by").get(pk=request_id)
        who = f" by {answered.answered_by.name}" if answered.answered_by else ""
        return (
            Outcome.ALREADY_ANSWERED,
            answered,
            f"Request #{request_id} was already answered{who}; yours was not sent.",
        )
    # Without an id we chose the request: name its question, so a reply meant for another shows.
    which = f', "{Truncator(resolved.question).chars(60)}"' if chosen else ""
    return (
        Outcome.RESOLVED,
        resolved,
        f"Thanks {supervisor.first_name} — sent to the caller (request #{resolved.pk}{which}).",
    )


def _oldest_pending_for(supervisor: Supervisor) -> HelpRequest | None:
    """The oldest pending request this supervisor was alerted about (attached ones alert nobody)."""
    return (
        HelpRequest.objects.filter(
            status=HelpRequest.Status.PENDING, assigned_supervisor=supervisor, duplicate_of__isnull=True
        )
        .order_by("created_at", "pk")
        .first()
    )


def _no_such_request(request_id: int) -> str:
    return f"There is no request #{request_id}. Reply with #<id> and your answer, as in the alert."


def twiml(message: str) -> str:
    """Twilio's reply format: texts `message` back to the sender."""
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
