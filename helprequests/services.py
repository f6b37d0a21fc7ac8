"""The help-request lifecycle: create → (resolve | time out) → late answer. One function each.

The API, the admin, the console pages and the management commands all call these, so a rule
lives in one place. Each runs in one transaction: the state change, its audit row, the texts
and webhook events it causes are stored together or not at all.

Coalescing: a question that asks the same as a pending one is attached to it (`duplicate_of`)
instead of alerting a supervisor again; answering any request of such a group answers them all.
Concurrency, on PostgreSQL: creates decide "new or attached" one at a time (an advisory lock), and
the primary's row is the group's lock (see `HelpRequest.lock_group`), so two callers asking at
once give one alert and a request attached while the group is being answered is never left out.
On SQLite (the single-process default) neither lock exists: two simultaneous identical creates
may both become primaries, i.e. one alert too many, never a lost answer.
"""

import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from core.broadcast import to_console
from core.errors import Conflict, Invalid, get_or_404
from core.idempotency import create_once
from helprequests import deadlines
from helprequests import messages as texts
from helprequests.callers import call_exists
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from helprequests.schemas import HelpRequestOut
from helprequests.signals import help_request_resolved
from helprequests.triage import triage
from knowledge.analysis import Vocabulary
from knowledge.matching import question_topic, same_question
from knowledge.models import SalonProfile
from knowledge.opening_hours import Calendar
from knowledge.services import current_index, learn_answer
from outbound.models import Message
from outbound.outbox import Text, emit_event, queue_text, queue_texts

logger = logging.getLogger("salon.helprequests")


@dataclass(frozen=True)
class Created:
    help_request: HelpRequest
    created: bool  # False when an Idempotency-Key replay returned an existing request


def routing_pool(on_a_call: Collection[int] | None = None) -> tuple[list[Supervisor], Supervisor | None]:
    """What the routing rule chooses among: the available supervisors, with their open requests,
    and the owner (available or not). For a live transfer, `on_a_call` names the people busy on
    the phone, and only who can pick up now is chosen among: the available ones not on a call,
    the owner only as one of them."""
    available = list(Supervisor.with_open_requests().filter(available=True).order_by("pk"))
    if on_a_call is None:
        return available, Supervisor.objects.filter(is_owner=True).order_by("pk").first()
    free = [supervisor for supervisor in available if supervisor.pk not in on_a_call]
    return free, next((supervisor for supervisor in free if supervisor.is_owner), None)


def choose_supervisor(priority: str, tags: list[str], on_a_call: Collection[int] | None = None) -> Supervisor | None:
    """Who a new help request (or, with `on_a_call`, a live transfer) goes to: the routing rule
    (`pick_supervisor`) among the available supervisors, with the owner taking urgent requests
    even when marked unavailable (not so for a transfer: the owner must be free to pick up)."""
    available, owner = routing_pool(on_a_call)
    return pick_supervisor(available, owner, priority, tags)


def pick_supervisor(
    available: Sequence[Supervisor], owner: Supervisor | None, priority: str, tags: list[str]
) -> Supervisor | None:
    """The one routing rule, for help requests and for live transfers alike: urgent goes to the
    owner; otherwise an available supervisor whose expertise shares a tag, fewest open requests
    first, and between equally busy ones not the owner, who already takes everything urgent and
    everything nobody else covers (a colour gone wrong is `complaint` and `color`: the colourist,
    not the owner, unless the colourist is busier); otherwise the owner; otherwise anyone available.
    `available` carries `open_requests` (Supervisor.with_open_requests)."""
    if priority == HelpRequest.Priority.URGENT and owner:
        return owner
    experts = sorted(
        (s for s in available if set(s.expertise) & set(tags)), key=lambda s: (s.open_requests, s.is_owner, s.pk)
    )
    if experts:
        return experts[0]
    return owner or (available[0] if available else None)


