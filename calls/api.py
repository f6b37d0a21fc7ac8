"""REST endpoints for calls (thin: the work happens in calls/services.py).

The voice worker records each call here: start, transcript turns, end, and answers it told the
caller while on hold. A web page starts a web call here too and gets back its room, a caller
token and the LiveKit URL.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from calls import services, transfers
from calls.models import Call, Transfer
from calls.schemas import (
    AnswerDeliveredIn,
    AnswerDeliveredOut,
    CallIn,
    CallOut,
    CallStatus,
    EndIn,
    TransferIn,
    TransferOut,
    TransferStartedOut,
    TurnIn,
    TurnOut,
)
from core.auth import actor_of
from core.errors import get_or_404
from core.pagination import Page
from core.schemas import DetailOut, RecordId

# Besides the 409s declared here, each operation's 401/404/422/503 are documented by
# core/openapi.py.
router = Router(tags=["calls"])


def _calls() -> QuerySet[Call]:
    return Call.objects.prefetch_related("transcript", "help_requests")


def _call(call_id: int) -> Call:
    return get_or_404(_calls(), call_id, "call")


class CallFilters(Schema):
    status: CallStatus | None = None
    room: str | None = None


@router.post("", response={200: CallOut, 201: CallOut, 409: DetailOut})
def start_call(
    request: HttpRequest,
    payload: CallIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """Start a call. With a `room` (the voice worker picked up a phone call) the call is recorded.
    Without one (a web caller) the server names the room and returns `caller_token` (a LiveKit
    JWT that may only join that room with a microphone, expires within 15 minutes, and dispatches
    the receptionist agent with `{"call_id": id}` as job metadata) and `livekit_url`; 503 when
    LiveKit is not configured. The same `Idempotency-Key` again returns the same call (200), with
    a fresh token for a web call still active. 409 when the room already has an active call."""
    result = services.start_call(
        room=payload.room,
        caller_phone=payload.caller_phone,
        caller_name=payload.caller_name,
        channel=payload.channel,
        idempotency_key=idempotency_key or None,
    )
    call = _call(result.call.pk)
    call.caller_token = result.caller_token
    return Status(201 if result.created else 200, call)


@router.get("", response=list[CallOut])
@paginate(Page)
def list_calls(request: HttpRequest, filters: Query[CallFilters]):
    """Newest first; `?status=active` for calls in progress, `?room=` for one LiveKit room's calls
    (a worker job replacing one that died finds the call to continue with both)."""
    queryset = _calls()
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.room:
        queryset = queryset.filter(room=filters.room)
    return queryset.order_by("-started_at", "-id")


@router.get("/{int:call_id}", response=CallOut)
def get_call(request: HttpRequest, call_id: RecordId):
    return _call(call_id)


@router.post("/{int:call_id}/transcript", response={200: TurnOut, 201: TurnOut, 409: DetailOut})
def add_turn(
    request: HttpRequest,
    call_id: RecordId,
    payload: TurnIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """Append one utterance (`caller` or `agent`) as it happens. 409 once the call has ended.
    The same `Idempotency-Key` again returns the first turn (200) instead of adding it twice."""
    turn, created = services.add_turn(
        call_id, role=payload.role, text=payload.text, idempotency_key=idempotency_key or None
    )
    return Status(201 if created else 200, turn)


@router.post("/{int:call_id}/end", response={200: CallOut, 409: DetailOut})
def end_call(request: HttpRequest, call_id: RecordId, payload: EndIn):
    """End the call with a reason (e.g. `caller_hung_up`, `goodbye`, `transferred`, `error`).
    Already ended: 409, and the first end stands."""
    services.end_call(call_id, reason=payload.reason)
    return _call(call_id)


@router.post("/{int:call_id}/answers-delivered", response={200: AnswerDeliveredOut, 409: DetailOut})
def answer_delivered(request: HttpRequest, call_id: RecordId, payload: AnswerDeliveredIn):
    """Hold-on-call: the agent told the caller a supervisor's answer during the call (after the
    `help_request.resolved` push on `/ws/calls/{id}/`). Recorded once; a retry returns the same
    record. 422 when the help request was not asked on this call, 409 while it has no answer."""
    return services.record_answer_delivered(call_id, payload.help_request_id)


@router.post("/{int:call_id}/transfers", response={200: TransferStartedOut, 201: TransferStartedOut, 409: DetailOut})
def start_transfer(
    request: HttpRequest,
    call_id: RecordId,
    payload: TransferIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """The agent hands the call to a person (warm: they are briefed first; `cold`: a SIP caller is
    handed to `to_phone`). An available person is chosen (urgent → the owner, else an expert for
    the topic), the call is summarised, a private consultation room is created in LiveKit and
    they are alerted (console, text, and their phone with LIVEKIT_SIP_TRUNK_ID). 201 with the
    transfer `ringing` and the agent's token for the consultation room; or 201 already `failed`
    with `outcome_note` when nobody is available or LiveKit failed. 409 while another transfer of
    the call is open, or once the call has ended. The same `Idempotency-Key` returns the first (200)."""
    started = transfers.start_transfer(
        call_id,
        reason=payload.reason,
        kind=payload.kind,
        to_phone=payload.to_phone,
        participant_identity=payload.participant_identity,
        idempotency_key=idempotency_key or None,
        actor=actor_of(request),
    )
    transfer = Transfer.objects.prefetch_related("events").select_related("supervisor").get(pk=started.transfer.pk)
    transfer.agent_token = started.agent_token
    transfer.livekit_url = settings.LIVEKIT_URL if started.agent_token else None
    return Status(201 if started.created else 200, transfer)


@router.get("/{int:call_id}/transfers", response=list[TransferOut])
def list_transfers(request: HttpRequest, call_id: RecordId):
    """The call's transfers, newest first."""
    services.get_call(call_id)
    return Transfer.objects.filter(call_id=call_id).select_related("supervisor").prefetch_related("events")
