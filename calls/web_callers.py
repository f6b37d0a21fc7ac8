"""The public side of web calls: the "call the salon" page and the one endpoint it uses.

Anyone may open `/call/` and talk to the receptionist with their microphone. The page asks
`POST /api/v1/web-calls` (no credentials) for a call: the server names a room, records the call
and returns a caller token for that room only (calls/tokens.py: microphone only, at most 15
minutes, dispatches the agent). Each start costs LiveKit minutes, so an address may start
WEB_CALLS_PER_ADDRESS_PER_HOUR calls an hour (429 after that). The live transcript reaches the
page from the room itself: the agent publishes what both sides say as LiveKit transcriptions.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Router, Schema, Status
from ninja.schema import Field

from calls import services, tokens
from calls.models import Call
from core.ratelimit import limit
from core.schemas import DetailOut
from knowledge.models import SalonProfile

router = Router(tags=["web callers"])
logger = logging.getLogger("salon.calls")


def unavailable_for_callers() -> str:
    """What a customer is told when web calls cannot work (the setup message is for staff)."""
    profile = SalonProfile.current()
    phone = f" at {profile.phone}" if profile and profile.phone else ""
    return f"Calling from this page is not available right now. Please phone {SalonProfile.display_name()}{phone}."


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
    try:
        started = services.start_call(caller_name=payload.caller_name.strip(), channel=Call.Channel.WEB)
    except services.LiveKitNotConfigured as exc:
        logger.warning("A web caller could not call: %s", exc.detail)
        raise services.LiveKitNotConfigured(unavailable_for_callers()) from None
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
    """The public page: a call button, the microphone, and the live transcript. Staff who open it
    also see why calls cannot start, when LiveKit is not set up; customers get a sentence."""
    staff_note = tokens.NOT_CONFIGURED if request.user.is_staff and not tokens.livekit_configured() else ""
    return render(
        request, "calls/call_salon.html", {"salon_name": SalonProfile.display_name(), "staff_note": staff_note}
    )
