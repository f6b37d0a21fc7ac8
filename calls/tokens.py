"""LiveKit access tokens for web callers, minted here so the browser never sees an API secret.

A caller token may do exactly one thing: join its own room, speak through the microphone and
hear the receptionist. It carries the room's agent dispatch (so LiveKit sends the voice worker
to the room, with the call id in the job's metadata) and lives at most 15 minutes: enough to
connect, useless if it leaks later.
"""

import json
from datetime import timedelta

from django.conf import settings
from livekit import api as livekit

from calls.models import Call

# The cap, enforced here too so a settings override cannot exceed it.
MAX_CALLER_TOKEN_TTL_SECONDS = 15 * 60

NOT_CONFIGURED = "LiveKit is not configured: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET."


def livekit_configured() -> bool:
    return bool(settings.LIVEKIT_URL and settings.LIVEKIT_API_KEY and settings.LIVEKIT_API_SECRET)


def caller_token_ttl() -> timedelta:
    return timedelta(seconds=min(settings.CALLER_TOKEN_TTL_SECONDS, MAX_CALLER_TOKEN_TTL_SECONDS))


def caller_identity(call: Call) -> str:
    return f"caller-{call.pk}"


def talk_grants(room: str, *, agent: bool = False) -> livekit.VideoGrants:
    """Join `room` only, to speak through the microphone, listen and chat; explicitly nothing
    else: no room creation, listing or admin, no metadata edits, no recording."""
    return livekit.VideoGrants(
        room_join=True,
        room=room,
        can_publish=True,
        can_subscribe=True,
        can_publish_data=True,
        can_publish_sources=["microphone"],
        room_create=False,
        room_list=False,
        room_admin=False,
        room_record=False,
        can_update_own_metadata=False,
        ingress_admin=False,
        hidden=False,
        agent=agent,
    )


def mint_caller_token(call: Call) -> str:
    """A JWT that lets the web caller of `call` into its room, and dispatches the agent there."""
    grants = talk_grants(call.room)
    dispatch = livekit.RoomAgentDispatch(
        agent_name=settings.VOICE_AGENT_NAME, metadata=json.dumps({"call_id": call.pk})
    )
    return (
        livekit.AccessToken(settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET)
        .with_identity(caller_identity(call))
        .with_name(call.caller_name or "Web caller")
        .with_kind("standard")
        .with_grants(grants)
        .with_ttl(caller_token_ttl())
        .with_room_config(livekit.RoomConfiguration(agents=[dispatch]))
        .to_jwt()
    )
