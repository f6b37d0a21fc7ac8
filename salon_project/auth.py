"""Who may call the API: a bearer token, or a logged-in staff member (with CSRF)."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuthIsStaff

from salon_project.models import ApiToken

# Writing last_used_at on every request would put a write on the hot path; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.find_active(token)
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.actor = f"token:{api_token.name}"
        return api_token


class StaffSession(SessionAuthIsStaff):
    """The Django admin login, so console pages can call the API (CSRF is checked)."""

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
