"""A TEST DOUBLE of LiveKit's server API, for tests only: it speaks the Twirp protocol the real
`livekit-api` client uses (HTTP POST /twirp/livekit.<Service>/<Method>, protobuf bodies, JSON
errors), checks every request's token as LiveKit does, and remembers rooms and participants.

What it checks: the bearer JWT is signed with the API secret and issued by the API key (LiveKit's
own TokenVerifier), and carries the grant the method needs — roomCreate to create or delete a
room; roomAdmin *for that room* to list, remove or move participants; sip.call to dial or transfer
a phone. A request without one is refused with 401/403 as LiveKit would, and recorded.

What it answers as the real server does (livekit-server v1.13.5, livekit/sip v1.11.0, protocol's
SIP-status-to-code mapping), never with invented codes:
- MoveParticipant is LiveKit Cloud's: open-source livekit-server's room manager answers
  `errors.New("not implemented")`, which reaches Twirp (through psrpc) as 500 {"code": "unknown",
  "msg": "twirp error unknown: not implemented"} (what the real server sent, test_transfer_over_
  livekit_server.py). `cloud=True` makes the double a Cloud project, where a move changes rooms.
- A dialled phone answers at once unless a test says otherwise: `phone_answers_with(number, 486)`
  is a final SIP response, mapped as LiveKit maps it (486 → resource_exhausted, 429, with the
  `sip_status_code` metadata); `phone_rings_out(number)` rings for the request's whole
  `ringing_timeout` and then fails as the SIP service does, with no SIP status at all: 408
  {"code": "canceled", "msg": "sip request timed out"}.

What it does not do: media, signalling, webhooks, the rooms' own timeouts. With `upstream` (a
real livekit-server's URL) it forwards everything but the SIP service there, untouched, and
answers only the SIP calls itself (recording all): the real server has rooms and participants,
while a phone call needs LiveKit's SIP bridge, which the tests do not run.

It runs an aiohttp server on 127.0.0.1 in a thread of its own, so synchronous Django code (the
API under test) and async code (the voice agent) can both reach it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import ClientSession, web
from google.protobuf.message import Message
from livekit.api import TokenVerifier
from livekit.protocol import models as proto_models
from livekit.protocol import room as proto_room
from livekit.protocol import sip as proto_sip


@dataclass
class Seen:
    """One request as the double received it."""

    service: str
    method: str
    body: Message
    claims: dict[str, Any]  # the decoded JWT, camelCase as on the wire
    status: int = 200
    error: dict[str, Any] | None = None  # a forwarded request's error, as the real server gave it


@dataclass
class _Method:
    request: type[Message]
    allowed: Callable[[dict[str, Any], Any], bool]
    handle: Callable[[Any], Message]


@dataclass
class Failure:
    status: int
    code: str
    msg: str
    meta: dict[str, str] = field(default_factory=dict)


def _video(claims: dict[str, Any]) -> dict[str, Any]:
    return claims.get("video") or {}


def _room_admin(room: str) -> Callable[[dict[str, Any], Any], bool]:
    return lambda claims, _: bool(_video(claims).get("roomAdmin")) and _video(claims).get("room") == room


class LiveKitTwirpDouble:
    """`with LiveKitTwirpDouble(key, secret) as livekit:` → `livekit.url` is its LIVEKIT_URL."""

    def __init__(self, api_key: str, api_secret: str, *, cloud: bool = False, upstream: str | None = None):
        self.api_key = api_key
        self.api_secret = api_secret
        self.cloud = cloud
        self.upstream = upstream
        self._phones: dict[str, int | None] = {}  # number → final SIP status (None: rings out)
        self.rooms: dict[str, dict[str, str]] = {}  # room → identity → kind ("sip", "standard")
        self.requests: list[Seen] = []
        self.refused: list[Seen] = []
        self._failures: dict[str, list[Failure]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="livekit-double", daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- the test's controls ------------------------------------------------------------------

    def fail_next(self, method: str, *, status: int = 503, code: str = "unavailable", msg: str = "down", **meta: str):
        """The next request of `method` fails like LiveKit would (meta e.g. sip_status_code="486")."""
        with self._lock:
            self._failures.setdefault(method, []).append(Failure(status, code, msg, dict(meta)))

    def calls(self, method: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if seen.method == method]

    def phone_answers_with(self, number: str, sip_status: int) -> None:
        """`number` answers the next dials with this final SIP response (486 busy, 603 decline...)."""
        with self._lock:
            self._phones[number] = sip_status

    def phone_rings_out(self, number: str) -> None:
        """Nobody picks `number` up: each dial rings for its whole ringing_timeout."""
        with self._lock:
            self._phones[number] = None

    def add_participant(self, room: str, identity: str, kind: str = "standard") -> None:
        with self._lock:
            self.rooms.setdefault(room, {})[identity] = kind

    # --- the methods --------------------------------------------------------------------------

    def _methods(self) -> dict[tuple[str, str], _Method]:
        return {
            ("RoomService", "CreateRoom"): _Method(
                proto_room.CreateRoomRequest, lambda c, r: bool(_video(c).get("roomCreate")), self._create_room
            ),
            ("RoomService", "DeleteRoom"): _Method(
                proto_room.DeleteRoomRequest, lambda c, r: bool(_video(c).get("roomCreate")), self._delete_room
            ),
            ("RoomService", "ListParticipants"): _Method(
                proto_room.ListParticipantsRequest, lambda c, r: _room_admin(r.room)(c, r), self._list
            ),
            ("RoomService", "RemoveParticipant"): _Method(
                proto_room.RoomParticipantIdentity, lambda c, r: _room_admin(r.room)(c, r), self._remove
            ),
            ("RoomService", "MoveParticipant"): _Method(
                proto_room.MoveParticipantRequest,
                lambda c, r: _room_admin(r.room)(c, r) and _video(c).get("destinationRoom") == r.destination_room,
                self._move,
            ),
            ("SIP", "CreateSIPParticipant"): _Method(
                proto_sip.CreateSIPParticipantRequest, lambda c, r: bool((c.get("sip") or {}).get("call")), self._dial
            ),
            ("SIP", "TransferSIPParticipant"): _Method(
                proto_sip.TransferSIPParticipantRequest,
                lambda c, r: bool((c.get("sip") or {}).get("call")) and _room_admin(r.room_name)(c, r),
                self._transfer,
            ),
        }

    def _create_room(self, request: proto_room.CreateRoomRequest) -> Message:
        self.rooms.setdefault(request.name, {})
        return proto_models.Room(
            sid=f"RM_{request.name}",
            name=request.name,
            empty_timeout=request.empty_timeout,
            max_participants=request.max_participants,
        )

    def _delete_room(self, request: proto_room.DeleteRoomRequest) -> Message:
        self.rooms.pop(request.room, None)
        return proto_room.DeleteRoomResponse()

    def _list(self, request: proto_room.ListParticipantsRequest) -> Message:
        people = self._room(request.room)
        return proto_room.ListParticipantsResponse(
            participants=[proto_models.ParticipantInfo(identity=identity) for identity in people]
        )

    def _remove(self, request: proto_room.RoomParticipantIdentity) -> Message:
        people = self._room(request.room)
        if people.pop(request.identity, None) is None:
            raise _TwirpError(Failure(404, "not_found", f"participant {request.identity} not found"))
        return proto_room.RemoveParticipantResponse()

    def _move(self, request: proto_room.MoveParticipantRequest) -> Message:
        if not self.cloud:  # livekit-server pkg/service/roommanager.go, MoveParticipant
            raise _TwirpError(Failure(500, "unknown", MOVE_NOT_IMPLEMENTED))
        people = self._room(request.room)
        if request.identity not in people:
            raise _TwirpError(Failure(404, "not_found", f"participant {request.identity} not found"))
        self._room(request.destination_room)[request.identity] = people.pop(request.identity)
        return proto_room.MoveParticipantResponse()

    def _dial(self, request: proto_sip.CreateSIPParticipantRequest) -> Message | _Ring:
        # With an upstream server the rooms are its own; the double keeps only its phone legs.
        people = self.rooms.setdefault(request.room_name, {}) if self.upstream else self._room(request.room_name)
        number = request.sip_call_to
        info = proto_sip.SIPParticipantInfo(
            participant_id=f"PA_{request.participant_identity}",
            participant_identity=request.participant_identity,
            room_name=request.room_name,
            sip_call_id="SCL_test",
        )
        if number not in self._phones:  # picks up at once
            people[request.participant_identity] = "sip"
            return info
        status = self._phones[number]
        failure = _sip_failure(status) if status is not None else Failure(408, "canceled", "sip request timed out")
        ring = request.ringing_timeout.seconds if status is None else 0
        if not request.wait_until_answered:  # joins while ringing, leaves when the call fails
            people[request.participant_identity] = "sip"
            self._loop.call_later(ring, lambda: people.pop(request.participant_identity, None))
            return info
        return _Ring(ring, failure)

    def _transfer(self, request: proto_sip.TransferSIPParticipantRequest) -> Message:
        people = self._room(request.room_name)
        if people.pop(request.participant_identity, None) is None:
            raise _TwirpError(Failure(404, "not_found", f"participant {request.participant_identity} not found"))
        return proto_sip.TransferSIPParticipantResponse(
            transfer_id="ST_test", status=proto_sip.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL
        )

    def _room(self, name: str) -> dict[str, str]:
        if name not in self.rooms:
            raise _TwirpError(Failure(404, "not_found", f"room {name} does not exist"))
        return self.rooms[name]

    # --- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        service = request.match_info["service"]
        method = self._methods().get((service, request.match_info["method"]))
        if method is None:
            return _error(Failure(404, "bad_route", f"no handler for {service}/{request.match_info['method']}"))
        if request.content_type != "application/protobuf":
            return _error(Failure(415, "malformed", "the client must send protobuf"))
        raw = await request.read()
        body = method.request.FromString(raw)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        try:
            TokenVerifier(self.api_key, self.api_secret).verify(token)
            claims = jwt.decode(token, self.api_secret, algorithms=["HS256"], issuer=self.api_key)
        except Exception as exc:  # any bad token: LiveKit answers 401
            return self._refuse(service, request, body, {}, Failure(401, "unauthenticated", str(exc)))
        seen = Seen(service, request.match_info["method"], body, claims)
        if not method.allowed(claims, body):
            return self._refuse(service, request, body, claims, Failure(403, "permission_denied", "missing grant"))
        if self.upstream and service != "SIP":
            return await self._forward(seen, raw, request.headers["Authorization"])
        with self._lock:
            self.requests.append(seen)
            queued = self._failures.get(seen.method)
            failure = queued.pop(0) if queued else None
            response: Message | _Ring | None = None
            if failure is None:
                try:
                    response = method.handle(body)
                except _TwirpError as exc:
                    failure = exc.failure
        if isinstance(response, _Ring):  # the phone rings (outside the lock), then the SIP answer
            await asyncio.sleep(response.seconds)
            failure = response.failure
        if failure is not None:
            seen.status = failure.status
            return _error(failure)
        return web.Response(body=response.SerializeToString(), content_type="application/protobuf")

    async def _forward(self, seen: Seen, raw: bytes, authorization: str) -> web.Response:
        """The real server's own answer, as it gave it."""
        url = f"{self.upstream}/twirp/livekit.{seen.service}/{seen.method}"
        headers = {"Authorization": authorization, "Content-Type": "application/protobuf"}
        async with ClientSession() as http, http.post(url, data=raw, headers=headers) as answer:
            content, seen.status, content_type = await answer.read(), answer.status, answer.content_type
        if seen.status != 200:
            seen.error = json.loads(content or b"{}")
        with self._lock:
            self.requests.append(seen)
        return web.Response(body=content, status=seen.status, content_type=content_type)

    def _refuse(self, service, request, body, claims, failure: Failure) -> web.Response:
        with self._lock:
            self.refused.append(Seen(service, request.match_info["method"], body, claims, failure.status))
        return _error(failure)

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> LiveKitTwirpDouble:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/twirp/livekit.{service}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    def __exit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


