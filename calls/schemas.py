from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from ninja import Schema
from pydantic import BeforeValidator, StringConstraints

from calls.models import Call, TranscriptTurn, Transfer
from core.schemas import PhoneNumber, RecordId, named_enum

CallStatus = named_enum("CallStatus", Call.Status.values)
CallChannel = named_enum("CallChannel", Call.Channel.values)
TurnRole = named_enum("TurnRole", TranscriptTurn.Role.values)
TransferStatus = named_enum("TransferStatus", Transfer.Status.values)
TransferKind = named_enum("TransferKind", Transfer.Kind.values)
# Not stored: whether an available person is taking a transfer right now.
PersonStatus = named_enum("PersonStatus", ["free", "busy"])


def _blank_is_absent(value: Any) -> Any:
    """A worker that does not know the caller's number may send "" rather than leave it out."""
    return None if isinstance(value, str) and not value.strip() else value


OptionalPhone = Annotated[PhoneNumber | None, BeforeValidator(_blank_is_absent)]
RoomName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class CallIn(Schema):
    room: RoomName | None = None
    caller_phone: OptionalPhone = None
    caller_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    channel: CallChannel | None = None  # default: "phone" with a room, "web" without


TurnText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TranscriptTurn.MAX_TEXT_LENGTH)
]


class TurnIn(Schema):
    role: TurnRole
    text: TurnText


class TurnOut(Schema):
    id: int
    role: TurnRole
    text: str
    at: datetime


class EndIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class AnswerDeliveredIn(Schema):
    help_request_id: RecordId


class AnswerDeliveredOut(Schema):
    call_id: int
    help_request_id: RecordId
    followup_message_id: int | None
    delivered_at: datetime


class CallOut(Schema):
    id: int
    room: str
    channel: CallChannel
    caller_phone: str | None
    caller_name: str
    status: CallStatus
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    help_request_ids: list[int]
    transcript: list[TurnOut]
    livekit_url: str | None
    # Only in the create response of a web call: the secret the browser joins the room with.
    caller_token: str | None = None

    @staticmethod
    def resolve_caller_phone(call: Call) -> str | None:
        return call.caller_phone or None

    @staticmethod
    def resolve_end_reason(call: Call) -> str | None:
        return call.end_reason or None

    @staticmethod
    def resolve_help_request_ids(call: Call) -> list[int]:
        return sorted(help_request.pk for help_request in call.help_requests.all())

    @staticmethod
    def resolve_transcript(call: Call) -> list[TranscriptTurn]:
        return list(call.transcript.all())

    @staticmethod
    def resolve_livekit_url(call: Call) -> str | None:
        return settings.LIVEKIT_URL or None

    @staticmethod
    def resolve_caller_token(call: Call) -> str | None:
        return getattr(call, "caller_token", None)


# --- Transfers --------------------------------------------------------------------------------

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
OptionalReason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class TransferIn(Schema):
    reason: Reason  # why a person is needed, e.g. "The caller asked for the manager."
    kind: TransferKind = "warm"
    # Cold transfers only: where to (default: the chosen person's phone) and the SIP caller's identity.
    to_phone: OptionalPhone = None
    participant_identity: Annotated[str, StringConstraints(strip_whitespace=True, max_length=128)] | None = None


class DecisionIn(Schema):
    reason: OptionalReason = ""


class PersonOut(Schema):
    id: int
    name: str


class TransferEventOut(Schema):
    from_status: str | None
    to_status: str
    actor: str
    note: str
    at: datetime

    @staticmethod
    def resolve_from_status(event) -> str | None:
        return event.from_status or None


class TransferOut(Schema):
    id: int
    call_id: int
    kind: TransferKind
    status: TransferStatus
    reason: str
    supervisor: PersonOut | None
    to_phone: str | None
    consult_room: str | None
    summary: str
    summary_source: str
    outcome_note: str | None
    deadline: datetime | None
    created_at: datetime
    connected_at: datetime | None
    ended_at: datetime | None
    completed_at: datetime | None
    events: list[TransferEventOut]

    @staticmethod
    def resolve_to_phone(transfer) -> str | None:
        return transfer.to_phone or None

    @staticmethod
    def resolve_consult_room(transfer) -> str | None:
        return transfer.consult_room or None

    @staticmethod
    def resolve_outcome_note(transfer) -> str | None:
        return transfer.outcome_note or None

    @staticmethod
    def resolve_events(transfer) -> list:
        return list(transfer.events.all())


class TransferStartedOut(TransferOut):
    # The agent's token for the consultation room (warm, while open); only in this response.
    agent_token: str | None = None
    livekit_url: str | None = None


class RoomPassOut(Schema):
    """A way into one LiveKit room: the token is for `room` only and expires within minutes."""

    transfer: TransferOut
    room: str | None
    token: str | None
    livekit_url: str | None


class AvailablePersonOut(Schema):
    id: int
    name: str
    is_owner: bool
    expertise: list[str]
    open_requests: int
    status: PersonStatus  # busy: being rung, briefed, or on a transferred call


class PersonIn(Schema):
    # Who is taking it; default: the staff member logged in, else the person the transfer rang.
    supervisor_id: RecordId | None = None
