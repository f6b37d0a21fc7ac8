"""REST endpoints of warm transfers (thin: the work happens in calls/transfers.py).

Started by the voice agent with `POST /calls/{id}/transfers` (calls/api.py); everything after
that happens to the transfer itself: `/transfers/{id}` to read it, then `join`, `accept`,
`decline`, `cancel` and `complete`. A step the transfer's state does not allow is a 409 saying
its state; when two people race, one wins and the other gets that 409. (Each operation's
401/404/422/503 are documented by core/openapi.py.)
"""

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from calls import transfers
from calls.models import Transfer
from calls.schemas import AvailablePersonOut, DecisionIn, PersonIn, RoomPassOut, TransferOut
from core.auth import actor_of
from core.errors import get_or_404
from core.schemas import DetailOut, RecordId
from helprequests.models import Supervisor

router = Router(tags=["transfers"])
people = Router(tags=["transfers"])


def _transfer(transfer_id: int) -> Transfer:
    queryset = Transfer.objects.select_related("supervisor").prefetch_related("events")
    return get_or_404(queryset, transfer_id, "transfer")


def _pass(transfer_id: int, room: str | None, token: str | None) -> dict:
    return {"transfer": _transfer(transfer_id), "room": room, "token": token, "livekit_url": settings.LIVEKIT_URL}


@router.get("/{int:transfer_id}", response=TransferOut)
def get_transfer(request: HttpRequest, transfer_id: RecordId):
    """The transfer with its summary and audit trail (`events`)."""
    return _transfer(transfer_id)


@router.post("/{int:transfer_id}/join", response={200: RoomPassOut, 409: DetailOut})
def join_transfer(request: HttpRequest, transfer_id: RecordId, payload: PersonIn):
    """The person joins the consultation room from the console to hear the briefing: ringing →
    briefing. Returns a token for the consultation room only (TRANSFER_TOKEN_TTL_SECONDS)."""
    joined = transfers.join_transfer(
        transfer_id,
        supervisor=Supervisor.acting(payload.supervisor_id, getattr(request, "user", None)),
        actor=actor_of(request),
    )
    return _pass(transfer_id, joined.transfer.consult_room, joined.token)


@router.post("/{int:transfer_id}/accept", response={200: RoomPassOut, 409: DetailOut, 502: DetailOut})
def accept_transfer(request: HttpRequest, transfer_id: RecordId, payload: PersonIn):
    """Take the call: → connected. Returns a token for the caller's room only, short-lived (no
    token when the person is on the phone: their call is moved into the caller's room on LiveKit
    Cloud, or rung again into it elsewhere). The agent says goodbye and falls silent. 502 when
    LiveKit could not move or ring the phone (the transfer ends failed, declined or no_answer,
    and the caller is back with the agent)."""
    accepted = transfers.accept_transfer(
        transfer_id,
        supervisor=Supervisor.acting(payload.supervisor_id, getattr(request, "user", None)),
        actor=actor_of(request),
    )
    return _pass(transfer_id, accepted.transfer.call.room if accepted.token else None, accepted.token)


@router.post("/{int:transfer_id}/decline", response={200: TransferOut, 409: DetailOut})
def decline_transfer(request: HttpRequest, transfer_id: RecordId, payload: DecisionIn):
    """The person cannot take it: the agent tells the caller and offers a help request instead."""
    transfers.decline_transfer(transfer_id, reason=payload.reason, actor=actor_of(request))
    return _transfer(transfer_id)


@router.post("/{int:transfer_id}/cancel", response={200: TransferOut, 409: DetailOut})
def cancel_transfer(request: HttpRequest, transfer_id: RecordId, payload: DecisionIn):
    """Call it off while it is open (the caller hung up or changed their mind)."""
    transfers.cancel_transfer(transfer_id, reason=payload.reason, actor=actor_of(request))
    return _transfer(transfer_id)


@router.post("/{int:transfer_id}/complete", response={200: TransferOut, 409: DetailOut})
def complete_transfer(request: HttpRequest, transfer_id: RecordId):
    """The person has finished with the caller (a connected transfer, once)."""
    transfers.complete_transfer(transfer_id, actor=actor_of(request))
    return _transfer(transfer_id)


@people.get("/available", response=list[AvailablePersonOut])
def available_people(request: HttpRequest):
    """Who could take a transferred call: available supervisors, owner first, each `free` or
    `busy` (being rung, being briefed, or on a transferred call not completed yet)."""
    busy = transfers.busy_supervisor_ids()
    supervisors = Supervisor.with_open_requests().filter(available=True).order_by("-is_owner", "name", "pk")
    return [
        {
            "id": s.pk,
            "name": s.name,
            "is_owner": s.is_owner,
            "expertise": s.expertise,
            "open_requests": s.open_requests,
            "status": "busy" if s.pk in busy else "free",
        }
        for s in supervisors
    ]
