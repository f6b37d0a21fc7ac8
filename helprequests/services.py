"""The help-request lifecycle: create → (resolve | time out) → late answer. One function each.

The API, the admin, the console pages and the management commands all call these, so a rule
lives in one place. Each runs in one transaction: the state change, its audit row, the texts
and webhook events it causes are stored together or not at all.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from helprequests import messages as texts
from helprequests.models import HelpRequest, Supervisor
from helprequests.outbox import emit_event, queue_text
from helprequests.schemas import HelpRequestOut
from helprequests.triage import triage
from knowledge.services import learn_answer
from salon_project.errors import Conflict, Invalid, NotFound

logger = logging.getLogger("salon.helprequests")


@dataclass(frozen=True)
class Created:
    help_request: HelpRequest
    created: bool  # False when an Idempotency-Key replay returned an existing request


def choose_supervisor(priority: str, tags: list[str]) -> Supervisor | None:
    """Urgent → the owner; else an available expert with the fewest open requests; else the owner."""
    owner = Supervisor.objects.filter(is_owner=True).order_by("pk").first()
    if priority == HelpRequest.Priority.URGENT and owner:
        return owner
    experts = [
        s
        for s in Supervisor.with_open_requests().filter(available=True).order_by("open_requests", "pk")
        if set(s.expertise) & set(tags)
    ]
    if experts:
        return experts[0]
    if owner:
        return owner
    return Supervisor.objects.filter(available=True).order_by("pk").first()


def create_help_request(
    *,
    question: str,
    caller_phone: str,
    caller_name: str = "",
    call_id: int | None = None,
    idempotency_key: str | None = None,
    actor: str = "api",
) -> Created:
    """Open a help request, assign it and text the supervisor; a replayed key creates nothing."""
    if idempotency_key:
        existing = HelpRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return Created(_same_request_or_conflict(existing, question, caller_phone), created=False)
    if call_id is not None:
        call_model = HelpRequest.call.field.related_model  # calls uses helprequests, not the reverse
        if not call_model.objects.filter(pk=call_id).exists():
            raise Invalid(f"There is no call with id {call_id}.")
    try:
        with transaction.atomic():
            help_request = _open(question, caller_phone, caller_name, call_id, idempotency_key, actor)
    except IntegrityError:
        # Two requests with the same key raced: the other one committed first, so use it.
        existing = HelpRequest.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return Created(_same_request_or_conflict(existing, question, caller_phone), created=False)
    return Created(help_request, created=True)


def _same_request_or_conflict(existing: HelpRequest, question: str, caller_phone: str) -> HelpRequest:
    if existing.question != question or existing.caller_phone != caller_phone:
        raise Conflict(
            f"This Idempotency-Key was already used for help request {existing.pk} with a different "
            "question or caller; use a new key for a new request."
        )
    return existing


def _open(question, caller_phone, caller_name, call_id, idempotency_key, actor) -> HelpRequest:
    result = triage(question)
    supervisor = choose_supervisor(result.priority, result.tags)
    help_request = HelpRequest.objects.create(
        question=question,
        caller_phone=caller_phone,
        caller_name=caller_name,
        call_id=call_id,
        priority=result.priority,
        tags=result.tags,
        assigned_supervisor=supervisor,
        idempotency_key=idempotency_key,
        expires_at=HelpRequest.default_expiry(),
    )
    help_request.record_event("", HelpRequest.Status.PENDING, actor)
    if supervisor:
        queue_text(
            supervisor.phone,
            texts.supervisor_alert(help_request, supervisor),
            kind="supervisor_alert",
            help_request=help_request,
        )
    else:
        logger.error("Help request %s has no supervisor to alert: add one in admin.", help_request.pk)
    emit_event("help_request.created", _event_data(help_request))
    return help_request


def resolve_help_request(
    help_request_id: int, *, answer: str, supervisor: Supervisor | None = None, learn: bool = True, actor: str = "api"
) -> HelpRequest:
    """Record a supervisor's answer, text it to the caller and (with `learn`) teach it.

    Accepted while pending and, as a late answer, after a timeout. Exactly one of any number of
    racing resolves wins; the others get Conflict and send nothing.
    """
    answer = answer.strip()
    if not answer:
        raise Invalid("The answer must not be blank.")
    with transaction.atomic():
        help_request = _get(help_request_id)
        for _ in range(2):  # a timeout may swap pending → unresolved under us; then try once more
            previous = help_request.status
            if previous not in HelpRequest.ANSWERABLE:
                break
            if help_request.mark_resolved(answer, supervisor, expected=previous):
                return _after_resolve(help_request, previous, supervisor, learn, actor)
            help_request.refresh_from_db()
        who = f" by {help_request.answered_by.name}" if help_request.answered_by else ""
        raise Conflict(f"Help request {help_request.pk} is already {help_request.status}{who}; nothing was sent again.")


def _after_resolve(help_request: HelpRequest, previous: str, supervisor, learn: bool, actor: str) -> HelpRequest:
    help_request.record_event(
        previous,
        HelpRequest.Status.RESOLVED,
        actor,
        note="late answer" if previous == HelpRequest.Status.UNRESOLVED else "",
    )
    if learn:
        entry = learn_answer(
            question=help_request.question,
            answer=help_request.answer,
            help_request_id=help_request.pk,
            category=(help_request.tags or ["general"])[0],
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(knowledge_entry=entry)
        help_request.knowledge_entry = entry
    queue_text(
        help_request.caller_phone,
        texts.caller_followup(help_request),
        kind="caller_followup",
        help_request=help_request,
    )
    emit_event("help_request.resolved", _event_data(help_request))
    return help_request


def expire_help_requests() -> int:
    """The timeout sweep: every pending request past its deadline becomes unresolved.

    Each request is swapped in its own short transaction, so a resolve racing the sweep for the
    same request leaves exactly one winner, and one slow row never holds up the rest.
    """
    expired = 0
    for help_request in HelpRequest.objects.due_to_expire().order_by("expires_at"):
        with transaction.atomic():
            if not help_request.mark_unresolved():
                continue
            help_request.record_event(HelpRequest.Status.PENDING, HelpRequest.Status.UNRESOLVED, "system:timeout")
            queue_text(
                help_request.caller_phone,
                texts.caller_timeout(help_request),
                kind="caller_timeout",
                help_request=help_request,
            )
            emit_event("help_request.unresolved", _event_data(help_request))
            expired += 1
    if expired:
        logger.info("Timed out %d help request(s).", expired)
    return expired


def _get(help_request_id: int) -> HelpRequest:
    try:
        return HelpRequest.objects.select_related("answered_by").get(pk=help_request_id)
    except HelpRequest.DoesNotExist:
        raise NotFound(f"There is no help request with id {help_request_id}.") from None


def _event_data(help_request: HelpRequest) -> dict:
    return HelpRequestOut.from_orm(help_request).model_dump(mode="json")
