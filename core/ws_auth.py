"""Who may open a websocket: an API token in an `Authorization: Bearer` header (the voice
worker, integrators) or a logged-in staff session (the console in a browser).

The two paths get different protection on purpose. A browser sends the session cookie with
any websocket a page opens, even a page on another site, so a session counts only when the
Origin header is one of ALLOWED_HOSTS (Channels' own origin matching). A bearer token is never
sent by a browser on its own (pages cannot set headers on websockets), so a token connection
needs no Origin at all, which is what non-browser clients like the voice worker send.

Nothing is refused here: after this middleware `scope["actor"]` names who connected
("token:<name>", "user:<name>") or is None, and the consumer closes the latter with its own
code (4401), which a bare handshake refusal (HTTP 403) could not carry.
"""

from typing import Any
from urllib.parse import ParseResult, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser

from core.models import ApiToken


def _bearer_token(scope: dict[str, Any]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; "" for a malformed one."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return None


_active_token = database_sync_to_async(ApiToken.authenticate)


def _origin(scope: dict[str, Any]) -> ParseResult | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"origin":
            return urlparse(value.decode("latin1"))
    return None


class _StaffActor(BaseMiddleware):
    """Names the staff member a session belongs to, if the page is one of ours; else nobody."""

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        staff = user is not None and user.is_authenticated and user.is_active and user.is_staff
        # Built per connection so it reads ALLOWED_HOSTS as it is now (tests override it).
        our_page = AllowedHostsOriginValidator(None).valid_origin(_origin(scope))
        scope = {**scope, "actor": f"user:{user.get_username()}" if staff and our_page else None}
        return await super().__call__(scope, receive, send)


class TokenOrSessionAuthMiddleware(BaseMiddleware):
    """A bearer header decides alone (no session, no Origin needed); otherwise the session does."""

    def __init__(self, inner):
        super().__init__(inner)
        self.session_app = AuthMiddlewareStack(_StaffActor(inner))

    async def __call__(self, scope, receive, send):
        plain = _bearer_token(scope)
        if plain is None:
            return await self.session_app(scope, receive, send)
        api_token = await _active_token(plain) if plain else None
        scope = {
            **scope,
            "user": AnonymousUser(),
            "api_token": api_token,
            "actor": f"token:{api_token.name}" if api_token else None,
        }
        return await super().__call__(scope, receive, send)
