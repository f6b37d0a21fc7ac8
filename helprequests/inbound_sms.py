"""Texts to the salon's number: every one kept, each acted on once, by who sent it.

Twilio posts every text the salon's number receives to `POST /api/v1/sms/inbound`. It is
Twilio's only if its `X-Twilio-Signature` checks out; then it is accepted and stored, whoever
sent it, because nothing a person texts the salon may be dropped. What it does:

- An opt-out word (STOP …) from anyone: no text goes to that number until an opt-in word
  (START …). HELP or INFO: the salon's name and phone.
- From a supervisor's phone: an answer. "#42 Yes we do" or "42: yes" answers request 42; without
  an id it answers the one pending request assigned to them, and when several are pending it
  answers none (a guess could text one caller another's answer, and teach it) and lists them.
  Answers go through `services.resolve_help_request`, as in the console or the API.
- From a known caller (`callers.known_caller`): kept with their history for the console's
  conversation page; a new question in it opens a help request through
  `services.create_help_request`, like one asked on the phone.
- From anyone else: kept and shown, never answered automatically.
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

from core.broadcast import to_console
from core.errors import Conflict, DomainError, Invalid, NotFound
from core.idempotency import create_once
from core.schemas import MAX_DB_INT
from helprequests import messages as texts
from helprequests import services
from helprequests.callers import KnownCaller, known_caller, number_of
from helprequests.models import HelpRequest, InboundText, Supervisor
from knowledge.models import SalonProfile
from knowledge.opening_hours import Calendar
from outbound.models import OptOut

logger = logging.getLogger("salon.helprequests")

Outcome = InboundText.Outcome
Kind = InboundText.Kind


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


# --- Reading a text ---------------------------------------------------------------------------


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
    if len(sender) > InboundText._meta.get_field("from_phone").max_length:
        raise Invalid("From is too long to be Twilio's.")
    return IncomingText(message_sid=message_sid, sender=sender, body=form.get("Body", ""))


# Twilio's opt-out, opt-in and help keywords, matched as Twilio matches them: the whole text,
# trimmed, in any case ("Stop" opts out; "stop texting me about my color" is a text to read).
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
OPT_IN_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}


def keyword(body: str) -> str:
    return body.strip().upper()


# "#42 Yes we do", "# 42 - yes", "42: yes", "42) yes". A bare leading number is part of the
# answer ("25 dollars"), not a request id.
_REQUEST_ID = re.compile(r"\s*(?:#\s*(\d+)|(\d+)\s*[:)])[\s:.,)\-–—]*")


def split_reply(body: str) -> tuple[int | None, str]:
    """The request id a reply names (or None) and the answer: the text after the id."""
    match = _REQUEST_ID.match(body)
    if match is None:
        return None, body.strip()
    return int(match[1] or match[2]), body[match.end() :].strip()


# Words that carry no question or request: thanks, acknowledgements, greetings, sign-offs. A
# caller's text made of these alone ("Thanks!", "ok great, thank you") is kept and shown but
# opens no help request; anything else in it might be a question, and a question that reaches a
# supervisor needlessly costs a minute, while one dropped is a caller never answered.
_COURTESY_WORDS = set(
    """
    a again ah alright all amazing and appreciate appreciated awesome brilliant bye cheers cool day
    do done fab fantastic fine gladly good goodbye got great ha haha have hello hey hi it kk k
    lol lot lovely many much nice no noted np oh ok okay okey oops perfect please see sounds so soon
    super sure thank thanks thankyou thanx thats that thx too ty tysm u understood very welcome
    will wonderful wow yay yeah yep yes you youre
    """.split()
)
_WORDS = re.compile(r"[a-z0-9]+")


def asks_something(body: str) -> bool:
    """Whether a caller's text has anything in it beyond courtesy (see _COURTESY_WORDS)."""
    words = _WORDS.findall(body.lower().replace("'", "").replace("’", ""))
    return any(word not in _COURTESY_WORDS for word in words)


# --- Acting on a text -------------------------------------------------------------------------


