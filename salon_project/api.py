"""The v1 REST API: authentication, error shapes, health, and each app's router mounted."""

import logging

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import AuthenticationError, HttpError

from calls.api import router as calls
from calls.transfer_api import people as transfer_people
from calls.transfer_api import router as transfers
from calls.web_callers import router as web_calls
from core.auth import BearerToken, StaffSession
from core.errors import DomainError, NotFound
from core.openapi import SalonApi
from core.parsing import ApiParser, UnusableBody
from core.schemas import DetailOut
from helprequests.api import help_requests, inbound_texts, sms, supervisors
from knowledge.api import router as knowledge
from knowledge.models import SalonProfile
from outbound.api import messages, webhooks

logger = logging.getLogger("salon.api")

api = SalonApi(
    title="Salon Front Desk API",
    version="1",
    description="Help requests, knowledge base, supervisors, texts and webhooks of the AI receptionist.",
    auth=[BearerToken(), StaffSession()],
    urls_namespace="api-v1",
    parser=ApiParser(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, {"detail": exc.detail}, status=exc.status_code)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """ninja's own errors as ninja words them, except a body that is not JSON or holds text no
    database can store (core/parsing.py), which ninja reports as an unparseable 400: that
    is a 422 (the contract's status for input that cannot be used) saying what is wrong."""
    if isinstance(exc.__cause__, UnusableBody):
        return api.create_response(request, {"detail": str(exc.__cause__)}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    detail = "Authentication required: send 'Authorization: Bearer <token>' or log in as staff."
    return api.create_response(request, {"detail": detail}, status=401)


DATABASE_UNAVAILABLE = (
    "The database is unavailable right now; please try again in a moment. "
    "Nothing is half-saved: a change is stored whole or not at all."
)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception):
    """The connection dropped (or the server is gone) mid-request: each service runs in one
    transaction, so it was rolled back whole; say so, and that a retry is the remedy."""
    logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exc)
    response = api.create_response(request, {"detail": DATABASE_UNAVAILABLE}, status=503)
    response["Retry-After"] = "5"
    return response


class HealthOut(Schema):
    status: str
    database: str
    broker: str


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def _broker_status() -> str:
    if settings.EMBEDDED:
        return "embedded"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except redis.RedisError:
        return "down"


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["health"])
def health(request: HttpRequest):
    """Liveness and dependencies. 503 when the database is down."""
    database = _database_status()
    body = {"status": "ok" if database == "ok" else "degraded", "database": database, "broker": _broker_status()}
    return Status(200 if database == "ok" else 503, body)


@api.get("/ping", response={204: None}, tags=["health"])
def ping(request: HttpRequest):
    """Does nothing but authenticate: the baseline `make bench` compares lookups against."""
    return Status(204, None)


class SalonOut(Schema):
    name: str
    phone: str
    timezone: str
    profile: dict


@api.get("/salon", response={200: SalonOut, 404: DetailOut}, tags=["salon"])
def salon(request: HttpRequest):
    """The salon's business profile as seeded: what the voice agent introduces itself with."""
    profile = SalonProfile.current()
    if profile is None:
        raise NotFound("The salon has not been set up yet: set it up in admin (Salon profile).")
    return profile


api.add_router("/knowledge", knowledge)
api.add_router("/help-requests", help_requests)
api.add_router("/supervisors", supervisors)
api.add_router("/messages", messages)
api.add_router("/webhook-endpoints", webhooks)
api.add_router("/calls", calls)
api.add_router("/sms", sms)
api.add_router("/inbound-texts", inbound_texts)
api.add_router("/web-calls", web_calls)
api.add_router("/transfers", transfers)
api.add_router("/supervisors", transfer_people)