def create_help_request(
    *,
    question: str,
    caller_phone: str,
    caller_name: str = "",
    call_id: int | None = None,
    idempotency_key: str | None = None,
    actor: str = "api",
    text_receipt: bool = True,
) -> Created:
    """Open a help request, assign it and text the supervisor; a replayed key creates nothing.

    Asked while the salon is closed, the caller is texted when to expect the answer too
    (`caller_received`), unless `text_receipt` is off: a texted question says it in the reply."""

    def create() -> HelpRequest:
        if call_id is not None and not call_exists(call_id):
            raise Invalid(f"There is no call with id {call_id}.")
        with transaction.atomic():
            return _open(question, caller_phone, caller_name, call_id, idempotency_key, actor, text_receipt)

    help_request, created = create_once(HelpRequest, idempotency_key, create)
    if not created:
        help_request = _same_request_or_conflict(help_request, question, caller_phone)
    return Created(help_request, created=created)


def _same_request_or_conflict(existing: HelpRequest, question: str, caller_phone: str) -> HelpRequest:
    if existing.question != question or existing.caller_phone != caller_phone:
        raise Conflict(
            f"This Idempotency-Key was already used for help request {existing.pk} with a different "
            "question or caller; use a new key for a new request."
        )
    return existing


def _open(question, caller_phone, caller_name, call_id, idempotency_key, actor, text_receipt) -> HelpRequest:
    result = triage(question)
    vocabulary = current_index().vocabulary  # staff names, so "Jordan" is a person, as in lookups
    topic = _topic_of(question, vocabulary)
    primary = _primary_to_join(question, topic, vocabulary, caller_phone, result.priority)
    asked_at = timezone.now()
    calendar = Calendar.current()
    # An attached request shares its primary's deadline, and its ladder: only primaries climb it.
    plan = deadlines.schedule(asked_at, result.priority == HelpRequest.Priority.URGENT, calendar)
    help_request = HelpRequest.objects.create(
        question=question,
        topic=topic,
        caller_phone=caller_phone,
        caller_name=caller_name,
        call_id=call_id,
        priority=result.priority,
        tags=result.tags,
        assigned_supervisor=primary.assigned_supervisor if primary else choose_supervisor(result.priority, result.tags),
        idempotency_key=idempotency_key,
        created_at=asked_at,
        expires_at=primary.expires_at if primary else plan.expires_at,
        ladder_step=plan.ladder_step,
        ladder_next_at=None if primary else plan.ladder_next_at,
        ladder_last_at=None if primary else plan.ladder_last_at,
        duplicate_of=primary,
    )
    help_request.duplicate_count = 0  # as `with_duplicate_count()` reads it: a new request has none attached
    note = f"attached to #{primary.pk}" if primary else ""
    help_request.record_event("", HelpRequest.Status.PENDING, actor, note=note)
    supervisor = help_request.assigned_supervisor
    if primary:
        logger.info("Help request %s asks the same as #%s: attached, no new alert.", help_request.pk, primary.pk)
    elif supervisor:
        queue_text(
            supervisor.phone,
            texts.supervisor_alert(help_request, supervisor),
            kind="supervisor_alert",
            help_request_id=help_request.pk,
        )
    else:
        logger.error("Help request %s has no supervisor to alert: add one in admin.", help_request.pk)
    if text_receipt and calendar and not calendar.is_open(asked_at) and not _told_when(primary, caller_phone):
        body = texts.caller_received(help_request, calendar)
        queue_text(caller_phone, body, kind=Message.Kind.CALLER_RECEIVED, help_request_id=help_request.pk)
    emit_event("help_request.created", _event_data(help_request))
    to_console("help_request", "coalesced" if primary else "created", _console_data(help_request))
    return help_request


def _told_when(primary: HelpRequest | None, caller_phone: str) -> bool:
    """Whether this caller was already texted when to expect the answer of the group they join
    (a caller who asks again at night is told once, as the timeout text tells them once)."""
    if primary is None:
        return False
    group = HelpRequest.objects.filter(Q(pk=primary.pk) | Q(duplicate_of_id=primary.pk)).values("pk")
    return Message.objects.filter(
        kind=Message.Kind.CALLER_RECEIVED, to=caller_phone, help_request_id__in=group
    ).exists()


# The advisory locks' namespace: any constant works; it only has to be the same in every process.
_CREATE_LOCKS = 0x5A10


def _topic_of(question: str, vocabulary: Vocabulary) -> str:
    """A short stable digest of the question's topic (`knowledge.matching.question_topic`)."""
    return hashlib.blake2b(question_topic(question, vocabulary).encode(), digest_size=8).hexdigest()


