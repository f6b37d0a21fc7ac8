"""ASGI entry point: plain HTTP goes to Django, websockets to Channels consumers.

Websockets authenticate with a bearer token header or a staff session (salon_project.ws_auth);
session connections must also come from one of ALLOWED_HOSTS (the Origin check lives there).
"""

import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")
django_asgi_app = get_asgi_application()
if settings.SERVE_STATIC:
    # The admin's and console's CSS/JS from the apps' static folders, so one daphne process is
    # a whole site; production may turn it off and serve `collectstatic`'s output from a proxy.
    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)

from salon_project.routing import websocket_urlpatterns  # noqa: E402
from salon_project.ws_auth import TokenOrSessionAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
