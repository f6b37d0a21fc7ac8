"""The security pass: what is enforced, checked here or (named below) where it is already tested.

- Production settings pass `manage.py check --deploy` with no warnings (HTTPS redirect, Secure
  cookies, HSTS, a real SECRET_KEY), while the embedded `make run` over http keeps working.
- API tokens are stored hashed and looked up by hash; signatures are compared in constant time.
- Console pages and websockets are staff-only: helprequests/tests/test_console_queue_page.py
  (`test_anonymous_and_non_staff_users_are_sent_to_the_login`, likewise each console page's
  tests) and salon_project/tests/test_console_feed.py (4401/4403 closes, the Origin check);
  call websockets: calls/tests/test_call_push.py. Every console URL is checked once more below.
- CSRF on session-authenticated API calls, through the ASGI app whose /api/ handler has no
  middleware: salon_project/tests/test_asgi_api.py (`test_a_staff_session_reads_and_writes_with_its_csrf_token`)
  and, through WSGI, salon_project/tests/test_auth.py.
- Webhook targets on private/loopback addresses are refused unless allowed, at creation and again
  before each delivery: helprequests/tests/test_webhooks.py; the check itself once more below.
- LiveKit tokens carry minimal grants and short lifetimes: calls/tests/test_web_calls.py (caller
  tokens) and calls/tests/test_transfer_api.py (`assert_room_only`: agent, join and accept
  tokens); below, the 15-minute cap of transfer tokens whatever the setting says.
- Rate limits on public endpoints: calls/tests/test_web_calls.py (POST /web-calls, per address);
  POST /sms/inbound needs Twilio's signature (helprequests/tests/test_inbound_sms.py).
- No secret is ever logged: a whole flow below, with every log record captured at DEBUG.
"""

import hashlib
import logging
import os
import secrets
import subprocess
import sys
import time

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from calls import livekit_rooms
from calls.tests.livekit_double import LiveKitTwirpDouble
from calls.tests.support import LIVEKIT
from conftest import ApiClient
from core.models import ApiToken, hash_token
from helprequests.inbound_sms import twilio_signature
from helprequests.models import HelpRequest, Supervisor
from helprequests.tests.support_receiver import WebhookReceiver
from outbound.delivery import UnsafeUrl, check_webhook_url
from outbound.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


