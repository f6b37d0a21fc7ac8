"""`/ws/calls/<id>/`: live events of one call, pushed to whoever keeps its caller company.

The voice agent holding a caller for a supervisor's answer listens here instead of polling
the API. Right after joining it is sent the answers it may have missed (see
`services.undelivered_answers`), then every `help_request.resolved` broadcast to the call's
group. Close codes: 4401 not authenticated (bearer token or staff session), 4404 no such call.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from calls import services
from calls.models import Call

CLOSE_UNAUTHENTICATED = 4401
CLOSE_UNKNOWN_CALL = 4404


class CallConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        call_id = self.scope["url_route"]["kwargs"]["call_id"]
        if not self.scope.get("actor"):
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        if not await _call_exists(call_id):
            await self._refuse(CLOSE_UNKNOWN_CALL)
            return
        # Join before reading what was missed, so an answer committed in between is either in
        # the catch-up or pushed (possibly both), never neither.
        self.group = services.call_group(call_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        for event in await database_sync_to_async(services.undelivered_answers)(call_id):
            await self.send_json(event)

    async def _refuse(self, code: int) -> None:
        # Accept first: a close before the handshake reaches the client as a bare HTTP 403,
        # without the code that says why.
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """Listeners only listen; a `{"type": "ping"}` is answered so clients can check the line."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def help_request_resolved(self, event: dict) -> None:
        """A supervisor answered a help request asked during this call."""
        await self.send_json(event)

    async def transfer_event(self, event: dict) -> None:
        """A transfer of this call changed state (calls/transfers.py): the agent holding the
        caller learns here that the person accepted, declined or did not answer."""
        await self.send_json(event)


@database_sync_to_async
def _call_exists(call_id: int) -> bool:
    return Call.objects.filter(pk=call_id).exists()