@dataclass
class Handled:
    kind: str
    outcome: str
    reply: str = ""
    help_request: HelpRequest | None = None
    supervisor: Supervisor | None = None


def receive_text(text: IncomingText) -> str:
    """Store a text once and act on it once; return what to text back ("" for nothing).

    The row is inserted first, claiming the MessageSid: a copy racing this one (Twilio retrying
    while we work) waits on the unique sid until we commit, then finds our row and repeats our
    reply, and has done nothing. A retry that arrives later finds the row at once.
    """
    phone = number_of(text.sender)

    def create() -> InboundText:
        supervisor = Supervisor.objects.filter(phone=phone).first()
        with transaction.atomic():
            record = InboundText.objects.create(
                message_sid=text.message_sid, from_phone=phone, body=text.body, kind="", outcome=""
            )
            handled = _handle(phone, text, supervisor)
            if handled.reply and OptOut.covers(phone):
                handled.reply = ""  # an opted-out number is texted nothing, a reply included
            record.kind, record.outcome, record.reply = handled.kind, handled.outcome, handled.reply
            record.help_request, record.supervisor = handled.help_request, handled.supervisor
            record.save(update_fields=["kind", "outcome", "reply", "help_request", "supervisor"])
            to_console("inbound_text", "received", _console_data(record))
        return record

    record, created = create_once(InboundText, text.message_sid, create, field="message_sid")
    if not created:
        return record.reply
    logger.info(
        "Text %s from %s: %s, %s (request %s).",
        text.message_sid,
        phone,
        record.kind,
        record.outcome,
        record.help_request_id,
    )
    return record.reply


def _handle(phone: str, text: IncomingText, supervisor: Supervisor | None) -> Handled:
    word = keyword(text.body)
    if word in OPT_OUT_WORDS:
        return _opt_out(phone, word, supervisor)
    if word in OPT_IN_WORDS and OptOut.covers(phone):
        # Only where there is an opt-out to lift: otherwise "Yes" is an answer or a caller's text.
        OptOut.objects.filter(phone=phone).delete()
        return Handled(Kind.OPT_IN, Outcome.OPTED_IN, supervisor=supervisor)
    caller = None if supervisor else known_caller(phone)
    if word in HELP_WORDS:
        kind = Kind.SUPERVISOR_REPLY if supervisor else Kind.CALLER if caller else Kind.UNKNOWN
        return Handled(kind, Outcome.HELP, texts.salon_help(SalonProfile.current()), supervisor=supervisor)
    if supervisor:
        return _answer(supervisor, text.body)
    if caller:
        return _from_caller(caller, text)
    return Handled(Kind.UNKNOWN, Outcome.KEPT)  # a stranger is never answered automatically


def _opt_out(phone: str, word: str, supervisor: Supervisor | None) -> Handled:
    """Record the opt-out. Nothing is texted back: on a long code Twilio answers STOP itself
    (and START and HELP, with its Advanced Opt-Out defaults) and then refuses to send anything to
    that number, so a reply of ours would be a second confirmation or a refused message."""
    if not OptOut.covers(phone):
        with transaction.atomic():  # a racing STOP from the same number may have inserted it
            try:
                OptOut.objects.create(phone=phone, keyword=word)
            except IntegrityError:
                pass
    if supervisor:
        logger.warning("Supervisor %s texted %s: their alerts are skipped until they text START.", supervisor, word)
    return Handled(Kind.OPT_OUT, Outcome.OPTED_OUT, supervisor=supervisor)


def _from_caller(caller: KnownCaller, text: IncomingText) -> Handled:
    """A caller's text: kept with their history; a question opens a help request exactly as a
    phone question does (triage, routing, the supervisor's alert), with their number and name."""
    if not asks_something(text.body):
        return Handled(Kind.CALLER, Outcome.KEPT)
    created = services.create_help_request(
        question=text.body.strip(),  # a text is at most 1,600 characters: within a question's limit
        caller_phone=caller.phone,
        caller_name=caller.name,
        idempotency_key=f"sms:{text.message_sid}",
        actor="sms:caller",
        text_receipt=False,  # the reply below says when to expect the answer
    )
    help_request = created.help_request
    reply = texts.caller_question_received(help_request, Calendar.current())
    return Handled(Kind.CALLER, Outcome.NEW_REQUEST, reply, help_request)


