"""Websocket routes (Channels). Authentication happens before these, in salon_project.ws_auth."""

from django.urls import path

from calls.consumers import CallConsumer
from salon_project.consumers import ConsoleConsumer

websocket_urlpatterns: list = [
    path("ws/calls/<int:call_id>/", CallConsumer.as_asgi()),
    path("ws/console/", ConsoleConsumer.as_asgi()),
]