# --- Deployment settings ------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Kq-" + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "salon.example",
    "CSRF_TRUSTED_ORIGINS": "https://salon.example",
    "DATABASE_URL": "postgres://salon@db.internal:5432/salon",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python <args>` in a fresh process on the real settings, with only `env` configured
    (no .env file values or CI variables leak in: each known variable is set or emptied)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    for name in ("DEBUG", "SECRET_KEY", "PRODUCTION", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        clean[name] = ""  # empty counts as unset, and wins over a .env file
    clean.update(env, DJANGO_SETTINGS_MODULE="salon_project.settings")
    command = [sys.executable, *args]
    return subprocess.run(command, cwd=django_settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return python("manage.py", *args, **env)


def test_check_deploy_is_clean_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNING" not in result.stderr.upper()


PRINT_SECURITY = (
    "shell",
    "--verbosity=0",
    "-c",
    "from django.conf import settings as s; print(s.PRODUCTION, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)",
)


def test_production_defaults_and_the_embedded_run_over_plain_http():
    production = manage(*PRINT_SECURITY, **PRODUCTION_ENV)
    assert production.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ], production.stderr
    # `make run`: no SECRET_KEY, no PRODUCTION; the console must log in over http://127.0.0.1:8000.
    embedded = manage(*PRINT_SECURITY)
    assert embedded.stdout.split() == ["False", "False", "False", "False", "0", "None"], embedded.stderr
    # PRODUCTION=1 without a key of its own refuses to start instead of signing with the default.
    refused = manage("check", PRODUCTION="1")
    assert refused.returncode == 2 and "Production needs a SECRET_KEY" in refused.stderr


# --- API tokens -----------------------------------------------------------------------------------


def test_api_tokens_are_stored_only_as_a_hash_and_looked_up_by_it():
    """Why a database lookup on the hash is not a timing leak: the bearer token is 256 random
    bits; only its SHA-256 is stored (unique index), and authentication looks the row up by the
    hash of what was presented. Whatever timing the index comparison shows concerns the hash,
    which an attacker cannot steer byte by byte towards a valid token's hash without a
    preimage. No plaintext secret is ever compared with `==`: the one place a presented secret
    is compared with an expected one, Twilio's request signature, uses hmac.compare_digest
    (helprequests/inbound_sms.py; our webhook signatures are made, never checked, here)."""
    token, plain = ApiToken.issue("crm")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert plain not in {str(value) for value in stored.values()}
    assert stored["token_hash"] == hashlib.sha256(plain.encode()).hexdigest() == hash_token(plain)
    assert len(plain) >= 40 and stored["prefix"] == plain[:12]  # "sfd_" + 8 chars: not enough to guess

    with CaptureQueriesContext(connection) as queries:
        assert ApiClient(plain).get("/api/v1/ping").status_code == 204
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert hash_token(plain) in sql and plain not in sql

    source = (django_settings.BASE_DIR / "helprequests" / "inbound_sms.py").read_text()
    assert "hmac.compare_digest(" in source


# --- Staff-only console ---------------------------------------------------------------------------


def test_every_console_page_is_staff_only():
    """All of /console/ (the per-page tests check the pages one by one; this catches a new one)."""
    from salon_project.console_urls import urlpatterns

    paths = [
        "/console/" + str(pattern.pattern).replace("<int:help_request_id>", "1").replace("<int:entry_id>", "1")
        for pattern in urlpatterns
    ]
    assert len(paths) >= 10
    guest = Client()
    guest.force_login(User.objects.create_user("guest", password="pw"))
    for client in (Client(), guest):
        for path in paths:
            for response in (client.get(path), client.post(path, {"answer": "Hi"})):
                assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path


# --- Webhooks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://localhost:8000/", "http://10.1.2.3/", "http://169.254.169.254/", "http://[fd00::1]/"],
)
def test_webhook_targets_on_private_or_loopback_addresses_are_refused_unless_allowed(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeUrl, match="private address"):
        check_webhook_url(url)
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    check_webhook_url(url)


def test_private_webhooks_are_refused_by_default_outside_embedded_mode():
    """WEBHOOKS_ALLOW_PRIVATE defaults to on only in embedded mode (no REDIS_URL: one machine)."""
    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; print(s.WEBHOOKS_ALLOW_PRIVATE)",
        **PRODUCTION_ENV,
    )
    assert result.stdout.strip() == "False", result.stderr


# --- LiveKit tokens ---------------------------------------------------------------------------------


def test_transfer_tokens_are_room_only_and_capped_at_15_minutes_whatever_the_setting(settings):
    for name, value in LIVEKIT.items():
        setattr(settings, name, value)
    token = livekit_rooms.room_token("consult-1-ab", identity="staff-1", name="Maya", ttl_seconds=24 * 3600)
    claims = jwt.decode(token, LIVEKIT["LIVEKIT_API_SECRET"], algorithms=["HS256"], options={"verify_aud": False})
    assert claims["exp"] - claims["nbf"] == 900 and abs(claims["nbf"] - time.time()) < 5
    video = claims["video"]
    assert video["roomJoin"] is True and video["room"] == "consult-1-ab"
    assert not any(video.get(power) for power in ("roomCreate", "roomList", "roomAdmin", "roomRecord", "ingressAdmin"))
    assert not {"sip", "inference", "observability"} & set(claims)


# --- Secrets never logged ---------------------------------------------------------------------------


def test_no_secret_is_ever_logged(settings, salon, caplog, django_capture_on_commit_callbacks):
    """A whole day in one test, every logger at DEBUG: an API token in use, a webhook endpoint
    (its secret) delivering signed events, a web call (LiveKit's secret signs its token) and a
    supervisor's reply through Twilio (its auth token checks the signature). None of those
    secrets, nor the minted caller token, may appear in any log record."""
    caplog.set_level(logging.DEBUG)
    twilio_token = "twilio-auth-" + secrets.token_hex(16)
    settings.TWILIO_AUTH_TOKEN = twilio_token
    settings.TWILIO_WEBHOOK_URL = None
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.LIVEKIT_SIP_TRUNK_ID = None
    _, api_token = ApiToken.issue("crm")
    api = ApiClient(api_token)
    leaked_into: list[str] = []

    with (
        WebhookReceiver() as receiver,
        LiveKitTwirpDouble(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]) as double,
    ):
        settings.LIVEKIT_URL = double.url
        settings.LIVEKIT_API_KEY = LIVEKIT["LIVEKIT_API_KEY"]
        settings.LIVEKIT_API_SECRET = LIVEKIT["LIVEKIT_API_SECRET"]
        endpoint = api.post("/api/v1/webhook-endpoints", {"url": receiver.url, "events": []})
        assert endpoint.status_code == 201
        webhook_secret = WebhookEndpoint.objects.get(pk=endpoint.data["id"]).secret

        with django_capture_on_commit_callbacks(execute=True):
            web_call = api.post("/api/v1/calls", {"caller_name": "Ana"})
            assert web_call.status_code == 201
            asked = api.post(
                "/api/v1/help-requests",
                {"question": "Do you do hair tattoos?", "caller_phone": "415-555-0150"},
                headers={"Idempotency-Key": "call-9-turn-2"},
            )
            assert asked.status_code == 201
        owner = Supervisor.objects.get(pk=asked.data["assigned_supervisor"]["id"])
        form = {"MessageSid": "SM" + "1" * 32, "From": owner.phone, "Body": f"#{asked.data['id']} Yes, we do."}
        url = "http://testserver/api/v1/sms/inbound"
        with django_capture_on_commit_callbacks(execute=True):
            reply = Client().post(
                "/api/v1/sms/inbound",
                form,
                headers={"X-Twilio-Signature": twilio_signature(twilio_token, url, form.items())},
            )
        assert reply.status_code == 200
        assert HelpRequest.objects.get(pk=asked.data["id"]).status == HelpRequest.Status.RESOLVED
        assert len(receiver.requests) >= 2  # created and resolved went out, signed with the secret
        # A bad token and a forged signature are logged as refusals: still without the secrets.
        assert ApiClient(api_token[:-1] + "x").get("/api/v1/ping").status_code == 401
        assert Client().post("/api/v1/sms/inbound", form, headers={"X-Twilio-Signature": "forged"}).status_code == 403

    assert caplog.records, "the flow logged nothing: the capture is not working"
    secrets_in_play = {
        "API token": api_token,
        "webhook secret": webhook_secret,
        "LiveKit secret": LIVEKIT["LIVEKIT_API_SECRET"],
        "Twilio auth token": twilio_token,
        "caller token": web_call.data["caller_token"],
    }
    for record in caplog.records:
        text = " ".join(
            str(part) for part in (record.getMessage(), record.args, record.exc_text, record.__dict__) if part
        )
        leaked_into += [
            f"{name} in {record.name}: {record.getMessage()[:120]}"
            for name, value in secrets_in_play.items()
            if value in text
        ]
    assert not leaked_into, leaked_into
