"""Websocket routes (Channels). Authentication happens before these, in salon_project.ws_auth."""

from django.urls import path

from calls.consumers import CallConsumer

websocket_urlpatterns: list = [
    path("ws/calls/<int:call_id>/", CallConsumer.as_asgi()),
]
