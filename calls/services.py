"""Calls: start (phone or web) → transcript turns → end, and hold-on-call answers.

The API, the admin and the consumers call these; each runs in one transaction with the
webhook events it causes (through the outbox, `outbound.outbox`), so a `call.started` exists exactly
when the call does.

Hold-on-call, end to end: the agent opens a help request with the call's id and keeps the
caller company for up to HOLD_FOR_ANSWER_SECONDS, listening on `/ws/calls/<id>/`. When a
supervisor resolves the request, `help_request.resolved` is broadcast to the group
`call_group(call_id)` after commit (`answer_event` is its shape). If the agent tells the caller
in time it reports that with `record_answer_delivered`; otherwise the caller's usual follow-up
text is their answer.
"""

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from calls import tokens
from calls.models import Call, CallAnswerDelivery, TranscriptTurn
from calls.schemas import CallOut
from core.broadcast import to_console
from core.errors import Conflict, DomainError, Invalid, get_or_404
from core.idempotency import create_once
from helprequests.models import HelpRequest
from outbound.models import Message
from outbound.outbox import emit_event

logger = logging.getLogger("salon.calls")

ANSWER_EVENT_TYPE = "help_request.resolved"


class LiveKitNotConfigured(DomainError):
    status_code = 503


@dataclass(frozen=True)
class CallStarted:
    call: Call
    created: bool  # False when an Idempotency-Key replay returned an existing call
    caller_token: str | None  # a web caller's LiveKit token; None for phone calls


def call_group(call_id: int) -> str:
    """The channel layer group of one call's listeners (the voice agent, console pages)."""
    return f"call-{call_id}"


def get_call(call_id: int) -> Call:
    return get_or_404(Call.objects, call_id, "call")


# --- Start ------------------------------------------------------------------------------------


def start_call(
    *,
    room: str | None = None,
    caller_phone: str | None = None,
    caller_name: str = "",
    channel: str | None = None,
    idempotency_key: str | None = None,
) -> CallStarted:
    """Record a call the worker has picked up (room given), or open a web call (no room): the
    server names the room and mints the caller's token, which also dispatches the agent."""
    channel = channel or (Call.Channel.PHONE if room else Call.Channel.WEB)
    if channel == Call.Channel.PHONE and not room:
        raise Invalid("A phone call needs the LiveKit room its caller is in; leave out channel for a web call.")
    # A web caller gets a token only for a room we name; without LiveKit there is nothing to join.
    needs_token = room is None
    if needs_token and not tokens.livekit_configured():
        raise LiveKitNotConfigured(tokens.NOT_CONFIGURED)
    wanted = {"room": room, "caller_phone": caller_phone or "", "channel": channel}

    def create() -> Call:
        with transaction.atomic():
            call = Call.objects.create(
                room=room or _new_web_room(),
                channel=channel,
                caller_phone=caller_phone or "",
                caller_name=caller_name,
                idempotency_key=idempotency_key,
            )
            emit_event("call.started", call_event_data(call))
            to_console("call", "started", {"id": call.pk})
        return call

    def room_taken() -> str | None:
        active = Call.objects.filter(room=room, status=Call.Status.ACTIVE).first() if room else None
        if active is None:
            return None
        return (
            f"Room {room} already has an active call (id {active.pk}); end it first, or resend the "
            "original Idempotency-Key to get it back."
        )

    call, created = create_once(Call, idempotency_key, create, clash=room_taken)
    if not created:
        return _replay(call, wanted, needs_token)
    return CallStarted(call, created=True, caller_token=tokens.mint_caller_token(call) if needs_token else None)


def _new_web_room() -> str:
    return f"web-{secrets.token_hex(8)}"


def _replay(existing: Call, wanted: dict[str, Any], needs_token: bool) -> CallStarted:
    """The same key again: the same call, and for a web caller who lost the first response a
    fresh token to the same room (while the call is still on; an ended call is not rejoinable)."""
    same = (
        (wanted["room"] is None or wanted["room"] == existing.room)
        and wanted["caller_phone"] == existing.caller_phone
        and wanted["channel"] == existing.channel
    )
    if not same:
        raise Conflict(
            f"This Idempotency-Key was already used for call {existing.pk} with a different room, caller "
            "or channel; use a new key for a new call."
        )
    token = None
    if needs_token and existing.status == Call.Status.ACTIVE:
        token = tokens.mint_caller_token(existing)
    return CallStarted(existing, created=False, caller_token=token)


# --- During the call --------------------------------------------------------------------------


