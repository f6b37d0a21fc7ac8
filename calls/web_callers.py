"""The public side of web calls: the "call the salon" page and the one endpoint it uses.

Anyone may open `/call/` and talk to the receptionist with their microphone. The page asks
`POST /api/v1/web-calls` (no credentials) for a call: the server names a room, records the call
and returns a caller token for that room only (calls/tokens.py: microphone only, at most 15
minutes, dispatches the agent). Each start costs LiveKit minutes, so an address may start
WEB_CALLS_PER_ADDRESS_PER_HOUR calls an hour (429 after that). The live transcript reaches the
page from the room itself: the agent publishes what both sides say as LiveKit transcriptions.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Router, Schema, Status
from ninja.schema import Field

from calls import services
from calls.models import Call
from knowledge.models import SalonProfile
from salon_project.ratelimit import limit
from salon_project.schemas import DetailOut

router = Router(tags=["web callers"])


class WebCallIn(Schema):
    caller_name: str = Field("", max_length=100, description="How the receptionist may call the caller.")


class WebCallOut(Schema):
    call_id: int
    room: str
    livekit_url: str
    caller_token: str


@router.post("", auth=None, response={201: WebCallOut, 429: DetailOut})
def start_web_call(request: HttpRequest, payload: WebCallIn):
    """Start a call from the public "call the salon" page: no credentials, rate limited per
    address (429 with a sentence). Returns the room, the LiveKit URL and a caller token that can
    only join that room with a microphone; 503 when LiveKit is not configured."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    limit(f"web-call:{address}", settings.WEB_CALLS_PER_ADDRESS_PER_HOUR, 3600, "calls started")
    started = services.start_call(caller_name=payload.caller_name.strip(), channel=Call.Channel.WEB)
    return Status(
        201,
        {
            "call_id": started.call.pk,
            "room": started.call.room,
            "livekit_url": settings.LIVEKIT_URL,
            "caller_token": started.caller_token,
        },
    )


def call_the_salon(request: HttpRequest) -> HttpResponse:
    """The public page: a call button, the microphone, and the live transcript."""
    return render(request, "calls/call_salon.html", {"salon_name": SalonProfile.display_name()})
