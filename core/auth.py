"""Who may call the API: a bearer token, or a logged-in staff member (with CSRF)."""

from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuthIsStaff

from core.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.authenticate(token)
        if api_token is not None:
            request.actor = f"token:{api_token.name}"
        return api_token


class StaffSession(SessionAuthIsStaff):
    """The Django admin login, so console pages can call the API (CSRF is checked)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie, no session: nothing to check CSRF for. ninja would check it anyway and
        # answer a write with no (or a bad) token "403 CSRF check Failed" instead of the 401.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        if not hasattr(request, "user"):
            # Served without Django's middleware (see salon_project/asgi.py): load the session
            # and its user here, only for requests that carry a session cookie.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
            request.user = auth.get_user(request)
        user = super().authenticate(request, key)
        if user is not None:
            request.actor = f"user:{user.get_username()}"
        return user


def actor_of(request: HttpRequest) -> str:
    """How the audit trail names whoever made this API call."""
    return getattr(request, "actor", "api")