def add_turn(call_id: int, *, role: str, text: str, idempotency_key: str | None = None) -> tuple[TranscriptTurn, bool]:
    """Append what was just said; returns the turn and whether it is new (False: a replayed
    `Idempotency-Key`, answered with the first turn even if the call has ended since).

    The call row is locked so a racing "end" cannot slip between the check and the insert
    (PostgreSQL; SQLite's write transactions are serial anyway)."""

    def create() -> TranscriptTurn:
        with transaction.atomic():
            call = get_or_404(Call.objects.select_for_update(), call_id, "call")
            if call.status != Call.Status.ACTIVE:
                raise Conflict(f"Call {call.pk} has ended ({_ended_how(call)}); its transcript is closed.")
            turn = TranscriptTurn.objects.create(call=call, role=role, text=text, idempotency_key=idempotency_key)
            to_console("call", "turn", {"id": call.pk, "role": role, "text": text})
        return turn

    turn, created = create_once(TranscriptTurn, idempotency_key, create)
    return (turn, True) if created else (_same_turn_or_conflict(turn, call_id, role, text), False)


def _same_turn_or_conflict(existing: TranscriptTurn, call_id: int, role: str, text: str) -> TranscriptTurn:
    if (existing.call_id, existing.role, existing.text) != (call_id, role, text):
        raise Conflict(
            f"This Idempotency-Key was already used for turn {existing.pk} of call {existing.call_id} with "
            "different words; use a new key for a new turn."
        )
    return existing


def end_call(call_id: int, *, reason: str) -> Call:
    """Active → ended, exactly once: a retry or a racing end gets Conflict and changes nothing."""
    with transaction.atomic():
        call = get_call(call_id)
        if not call.mark_ended(reason):
            call.refresh_from_db()
            raise Conflict(f"Call {call.pk} has already ended ({_ended_how(call)}); nothing was changed.")
        emit_event("call.ended", call_event_data(call))
        to_console("call", "ended", {"id": call.pk, "end_reason": call.end_reason})
    return call


def _ended_how(call: Call) -> str:
    when = call.ended_at.isoformat() if call.ended_at else "at an unknown time"
    return f"at {when}, reason {call.end_reason or 'unknown'}"


# --- Hold-on-call -----------------------------------------------------------------------------


def answer_event(help_request: HelpRequest) -> dict[str, Any]:
    """What the call's listeners receive when a help request asked during the call is answered."""
    return {
        "type": ANSWER_EVENT_TYPE,
        "help_request_id": help_request.pk,
        "call_id": help_request.call_id,
        "answer": help_request.answer,
    }


def undelivered_answers(call_id: int) -> list[dict[str, Any]]:
    """Answers to this call's help requests that the caller has not been told in the call yet.

    Sent to a listener right after it joins, because a push sent while it was not listening
    (before it connected, during a reconnect) is gone; listeners may therefore see an answer
    twice and should key on `help_request_id`.
    """
    answered = HelpRequest.objects.filter(
        call_id=call_id, status=HelpRequest.Status.RESOLVED, call_answer_delivery__isnull=True
    ).order_by("resolved_at", "pk")
    return [answer_event(help_request) for help_request in answered]


def record_answer_delivered(call_id: int, help_request_id: int) -> CallAnswerDelivery:
    """The agent told the caller this answer during the call. Idempotent: a retried report
    returns the first record."""
    call = get_call(call_id)
    help_request = HelpRequest.objects.filter(pk=help_request_id).first()
    if help_request is None:
        raise Invalid(f"There is no help request with id {help_request_id}.")
    if help_request.call_id != call.pk:
        raise Invalid(f"Help request {help_request.pk} was not asked during call {call.pk}.")
    if help_request.status != HelpRequest.Status.RESOLVED:
        raise Conflict(f"Help request {help_request.pk} is {help_request.status}: it has no answer to deliver yet.")
    followup = (
        Message.objects.filter(help_request_id=help_request.pk, kind=Message.Kind.CALLER_FOLLOWUP)
        .order_by("created_at", "pk")
        .first()
    )
    delivery, created = CallAnswerDelivery.objects.get_or_create(
        help_request=help_request, defaults={"call": call, "followup_message": followup}
    )
    if created:
        if followup:  # the text records that the caller already heard it
            Message.objects.filter(pk=followup.pk).update(delivered_in_call_at=delivery.delivered_at)
        logger.info("Answer to help request %s was told to the caller on call %s.", help_request.pk, call.pk)
    return delivery


# --- Shapes -----------------------------------------------------------------------------------


def call_event_data(call: Call) -> dict[str, Any]:
    """The webhook `data` of call events: the Call as the API shows it, never the caller token."""
    return CallOut.from_orm(call).model_dump(mode="json", exclude={"caller_token"})
