"""Fixtures of the calls tests."""

import pytest

from calls.tests.livekit_double import LiveKitTwirpDouble
from calls.tests.support import LIVEKIT
from helprequests.tests.conftest import text, twilio_configured  # noqa: F401 (texts signed as Twilio signs them)


@pytest.fixture
def livekit(settings, salon):
    """The seeded salon, and LiveKit settings pointing at a LiveKit test double (transfers)."""
    with LiveKitTwirpDouble(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]) as double:
        settings.LIVEKIT_URL = double.url
        settings.LIVEKIT_API_KEY = LIVEKIT["LIVEKIT_API_KEY"]
        settings.LIVEKIT_API_SECRET = LIVEKIT["LIVEKIT_API_SECRET"]
        settings.LIVEKIT_SIP_TRUNK_ID = None
        settings.LIVEKIT_MOVE_PARTICIPANT = None  # decided by the URL: the double's is not LiveKit Cloud
        settings.TRANSFER_RING_SECONDS = 30
        settings.TRANSFER_TOKEN_TTL_SECONDS = 300
        yield double
        assert double.refused == [], "every request to LiveKit carried the grant it needs"
