"""Warm transfer: the AI receptionist hands a live call to a person, who is briefed first.

One function per step; the API, the admin, the Celery tasks and (later) the console card call
these, so each rule lives here once.

    start_transfer   the agent asks for a person: pick one (available only; urgent → the owner,
                     else an expert for the topic), summarise the call, create the private
                     consultation room in LiveKit, alert them (console + text; with a SIP trunk
                     their phone rings into that room)                 requested → ringing
    join_transfer    the person opens the consultation room from the console (a token for that
                     room only); the agent speaks the summary there     ringing → briefing
    accept_transfer  they take the call: a token for the caller's room (or their phone leg is
                     moved there on LiveKit Cloud, rung into it elsewhere); the agent says
                     goodbye and leaves                                   → connected
    decline / cancel / expire_transfers (no_answer, timed_out) / LiveKit errors (failed): the
                     agent goes back to the caller and offers a help request instead
    complete_transfer  the person finished with the caller (connected, stamped once)

Every change is one conditional UPDATE (`Transfer.move_to`), so racing accept, decline and
timeout leave exactly one outcome; the losers get Conflict. Each change writes a TransferEvent,
tells the console (`to_console("transfer", <status>, ...)`), and tells the call's listeners (the
agent, on `/ws/calls/<id>/`) with a `transfer.event`, all after commit. Talking to LiveKit
happens outside transactions, and a LiveKit failure becomes the outcome `failed`.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calls import livekit_rooms, summaries
from calls.livekit_rooms import LiveKitFailed
from calls.models import Call, Transfer
from calls.schemas import TransferOut
from calls.services import call_group, get_call
from calls.tasks import dial_transfer
from core.broadcast import broadcast, to_console
from core.errors import Conflict, Invalid, get_or_404
from core.idempotency import create_once
from helprequests.models import Supervisor
from helprequests.services import choose_supervisor
from helprequests.triage import triage
from outbound.models import Message
from outbound.outbox import emit_event, queue_text

logger = logging.getLogger("salon.transfers")

EVENT_TYPE = "transfer.event"  # what the call's listeners receive (calls/consumers.py)
NOBODY_AVAILABLE = "Nobody is available to take the call right now."
# SIP answers that mean the person said no, rather than did not pick up.
SIP_DECLINED = {486, 600, 603}
SIP_NO_ANSWER = {408, 480, 487}


@dataclass(frozen=True)
class Started:
    transfer: Transfer
    created: bool  # False when an Idempotency-Key replay returned the first transfer
    agent_token: str | None  # the agent's way into the consultation room (warm, while open)


@dataclass(frozen=True)
class Joined:
    transfer: Transfer
    token: str  # the consultation room only


@dataclass(frozen=True)
class Accepted:
    transfer: Transfer
    token: str | None  # the caller's room only; None when the person is on the phone (moved)


def get_transfer(transfer_id: int) -> Transfer:
    return get_or_404(Transfer.objects.select_related("call", "supervisor"), transfer_id, "transfer")


# --- Who takes the call -----------------------------------------------------------------------


def busy_supervisor_ids() -> set[int]:
    """People being rung, being briefed, or on a transferred call they have not completed."""
    busy = Transfer.objects.filter(
        Q(status__in=Transfer.OPEN) | Q(status=Transfer.Status.CONNECTED, completed_at__isnull=True),
        supervisor__isnull=False,
    )
    return set(busy.values_list("supervisor_id", flat=True))


def choose_person(reason: str) -> Supervisor | None:
    """The routing of help requests (helprequests.services.choose_supervisor), among people who can
    pick up now only (the owner too). None when nobody is."""
    result = triage(reason)
    return choose_supervisor(result.priority, result.tags, on_a_call=busy_supervisor_ids())


# --- Start ------------------------------------------------------------------------------------


def start_transfer(
    call_id: int,
    *,
    reason: str,
    kind: str = Transfer.Kind.WARM,
    to_phone: str | None = None,
    participant_identity: str | None = None,
    idempotency_key: str | None = None,
    actor: str = "api",
) -> Started:
    """The agent asks for a person. Always records the attempt: when it cannot go ahead (nobody
    available, LiveKit not set up or failing) the transfer is returned already `failed`, with a
    sentence saying why, so the agent can go back to the caller."""

    def create() -> Transfer:
        call = get_call(call_id)
        if call.status != Call.Status.ACTIVE:
            raise Conflict(f"Call {call.pk} has ended; there is nobody to transfer.")
        if kind == Transfer.Kind.COLD:
            if call.channel != Call.Channel.PHONE or not participant_identity:
                raise Invalid("A cold transfer needs a phone caller: send the caller's SIP participant_identity.")
        person = choose_person(reason)
        summary = summaries.summarize(_turns(call), reason=reason, caller=_caller_label(call))
        with transaction.atomic():  # after the summary, not around it: a model may take its time
            transfer = Transfer.objects.create(
                call=call,
                kind=kind,
                reason=reason,
                supervisor=person,
                to_phone=to_phone or (person.phone if person and kind == Transfer.Kind.COLD else ""),
                summary=summary.text,
                summary_source=summary.source,
                idempotency_key=idempotency_key,
            )
            _announce(transfer, "", actor)
        return transfer

    def already_open() -> str | None:
        open_one = Transfer.objects.open().filter(call_id=call_id).first()
        if open_one is None:
            return None
        return (
            f"Call {call_id} already has a transfer in progress (id {open_one.pk}, {open_one.status}); cancel it first."
        )

    transfer, created = create_once(Transfer, idempotency_key, create, clash=already_open)
    if not created:
        return _replay(transfer, call_id, reason)
    if kind == Transfer.Kind.COLD:
        return _start_cold(transfer, participant_identity or "", actor)
    return _start_warm(transfer, actor)


def _replay(existing: Transfer, call_id: int, reason: str) -> Started:
    if existing.call_id != call_id or existing.reason != reason:
        raise Conflict(
            f"This Idempotency-Key was already used for transfer {existing.pk} of call {existing.call_id} "
            "with a different reason; use a new key for a new transfer."
        )
    return Started(existing, created=False, agent_token=_agent_token(existing))


def _start_warm(transfer: Transfer, actor: str) -> Started:
    if transfer.supervisor is None:
        return Started(_fail(transfer, NOBODY_AVAILABLE, actor), True, None)
    transfer.consult_room = f"{livekit_rooms.CONSULT_ROOM_PREFIX}{transfer.call_id}-{secrets.token_hex(4)}"
    try:
        livekit_rooms.create_room(transfer.consult_room)
    except LiveKitFailed as exc:
        return Started(_fail(transfer, exc.detail, "livekit"), True, None)
    person = transfer.supervisor
    dial = livekit_rooms.sip_configured()
    with transaction.atomic():
        previous = transfer.move_to(
            Transfer.Status.RINGING,
            consult_room=transfer.consult_room,
            to_phone=person.phone if dial else "",
            deadline=timezone.now() + timedelta(seconds=settings.TRANSFER_RING_SECONDS),
        )
        if previous is None:  # cancelled while the room was being made
            transfer.refresh_from_db()
            return Started(transfer, True, None)
        _announce(transfer, previous, actor, note=f"ringing {person.name}" + (f" at {person.phone}" if dial else ""))
        queue_text(person.phone, _alert_text(transfer, person), kind=Message.Kind.TRANSFER_ALERT)
        if dial:
            transaction.on_commit(lambda: dial_transfer.delay(transfer.pk))
    return Started(transfer, True, _agent_token(transfer))


def _start_cold(transfer: Transfer, participant_identity: str, actor: str) -> Started:
    if not transfer.to_phone:
        return Started(_fail(transfer, NOBODY_AVAILABLE, actor), True, None)
    if not livekit_rooms.sip_configured():
        return Started(_fail(transfer, "A cold transfer needs LIVEKIT_SIP_TRUNK_ID (a SIP trunk).", actor), True, None)
    transaction.on_commit(lambda: dial_transfer.delay(transfer.pk, participant_identity))
    return Started(transfer, True, None)


def dial(transfer_id: int, participant_identity: str = "") -> None:
    """The phone leg (a Celery task, since ringing takes up to TRANSFER_RING_SECONDS): warm, ring
    the person into the consultation room (answered → briefing); cold, hand the SIP caller to the
    number (answered → connected). Busy or rejected → declined; unanswered → no_answer."""
    transfer = get_transfer(transfer_id)
    warm = transfer.kind == Transfer.Kind.WARM
    if not transfer.is_open or not transfer.to_phone or (warm and transfer.status != Transfer.Status.RINGING):
        return  # decided meanwhile, or a repeated task
    identity = phone_identity(transfer)
    try:
        if warm:
            livekit_rooms.dial(
                transfer.consult_room,
                transfer.to_phone,
                identity=identity,
                name=transfer.supervisor.name if transfer.supervisor else "Salon staff",
                ring_seconds=settings.TRANSFER_RING_SECONDS,
            )
        else:
            livekit_rooms.transfer_out(
                transfer.call.room, participant_identity, transfer.to_phone, ring_seconds=settings.TRANSFER_RING_SECONDS
            )
    except LiveKitFailed as exc:
        _finish(transfer, _dial_outcome(exc), "livekit:sip", note=exc.detail)
        return
    if warm:
        decide_by = timezone.now() + timedelta(seconds=settings.TRANSFER_DECIDE_SECONDS)
        if not _change(transfer, Transfer.Status.BRIEFING, "livekit:sip", "answered the phone", deadline=decide_by):
            _close_consultation(transfer)  # it ended while the phone rang: hang the phone up
    else:
        _change(transfer, Transfer.Status.CONNECTED, "livekit:sip", f"handed to {transfer.to_phone}")


def _dial_outcome(exc: LiveKitFailed) -> str:
    """Busy or rejected → declined; rang out (no SIP answer at all) or unavailable → no_answer."""
    if exc.sip_status_code in SIP_DECLINED:
        return Transfer.Status.DECLINED
    if exc.sip_status_code in SIP_NO_ANSWER or exc.unanswered:
        return Transfer.Status.NO_ANSWER
    return Transfer.Status.FAILED


# --- The person decides -----------------------------------------------------------------------


def join_transfer(transfer_id: int, *, supervisor: Supervisor | None, actor: str) -> Joined:
    """The person opens the consultation room from the console: ringing → briefing (a second
    join while briefing, e.g. after a reload, just gets a fresh token)."""
    transfer = get_transfer(transfer_id)
    if transfer.kind != Transfer.Kind.WARM:
        raise Conflict(f"Transfer {transfer.pk} is a cold transfer; there is no consultation room.")
    if transfer.status != Transfer.Status.BRIEFING:
        decide_by = timezone.now() + timedelta(seconds=settings.TRANSFER_DECIDE_SECONDS)
        if not _change(transfer, Transfer.Status.BRIEFING, actor, "joined from the console", deadline=decide_by):
            raise _not_now(transfer, "joined")
    person = supervisor or transfer.supervisor
    token = livekit_rooms.room_token(
        transfer.consult_room,
        identity=person_identity(transfer, person),
        name=person.name if person else "Salon staff",
        ttl_seconds=settings.TRANSFER_TOKEN_TTL_SECONDS,
    )
    return Joined(transfer, token)


def accept_transfer(transfer_id: int, *, supervisor: Supervisor | None, actor: str) -> Accepted:
    """The person takes the call. On the phone (they answered a dial): their phone leg goes to the
    caller's room (`_bridge_phone`). Otherwise: a token for the caller's room only, short-lived.
    Either way the agent hears `connected`, says goodbye and leaves."""
    transfer = get_transfer(transfer_id)
    if transfer.kind != Transfer.Kind.WARM or transfer.status not in (
        Transfer.Status.RINGING,
        Transfer.Status.BRIEFING,
    ):
        raise _not_now(transfer, "accepted")
    on_phone = bool(transfer.to_phone) and phone_identity(transfer) in _in_consultation(transfer)
    how = "accepted"
    if on_phone:
        how = _bridge_phone(transfer)
    if supervisor is not None and transfer.supervisor_id != supervisor.pk:
        Transfer.objects.filter(pk=transfer.pk).update(supervisor=supervisor)
        transfer.supervisor = supervisor
    if not _change(transfer, Transfer.Status.CONNECTED, actor, how, connected_at=timezone.now()):
        if on_phone:  # decided meanwhile: hang up the phone leg rung into the caller's room
            _hang_up(transfer, transfer.call.room)
        raise _not_now(transfer, "accepted")
    _close_consultation(transfer, hang_up=False)
    token = None
    if not on_phone:
        person = transfer.supervisor
        token = livekit_rooms.room_token(
            transfer.call.room,
            identity=person_identity(transfer, person),
            name=person.name if person else "Salon staff",
            ttl_seconds=settings.TRANSFER_TOKEN_TTL_SECONDS,
        )
    return Accepted(transfer, token)


def _bridge_phone(transfer: Transfer) -> str:
    """The person on the phone joins the caller. On LiveKit Cloud their call is moved there
    (MoveParticipant). Open-source livekit-server cannot move (it answers "not implemented"):
    there the consultation call is hung up and their phone is rung again, into the caller's room
    (CreateSIPParticipant), and this returns once they answer. Any other failure, or no answer,
    ends the transfer (failed, declined, no_answer) and is raised: the agent is still there."""
    identity = phone_identity(transfer)
    if livekit_rooms.moves_participants():
        try:
            livekit_rooms.move_participant(transfer.consult_room, identity, transfer.call.room)
            return "accepted (phone moved)"
        except LiveKitFailed as exc:
            if not exc.not_implemented:
                _finish(transfer, Transfer.Status.FAILED, "livekit", note=exc.detail)
                raise
            logger.warning("Transfer %s: %s Ringing the person into the caller's room.", transfer.pk, exc.detail)
    _hang_up(transfer, transfer.consult_room)
    try:
        livekit_rooms.dial(
            transfer.call.room,
            transfer.to_phone,
            identity=identity,
            name=transfer.supervisor.name if transfer.supervisor else "Salon staff",
            ring_seconds=settings.TRANSFER_RING_SECONDS,
        )
    except LiveKitFailed as exc:
        _finish(transfer, _dial_outcome(exc), "livekit:sip", note=exc.detail)
        raise
    return "accepted (phone rung into the call)"


def _hang_up(transfer: Transfer, room: str) -> None:
    try:
        livekit_rooms.remove_participant(room, phone_identity(transfer))
    except LiveKitFailed as exc:
        logger.warning("Transfer %s: %s", transfer.pk, exc.detail)


def decline_transfer(transfer_id: int, *, reason: str = "", actor: str) -> Transfer:
    """The person cannot take it; the agent tells the caller and offers a help request."""
    return _end(transfer_id, Transfer.Status.DECLINED, actor, reason or "declined", verb="declined")


def cancel_transfer(transfer_id: int, *, reason: str = "", actor: str) -> Transfer:
    """The agent or staff call it off (the caller hung up or changed their mind)."""
    return _end(transfer_id, Transfer.Status.CANCELLED, actor, reason or "cancelled", verb="cancelled")


def complete_transfer(transfer_id: int, *, actor: str) -> Transfer:
    """The person has finished with the caller: stamped once on a connected transfer."""
    transfer = get_transfer(transfer_id)
    now = timezone.now()
    with transaction.atomic():
        done = Transfer.objects.filter(
            pk=transfer.pk, status=Transfer.Status.CONNECTED, completed_at__isnull=True
        ).update(completed_at=now)
        if not done:
            transfer.refresh_from_db()
            if transfer.status == Transfer.Status.CONNECTED:
                raise Conflict(f"Transfer {transfer.pk} was already completed at {transfer.completed_at.isoformat()}.")
            raise _not_now(transfer, "completed")
        transfer.completed_at = now
        transfer.record_event(transfer.status, transfer.status, actor, note="completed")
        to_console("transfer", "completed", transfer_data(transfer))
    return transfer


def expire_transfers() -> int:
    """The sweep: ringing past its deadline → no_answer; briefing past it → timed_out. Each in
    its own compare-and-swap, so an accept racing the sweep leaves one outcome."""
    expired = 0
    for transfer in Transfer.objects.past_deadline().select_related("call", "supervisor"):
        status = Transfer.Status.NO_ANSWER if transfer.status == Transfer.Status.RINGING else Transfer.Status.TIMED_OUT
        note = "nobody joined in time" if status == Transfer.Status.NO_ANSWER else "no decision in time"
        expired += _finish(transfer, status, "system:timeout", note=note)
    if expired:
        logger.info("Timed out %d transfer(s).", expired)
    return expired


# --- Helpers ----------------------------------------------------------------------------------


def _end(transfer_id: int, status: str, actor: str, note: str, *, verb: str) -> Transfer:
    transfer = get_transfer(transfer_id)
    if not _finish(transfer, status, actor, note=note):
        raise _not_now(transfer, verb)
    return transfer


def _fail(transfer: Transfer, note: str, actor: str) -> Transfer:
    _finish(transfer, Transfer.Status.FAILED, actor, note=note)
    transfer.refresh_from_db()
    return transfer


def _finish(transfer: Transfer, status: str, actor: str, *, note: str) -> bool:
    """An outcome that returns the caller to the agent; True if this call made it."""
    if not _change(transfer, status, actor, note, outcome_note=note[:300]):
        return False
    _close_consultation(transfer)
    return True


def _change(transfer: Transfer, status: str, actor: str, note: str = "", **fields: Any) -> bool:
    """One transition with its audit row and announcements, in one transaction."""
    with transaction.atomic():
        previous = transfer.move_to(status, **fields)
        if previous is None:
            transfer.refresh_from_db()
            return False
        _announce(transfer, previous, actor, note=note)
    return True


def _announce(transfer: Transfer, previous: str, actor: str, note: str = "") -> None:
    """The audit row, the console, the call's listeners and the webhooks of one change."""
    transfer.record_event(previous, transfer.status, actor, note=note)
    data = transfer_data(transfer)
    to_console("transfer", transfer.status, data)
    broadcast(call_group(transfer.call_id), {"type": EVENT_TYPE, "previous": previous, **data})
    webhook = _webhook_of(transfer)
    if webhook:
        emit_event(webhook, data)