def _primary_to_join(
    question: str, topic: str, vocabulary: Vocabulary, caller_phone: str, priority: str
) -> HelpRequest | None:
    """The pending request this question asks the same as, locked, or None to open a new one.

    Runs inside the create's transaction. Questions that `same_question` could pair always
    share a topic, so only pending requests of this topic are compared, and on PostgreSQL
    creates of one topic take turns here (an advisory lock held until commit): of two callers
    asking the same thing at once, the second sees the first's request.
    """
    if priority == HelpRequest.Priority.URGENT:
        return None  # each emergency alerts the owner
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the topic's first 32 bits, as PostgreSQL's int4
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CREATE_LOCKS, int(topic[:8], 16) - 2**31])
    candidates = HelpRequest.objects.primaries_to_join(caller_phone, priority, topic)
    for pk, candidate_question in candidates.values_list("pk", "question"):
        if same_question(question, candidate_question, vocabulary):
            # Locked, and still pending: a resolve that got there first leaves nothing to join.
            primary = candidates.select_for_update().filter(pk=pk).first()
            if primary:
                return primary
    return None


def resolve_help_request(
    help_request_id: int, *, answer: str, supervisor: Supervisor | None = None, learn: bool = True, actor: str = "api"
) -> HelpRequest:
    """Record a supervisor's answer, text it to the caller and (with `learn`) teach it.

    Accepted while pending and, as a late answer, after a timeout. Exactly one of any number of
    racing resolves wins; the others get Conflict and send nothing. The answer serves the whole
    group: the primary and every request attached to it that is still waiting are resolved too.
    """
    answer = answer.strip()
    if not answer:
        raise Invalid("The answer must not be blank.")
    with transaction.atomic():
        group = _get(help_request_id).lock_group()
        requested = next(member for member in group if member.pk == help_request_id)
        previous = requested.resolve(answer, supervisor)
        if previous is None:
            who = f" by {requested.answered_by.name}" if requested.answered_by else ""
            raise Conflict(f"Help request {requested.pk} is already {requested.status}{who}; nothing was sent again.")
        answered = [(requested, previous)]
        for member in group:
            if member is not requested and (member_previous := member.resolve(answer, supervisor)):
                answered.append((member, member_previous))
        _after_resolve(sorted(answered, key=lambda pair: pair[0].pk), requested, learn, actor)
        return requested


def _after_resolve(answered: list[tuple[HelpRequest, str]], requested: HelpRequest, learn: bool, actor: str) -> None:
    """For each request just resolved (primary first): an audit event, the caller's text (once per
    caller) and a webhook; the answer is learned once, from the first one's question."""
    lead = answered[0][0]
    entry = (
        learn_answer(
            question=lead.question,
            answer=lead.answer,
            help_request_id=lead.pk,
            category=(lead.tags or ["general"])[0],
            answered_by=requested.answered_by.name if requested.answered_by else actor,
        )
        if learn
        else None
    )
    if entry:
        HelpRequest.objects.filter(pk__in=[member.pk for member, _ in answered]).update(knowledge_entry=entry)
    texted: set[str] = set()
    for member, previous in answered:
        if entry:
            member.knowledge_entry = entry
        notes = ["late answer"] if previous == HelpRequest.Status.UNRESOLVED else []
        if member is not requested:
            notes.append(f"answered with #{requested.pk}")
        member.record_event(previous, HelpRequest.Status.RESOLVED, actor, note="; ".join(notes))
        if member.caller_phone not in texted:  # a caller who asked twice is texted once
            texted.add(member.caller_phone)
            body = texts.caller_followup(member)
            queue_text(member.caller_phone, body, kind=Message.Kind.CALLER_FOLLOWUP, help_request_id=member.pk)
        emit_event("help_request.resolved", _event_data(member))
        to_console(
            "help_request",
            "resolved",
            _console_data(member, answer=member.answer, answered_by=answerer(member.answered_by, actor)),
        )
        # A voice agent may be keeping this caller on the line: calls tells it (calls/receivers.py).
        help_request_resolved.send(sender=HelpRequest, help_request=member)


SWEEP_BATCH = 2000


