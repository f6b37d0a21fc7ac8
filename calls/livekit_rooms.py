"""The server's side of LiveKit for transfers: rooms, phones and participants, through the
official `livekit-api` client (Twirp over HTTP, signed with LIVEKIT_API_KEY/SECRET).

Django code is synchronous and the client is async, so each operation runs in its own short
event loop (`async_to_sync`) with its own HTTP session and a time limit. Every LiveKit problem
(an error answer, a refused token, a timeout, no server) becomes `LiveKitFailed` with a sentence,
which the transfer records as its outcome; nothing here touches the database.

Tokens minted here follow calls/tokens.py: one room, a short life, and only what a person in a
conversation needs (join, speak with the microphone, listen, send chat); never room admin.
"""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar
from urllib.parse import urlsplit

import aiohttp
from asgiref.sync import async_to_sync
from django.conf import settings
from livekit import api as livekit

from calls import tokens
from core.errors import DomainError

T = TypeVar("T")

# One Twirp request; dialling a phone waits for the ring window on top (see `dial`).
REQUEST_SECONDS = 10.0
# livekit-server closes a room that only agents have been in `empty_timeout` after its creation
# (agents do not keep a room alive), and one that people have left `departure_timeout` after
# the last one went. A consultation room must outlive the ring window, so the person who
# answers late still finds the agent there; this much on top of TRANSFER_RING_SECONDS.
CONSULT_ROOM_SPARE_SECONDS = 60
CONSULT_ROOM_DEPARTURE_SECONDS = 20
# Every consultation room's name starts so; the voice worker never takes a job in one.
CONSULT_ROOM_PREFIX = "consult-"


class LiveKitFailed(DomainError):
    """LiveKit refused or could not be reached; the sentence says which operation. `code` is the
    Twirp error code when LiveKit answered. When a phone was dialled, `sip_status_code` is the
    SIP answer (486 busy, 603 declined, 480 unavailable...); a ring nobody picked up has none:
    LiveKit's SIP service gives up with `canceled` ("sip request timed out")."""

    status_code = 502

    def __init__(self, detail: str, sip_status_code: int | None = None, code: str | None = None):
        super().__init__(detail)
        self.sip_status_code = sip_status_code
        self.code = code

    @property
    def unanswered(self) -> bool:
        """The phone rang out: the SIP service cancelled the ring window without a SIP answer."""
        return self.sip_status_code is None and self.code == "canceled"

    @property
    def not_implemented(self) -> bool:
        """The server does not offer this method: open-source livekit-server answers
        MoveParticipant with an "unknown" error, "not implemented" (it is LiveKit Cloud's)."""
        return self.code == "unimplemented" or (self.code == "unknown" and "not implemented" in str(self))


def configured() -> bool:
    return tokens.livekit_configured()


def sip_configured() -> bool:
    return configured() and bool(settings.LIVEKIT_SIP_TRUNK_ID)


def _run(what: str, operation: Callable[[livekit.LiveKitAPI], Awaitable[T]], seconds: float = REQUEST_SECONDS) -> T:
    async def call() -> T:
        timeout = aiohttp.ClientTimeout(total=seconds)
        async with livekit.LiveKitAPI(
            settings.LIVEKIT_URL, settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET, timeout=timeout
        ) as client:
            return await operation(client)

    if not configured():
        raise LiveKitFailed(f"Could not {what}: {tokens.NOT_CONFIGURED}")
    try:
        return async_to_sync(call)()
    except livekit.ServerError as exc:
        sip_status = exc.sip_status_code if isinstance(exc, livekit.SipCallError) else None
        detail = f"LiveKit could not {what}: {exc.message or exc.code} ({sip_status or exc.status})."
        raise LiveKitFailed(detail, sip_status, exc.code) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise LiveKitFailed(f"Could not reach LiveKit to {what}: {type(exc).__name__} {exc}".strip() + ".") from exc


def moves_participants() -> bool:
    """Whether this deployment's LiveKit can MoveParticipant (a phone leg from the consultation
    room into the caller's): LIVEKIT_MOVE_PARTICIPANT when set, else whether LIVEKIT_URL is a
    LiveKit Cloud project (*.livekit.cloud); open-source livekit-server cannot."""
    if settings.LIVEKIT_MOVE_PARTICIPANT is not None:
        return settings.LIVEKIT_MOVE_PARTICIPANT
    host = (urlsplit(settings.LIVEKIT_URL or "").hostname or "").lower()
    return host.endswith(".livekit.cloud")