def _webhook_of(transfer: Transfer) -> str | None:
    """A warm transfer has started once someone is ringing; a cold one as soon as it is asked."""
    if transfer.status in Transfer.RETURNED:
        return "transfer.failed"
    if transfer.status == Transfer.Status.CONNECTED:
        return "transfer.completed"
    started = Transfer.Status.RINGING if transfer.kind == Transfer.Kind.WARM else Transfer.Status.REQUESTED
    return "transfer.started" if transfer.status == started else None


def _close_consultation(transfer: Transfer, *, hang_up: bool = True) -> None:
    """Best effort, after the outcome is recorded: hang up a dialled phone and close the room."""
    if not transfer.consult_room:
        return
    try:
        if hang_up and transfer.to_phone and phone_identity(transfer) in _in_consultation(transfer):
            livekit_rooms.remove_participant(transfer.consult_room, phone_identity(transfer))
        livekit_rooms.delete_room(transfer.consult_room)
    except LiveKitFailed as exc:
        logger.warning("Transfer %s: %s It closes by itself once empty.", transfer.pk, exc.detail)


def _in_consultation(transfer: Transfer) -> list[str]:
    try:
        return livekit_rooms.participants(transfer.consult_room)
    except LiveKitFailed as exc:
        logger.warning("Transfer %s: %s", transfer.pk, exc.detail)
        return []