def expire_help_requests() -> int:
    """The timeout sweep: every pending request past its deadline becomes unresolved.

    Attached requests share their primary's deadline, so a group times out in the same sweep.
    Requests are taken SWEEP_BATCH at a time, each batch in one short transaction that first
    locks its rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite serialises writers), so a
    resolve racing the sweep for the same request waits, then finds it unresolved (and its
    answer still goes out as a late one): exactly one outcome. A batch writes its audit events,
    texts and webhook deliveries in bulk and tells the console in one event (`ids`), so a
    backlog of thousands takes seconds, not minutes.
    """
    expired = 0
    while swept := _expire_batch():
        expired += swept
    if expired:
        logger.info("Timed out %d help request(s).", expired)
    return expired


def _expire_batch() -> int:
    with transaction.atomic():
        batch = HelpRequest.objects.expire_due(SWEEP_BATCH)
        if not batch:
            return 0
        ids = [help_request.pk for help_request in batch]
        HelpRequestEvent.record_many(ids, HelpRequest.Status.PENDING, HelpRequest.Status.UNRESOLVED, "system:timeout")
        queue_texts(_timeout_texts(batch))
        emit_event("help_request.unresolved", lambda: map(_event_data, _for_events(ids)))
        to_console("help_request", "timed_out", {"ids": ids})
    return len(batch)


def _for_events(ids: list[int]) -> list[HelpRequest]:
    """Requests as the API shows them, for webhook events (only read when an endpoint wants them)."""
    rows = HelpRequest.objects.filter(pk__in=ids).select_related("assigned_supervisor", "answered_by")
    return list(rows.with_duplicate_count().order_by("expires_at", "pk"))


def _timeout_texts(batch: list[HelpRequest]) -> list[Text]:
    """The "sorry, not answered yet" texts: one per caller per group (a caller who asked twice,
    or whose two requests were grouped, is told once), counting texts sent in earlier sweeps."""
    primaries = {help_request.primary_pk for help_request in batch}
    # Only a group of several can have had a member time out before (a request times out once):
    # most requests are alone, so their texts are not looked for at all.
    groups = set(HelpRequest.objects.filter(duplicate_of_id__in=primaries).values_list("duplicate_of_id", flat=True))
    told = set()
    if groups:
        group_members = HelpRequest.objects.filter(Q(pk__in=groups) | Q(duplicate_of_id__in=groups)).values("pk")
        primary_of = HelpRequest.objects.filter(pk=OuterRef("help_request_id")).values("duplicate_of_id")
        earlier = Message.objects.filter(kind=Message.Kind.CALLER_TIMEOUT, help_request_id__in=group_members)
        told = {
            (duplicate_of or pk, to)
            for pk, duplicate_of, to in earlier.annotate(primary=Subquery(primary_of)).values_list(
                "help_request_id", "primary", "to"
            )
        }
    salon_name = SalonProfile.display_name()
    texts_to_send = []
    for help_request in batch:
        key = (help_request.primary_pk, help_request.caller_phone)
        if key in told:
            continue
        told.add(key)
        body = texts.caller_timeout(help_request, salon_name)
        texts_to_send.append(Text(help_request.caller_phone, body, Message.Kind.CALLER_TIMEOUT, help_request.pk))
    return texts_to_send


def _get(help_request_id: int) -> HelpRequest:
    return get_or_404(HelpRequest.objects.select_related("answered_by"), help_request_id, "help request")


def _event_data(help_request: HelpRequest) -> dict:
    return HelpRequestOut.from_orm(help_request).model_dump(mode="json")


def _console_data(help_request: HelpRequest, **extra: str) -> dict:
    """Just enough for an open console page to react at once (a beep, "answered by"); pages
    re-read everything else from the server."""
    return {
        "id": help_request.pk,
        "status": help_request.status,
        "priority": help_request.priority,
        "question": help_request.question,
        "duplicate_of": help_request.duplicate_of_id,
        **extra,
    }


def answerer(supervisor: Supervisor | None, actor: str) -> str:
    """Who to name as a request's answerer: the supervisor, else whoever the audit trail names
    (a console user without a supervisor profile is "user:<username>": shown as the username)."""
    return supervisor.name if supervisor else actor.removeprefix("user:")