def _answer(supervisor: Supervisor, body: str) -> Handled:
    """A supervisor's text: the answer to the request it names, or to the only one they have."""
    request_id, answer = split_reply(body)
    if not answer:
        return _to(
            supervisor,
            Outcome.NO_ANSWER,
            f"Your text had no answer in it. Reply with #{request_id or '<id>'} and your answer.",
        )
    chosen = None
    if request_id is None:
        pending = _pending_for(supervisor)
        if not pending:
            return _to(
                supervisor,
                Outcome.NOTHING_PENDING,
                f"Hi {supervisor.first_name}, no request is waiting for you. To answer another one, reply with #<id> "
                "and your answer.",
            )
        if len(pending) > 1:
            return _to(supervisor, Outcome.SEVERAL_PENDING, _which_one(supervisor, pending))
        chosen = pending[0]
        request_id = chosen.pk
    if request_id > MAX_DB_INT:
        return _to(supervisor, Outcome.NO_SUCH_REQUEST, _no_such_request(request_id))
    try:
        resolved = services.resolve_help_request(
            request_id, answer=answer, supervisor=supervisor, learn=True, actor=f"sms:{supervisor.name}"
        )
    except NotFound:
        return _to(supervisor, Outcome.NO_SUCH_REQUEST, _no_such_request(request_id))
    except Conflict:
        answered = HelpRequest.objects.select_related("answered_by").get(pk=request_id)
        who = f" by {answered.answered_by.name}" if answered.answered_by else ""
        return _to(
            supervisor,
            Outcome.ALREADY_ANSWERED,
            f"Request #{request_id} was already answered{who}; yours was not sent.",
            answered,
        )
    # Without an id we chose the request: name its question, so a reply meant for another shows.
    which = f', "{Truncator(resolved.question).chars(60)}"' if chosen else ""
    return _to(
        supervisor,
        Outcome.RESOLVED,
        f"Thanks {supervisor.first_name} — sent to the caller (request #{resolved.pk}{which}).",
        resolved,
    )


def _to(supervisor: Supervisor, outcome: str, reply: str, help_request: HelpRequest | None = None) -> Handled:
    return Handled(Kind.SUPERVISOR_REPLY, outcome, reply, help_request, supervisor)


# How many waiting requests a "which one?" reply lists: enough for a busy shift, short enough to
# stay a text or two.
LIST_AT_MOST = 5


def _pending_for(supervisor: Supervisor) -> list[HelpRequest]:
    """The pending requests this supervisor was alerted about (attached ones alert nobody),
    oldest first; at most one more than a reply lists, so it can say "and more"."""
    return list(
        HelpRequest.objects.filter(
            status=HelpRequest.Status.PENDING, assigned_supervisor=supervisor, duplicate_of__isnull=True
        ).order_by("created_at", "pk")[: LIST_AT_MOST + 1]
    )


def _which_one(supervisor: Supervisor, pending: list[HelpRequest]) -> str:
    listed = "; ".join(f'#{r.pk} "{Truncator(r.question).chars(40)}"' for r in pending[:LIST_AT_MOST])
    more = " and more (see the console)" if len(pending) > LIST_AT_MOST else ""
    return (
        f"Hi {supervisor.first_name}, several requests are waiting for you: {listed}{more}. "
        "Nothing was sent. Reply with #<id> and your answer."
    )


def _no_such_request(request_id: int) -> str:
    return f"There is no request #{request_id}. Reply with #<id> and your answer, as in the alert."


def _console_data(record: InboundText) -> dict:
    return {
        "id": record.pk,
        "from": record.from_phone,
        "kind": record.kind,
        "outcome": record.outcome,
        "help_request_id": record.help_request_id,
    }


def twiml(message: str) -> str:
    """Twilio's reply format: texts `message` back to the sender; an empty `<Response/>` texts
    nothing back."""
    if not message:
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