def _not_now(transfer: Transfer, verb: str) -> Conflict:
    transfer.refresh_from_db()
    how = f" ({transfer.outcome_note})" if transfer.outcome_note else ""
    return Conflict(f"Transfer {transfer.pk} is {transfer.status}{how}; it cannot be {verb} now.")


def _turns(call: Call) -> list[summaries.Turn]:
    return [summaries.Turn(turn.role, turn.text) for turn in call.transcript.all()]


def _caller_label(call: Call) -> str:
    if call.caller_name and call.caller_phone:
        return f"{call.caller_name} ({call.caller_phone})"
    return call.caller_name or call.caller_phone


def _alert_text(transfer: Transfer, person: Supervisor) -> str:
    return (
        f"Hey {person.first_name}, a caller needs you on the line now: {transfer.reason} "
        f"Open the console to hear the briefing and take the call (transfer #{transfer.pk}); "
        f"it rings for {settings.TRANSFER_RING_SECONDS} seconds."
    )


def phone_identity(transfer: Transfer) -> str:
    """The LiveKit identity of a person dialled into the consultation room."""
    return f"staff-phone-{transfer.pk}"


def person_identity(transfer: Transfer, person: Supervisor | None) -> str:
    return f"staff-{person.pk}-transfer-{transfer.pk}" if person else f"staff-transfer-{transfer.pk}"


def agent_identity(transfer: Transfer) -> str:
    return f"agent-transfer-{transfer.pk}"


def _agent_token(transfer: Transfer) -> str | None:
    """The agent's way into the consultation room, while there is something to brief."""
    if transfer.kind != Transfer.Kind.WARM or not transfer.is_open or not transfer.consult_room:
        return None
    return livekit_rooms.room_token(
        transfer.consult_room,
        identity=agent_identity(transfer),
        name="Front desk assistant",
        ttl_seconds=settings.TRANSFER_TOKEN_TTL_SECONDS,
        agent=True,
    )


def transfer_data(transfer: Transfer) -> dict[str, Any]:
    """The Transfer as the API shows it (never a token): events, console and webhooks."""
    return TransferOut.from_orm(transfer).model_dump(mode="json")
