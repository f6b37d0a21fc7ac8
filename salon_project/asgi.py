"""ASGI entry point: plain HTTP goes to Django, websockets to Channels consumers.

HTTP runs through `OneHopHandler` (salon_project/handlers.py): one thread hand-off a request
instead of Django's several. Under ASGI each hand-off costs time (for the stock middleware, a
large share of a short request: the figure is in README, "Speed"). The API (`/api/`) also has no
middleware: it authenticates with bearer tokens, or with the staff session and ninja's own
CSRF check (core/auth.py loads the session itself), and sets no cookies. The admin
and console pages keep the full MIDDLEWARE.

Websockets authenticate with a bearer token header or a staff session (core.ws_auth);
session connections must also come from one of ALLOWED_HOSTS (the Origin check lives there).
"""

import os

import django
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from salon_project.env import exit_on_configuration_error
from salon_project.handlers import OneHopHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")
with exit_on_configuration_error():
    django.setup(set_prefix=False)

api_app = OneHopHandler(middleware=[])
site_app = OneHopHandler(middleware=settings.MIDDLEWARE)
if settings.SERVE_STATIC:
    # The admin's and console's CSS/JS from the apps' static folders, so one daphne process is
    # a whole site; production may turn it off and serve `collectstatic`'s output from a proxy.
    site_app = ASGIStaticFilesHandler(site_app)


async def django_http(scope, receive, send):
    """`/api/...` to the API's lean handler, everything else to the site's."""
    app = api_app if scope["path"].startswith("/api/") else site_app
    return await app(scope, receive, send)


from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)

from core.ws_auth import TokenOrSessionAuthMiddleware  # noqa: E402
from salon_project.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
