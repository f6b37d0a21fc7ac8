"""`/ws/console/`: the live feed of the supervisor console pages.

Staff sessions only: an anonymous or non-staff browser is closed with 4401, and an API token
with 4403 (integrators have webhooks; the console feed is for people at the console). Every
`to_console` event (core.broadcast) is forwarded as `{"kind", "action", "data"}`. A page
that (re)connects is sent `{"kind": "console", "action": "connected"}` first and reloads its own
state from the server then, so nothing missed while disconnected stays missing.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.broadcast import CONSOLE_GROUP

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_STAFF = 4403


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    joined = False

    async def connect(self) -> None:
        actor = self.scope.get("actor") or ""
        # Accept before closing: a close before the handshake reaches the browser as a bare
        # HTTP 403, without the code that says why.
        await self.accept()
        if not actor.startswith("user:"):
            await self.close(code=CLOSE_NOT_STAFF if actor else CLOSE_UNAUTHENTICATED)
            return
        await self.channel_layer.group_add(CONSOLE_GROUP, self.channel_name)
        self.joined = True
        await self.send_json({"kind": "console", "action": "connected", "data": {"actor": actor}})

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(CONSOLE_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """Pages only listen; a `{"type": "ping"}` is answered so they can check the line."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"kind": "console", "action": "pong", "data": {}})

    async def console_event(self, event: dict) -> None:
        await self.send_json({key: event[key] for key in ("kind", "action", "data")})
