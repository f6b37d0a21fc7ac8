"""Helpers of the voice worker tests. The worker is tested as it runs: a real AgentSession with
the offline brain, talking to the real API served by the test server (pytest-django's
`live_server`) with a real token.

Tests never use the ORM from inside the event loop; what the API recorded is read back through
the API itself (`SalonServer`), as an integrator would."""

import asyncio
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from salon_project.tests.support_http import BearerApi
from voice_worker.api_client import SalonApi
from voice_worker.brain import OfflineBrain
from voice_worker.call import CallerInfo
from voice_worker.pending_writes import PendingWrites
from voice_worker.worker import StartedCall, start_receptionist

ASYNC_TEST_TIMEOUT = 60


def run(coroutine: Awaitable[Any], timeout: float = ASYNC_TEST_TIMEOUT) -> Any:
    """Run one async scenario to completion, bounded in time."""

    async def bounded():
        return await asyncio.wait_for(coroutine, timeout)

    return asyncio.run(bounded())


@dataclass
class SalonServer(BearerApi):
    url: str
    token: str

    @property
    def api_url(self) -> str:
        return self.url

    def help_requests(self, **filters: Any) -> list[dict[str, Any]]:
        return self.get("/api/v1/help-requests", limit=100, **filters)["items"]


def api_for(server: SalonServer, pending_writes: PendingWrites | None = None, **kwargs: Any) -> SalonApi:
    return SalonApi(server.url, server.token, pending_writes=pending_writes, **kwargs)


async def start_call(
    api: SalonApi,
    *,
    phone: str | None = "+14155550150",
    name: str = "Ana Diaz",
    channel: str | None = None,
    hold_seconds: float = 0.0,
    model=None,
) -> StartedCall:
    """A receptionist session as the worker starts one, greeting included."""
    key = f"test-call-{uuid.uuid4().hex[:10]}"
    return await start_receptionist(
        api=api,
        caller=CallerInfo(channel=channel or ("phone" if phone else "web"), phone=phone, name=name),
        call_key=key,
        room_name=f"room-{key}",
        model=model or OfflineBrain(),
        hold_seconds=hold_seconds,
        capture_greeting=True,
    )


async def hang_up(started: StartedCall) -> None:
    await started.session.aclose()
    await started.call.aclose()


def said(result) -> str:
    """What the receptionist said in one run, as one string."""
    return " ".join(
        event.item.text_content or ""
        for event in result.events
        if event.type == "message" and event.item.role == "assistant"
    )
