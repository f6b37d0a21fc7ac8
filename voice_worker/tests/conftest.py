"""Fixtures of the voice worker tests: the real API on the test server, seeded, with a token."""

import pytest
from django.core.management import call_command

from core.models import ApiToken
from voice_worker.pending_writes import PendingWrites
from voice_worker.tests.support import SalonServer


@pytest.fixture
def salon_server(live_server, transactional_db) -> SalonServer:
    """The real API, seeded with the demo salon, and a token for the worker."""
    call_command("seed_salon", verbosity=0)
    return SalonServer(live_server.url, ApiToken.issue("voice-worker-test")[1])


@pytest.fixture
def pending_writes(tmp_path) -> PendingWrites:
    return PendingWrites(tmp_path / "pending-writes")
