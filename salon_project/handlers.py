"""Django over ASGI with one thread hand-off a request (see salon_project/asgi.py for why)."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase
from django.urls import set_script_prefix


class OneHopHandler(ASGIHandler):
    """Django's ASGI handler, running each request the way a WSGI server would.

    Django's own ASGI handler makes a thread for each request and hands work to it several
    times: `request_started`, each middleware hook, the view, `request_finished`. All of our
    views and middleware are synchronous, so here the whole request runs in one call on the
    event loop's thread pool (a fixed set of threads), and the thread that used a database
    connection also releases it, before the response is sent. Reading the body and sending
    the response stay on the event loop, as in Django's handler.

    `middleware` replaces settings.MIDDLEWARE for this handler (the API needs none)."""

    def __init__(self, middleware: list[str]) -> None:
        super(ASGIHandler, self).__init__()  # BaseHandler: a synchronous chain, not Django's async one
        site_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = middleware  # Django builds the chain from the setting, once, here
        try:
            self.load_middleware(is_async=False)
        finally:
            settings.MIDDLEWARE = site_middleware

    async def __call__(self, scope, receive, send) -> None:
        try:
            body = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await sync_to_async(self.respond, thread_sensitive=False)(scope, body)
        finally:
            body.close()
        await self.send_response(response, send)
        if response.streaming:  # closed once its body has been sent
            await sync_to_async(response.close, thread_sensitive=False)()

    def respond(self, scope, body) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body)
        response = error_response if request is None else self.get_response(request)
        if not response.streaming:
            response.close()  # request_finished: connections are released by the thread that used them
        return response
