from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Schema
from pydantic import BeforeValidator, StringConstraints

from calls.models import Call, TranscriptTurn
from salon_project.schemas import PhoneNumber, RecordId


def _blank_is_absent(value: Any) -> Any:
    """A worker that does not know the caller's number may send "" rather than leave it out."""
    return None if isinstance(value, str) and not value.strip() else value


OptionalPhone = Annotated[PhoneNumber | None, BeforeValidator(_blank_is_absent)]
RoomName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class CallIn(Schema):
    room: RoomName | None = None
    caller_phone: OptionalPhone = None
    caller_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    channel: Literal["phone", "web"] | None = None  # default: "phone" with a room, "web" without


TurnText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TranscriptTurn.MAX_TEXT_LENGTH)
]


class TurnIn(Schema):
    role: TranscriptTurn.Role
    text: TurnText


class TurnOut(Schema):
    id: int
    role: Literal["caller", "agent"]
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
    channel: Literal["phone", "web"]
    caller_phone: str | None
    caller_name: str
    status: Literal["active", "ended"]
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