MOVE_NOT_IMPLEMENTED = "twirp error unknown: not implemented"


@dataclass
class _Ring:
    seconds: float
    failure: Failure


# protocol/livekit/sip.go sipCodeToGRPCCode, for the answers a person's phone gives, and the Twirp
# code and HTTP status each gRPC code becomes (psrpc → twirp).
_SIP_TO_TWIRP = {
    403: ("permission_denied", 403),
    404: ("not_found", 404),
    408: ("deadline_exceeded", 408),
    480: ("resource_exhausted", 429),
    486: ("resource_exhausted", 429),
    487: ("aborted", 409),
    503: ("failed_precondition", 412),
    600: ("resource_exhausted", 429),
    603: ("permission_denied", 403),
}
_SIP_REASONS = {
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    480: "Temporarily Unavailable",
    486: "Busy Here",
    487: "Request Terminated",
    503: "Service Unavailable",
    600: "Busy Everywhere",
    603: "Decline",
}


def _sip_failure(status: int) -> Failure:
    """What the SIP service's SIPStatus error becomes on the wire (its TwirpErrorMeta included)."""
    fallback = ("failed_precondition", 412) if 500 <= status < 600 else ("invalid_argument", 400)
    code, http = _SIP_TO_TWIRP.get(status, fallback)
    reason = _SIP_REASONS.get(status, "")
    meta = {"sip_status_code": str(status), "sip_status": reason or f"SIP_STATUS_{status}"}
    return Failure(http, code, f"sip status: {status}: {reason}" if reason else f"sip status: {status}", meta)


class _TwirpError(Exception):
    def __init__(self, failure: Failure):
        super().__init__(failure.msg)
        self.failure = failure


def _error(failure: Failure) -> web.Response:
    body: dict[str, Any] = {"code": failure.code, "msg": failure.msg}
    if failure.meta:
        body["meta"] = failure.meta
    return web.json_response(body, status=failure.status)