def create_room(name: str, *, max_participants: int = 3) -> None:
    """A private room for the agent and the person it briefs, open for the whole ring window."""
    request = livekit.CreateRoomRequest(
        name=name,
        empty_timeout=settings.TRANSFER_RING_SECONDS + CONSULT_ROOM_SPARE_SECONDS,
        departure_timeout=CONSULT_ROOM_DEPARTURE_SECONDS,
        max_participants=max_participants,
    )
    _run(f"create the room {name}", lambda client: client.room.create_room(request))


def delete_room(name: str) -> None:
    _run(f"close the room {name}", lambda client: client.room.delete_room(livekit.DeleteRoomRequest(room=name)))


def participants(room: str) -> list[str]:
    """The identities in `room` now."""

    async def listing(client: livekit.LiveKitAPI) -> list[str]:
        response = await client.room.list_participants(livekit.ListParticipantsRequest(room=room))
        return [participant.identity for participant in response.participants]

    return _run(f"list who is in {room}", listing)


def remove_participant(room: str, identity: str) -> None:
    """Take someone out of a room (hangs up a phone participant)."""
    request = livekit.RoomParticipantIdentity(room=room, identity=identity)
    _run(f"remove {identity} from {room}", lambda client: client.room.remove_participant(request))


def move_participant(room: str, identity: str, destination: str) -> None:
    """Bring a participant (a person on the phone) from one room into another, without redialling."""
    request = livekit.MoveParticipantRequest(room=room, identity=identity, destination_room=destination)
    _run(f"move {identity} into {destination}", lambda client: client.room.move_participant(request))


def dial(room: str, phone: str, *, identity: str, name: str, ring_seconds: int) -> None:
    """Ring `phone` through the SIP trunk and put them in `room`; returns once they answer.
    A busy line or a rejection is `LiveKitFailed` whose `sip_status_code` says which; no answer
    within `ring_seconds` is one that is `unanswered`."""
    request = livekit.CreateSIPParticipantRequest(
        sip_trunk_id=settings.LIVEKIT_SIP_TRUNK_ID,
        sip_call_to=phone,
        room_name=room,
        participant_identity=identity,
        participant_name=name,
        wait_until_answered=True,
    )
    request.ringing_timeout.seconds = ring_seconds
    _run(
        f"ring {phone}",
        lambda client: client.sip.create_sip_participant(request),
        seconds=ring_seconds + REQUEST_SECONDS,
    )


def transfer_out(room: str, identity: str, phone: str, *, ring_seconds: int) -> None:
    """Cold transfer: hand the SIP caller `identity` to `phone` (LiveKit's SIP REFER)."""
    request = livekit.TransferSIPParticipantRequest(
        room_name=room, participant_identity=identity, transfer_to=f"tel:{phone}", play_dialtone=True
    )
    request.ringing_timeout.seconds = ring_seconds

    async def transfer(client: livekit.LiveKitAPI) -> None:
        response = await client.sip.transfer_sip_participant(request)
        if response.status == livekit.SIPTransferStatus.STS_TRANSFER_FAILED:
            reason = livekit.SIPTransferReason.Name(response.reason)
            code = {"STR_REJECTED": 603, "STR_RINGING_TIMEOUT": 480}.get(reason, response.sip_status.code)
            metadata = {"sip_status_code": str(code)} if code else {}
            raise livekit.SipCallError("aborted", f"the transfer failed ({reason})", status=409, metadata=metadata)

    _run(f"transfer the caller to {phone}", transfer, seconds=ring_seconds + REQUEST_SECONDS)


def room_token(room: str, *, identity: str, name: str, ttl_seconds: int, agent: bool = False) -> str:
    """A JWT that joins `room` only, to talk and listen, for at most `ttl_seconds` (≤ 15 min)."""
    grants = tokens.talk_grants(room, agent=agent)
    ttl = min(ttl_seconds, tokens.MAX_CALLER_TOKEN_TTL_SECONDS)
    return (
        livekit.AccessToken(settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET)
        .with_identity(identity)
        .with_name(name)
        .with_kind("agent" if agent else "standard")
        .with_grants(grants)
        .with_ttl(timedelta(seconds=ttl))
        .to_jwt()
    )
