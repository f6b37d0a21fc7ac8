"""ASGI entry point: plain HTTP goes to Django, websockets to Channels consumers.

The API (`/api/`) has a Django handler of its own, with no middleware. Under ASGI each of
Django's stock middleware runs its hooks in a worker thread (a thread hand-off each, about
3 ms a request in all on our 2-core machines: `make bench`), and the API needs none of them:
it authenticates with bearer tokens, or with the staff session and ninja's own CSRF check
(salon_project/auth.py loads the session itself), and sets no cookies. The admin and console
pages keep the full MIDDLEWARE.

Websockets authenticate with a bearer token header or a staff session (salon_project.ws_auth);
session connections must also come from one of ALLOWED_HOSTS (the Origin check lives there).
"""

import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")
site_app = get_asgi_application()
if settings.SERVE_STATIC:
    # The admin's and console's CSS/JS from the apps' static folders, so one daphne process is
    # a whole site; production may turn it off and serve `collectstatic`'s output from a proxy.
    site_app = ASGIStaticFilesHandler(site_app)


class ApiHandler(ASGIHandler):
    """Django's ASGI handler with an empty middleware stack, for the API's paths."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE only; this runs once, at startup.
        site_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = []
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site_middleware


api_app = ApiHandler()


async def django_http(scope, receive, send):
    """`/api/...` to the API's lean handler, everything else to the site's."""
    app = api_app if scope["path"].startswith("/api/") else site_app
    return await app(scope, receive, send)


from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)

from salon_project.routing import websocket_urlpatterns  # noqa: E402
from salon_project.ws_auth import TokenOrSessionAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
