"""Websocket routes of the live console (filled in by the console pages)."""

websocket_urlpatterns: list = []
