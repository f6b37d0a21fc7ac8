"""Websocket routes (Channels). Authentication happens before these, in core.ws_auth."""

from django.urls import path

from calls.consumers import CallConsumer
from core.consumers import ConsoleConsumer

websocket_urlpatterns: list = [
    path("ws/calls/<int:call_id>/", CallConsumer.as_asgi()),
    path("ws/console/", ConsoleConsumer.as_asgi()),
]
