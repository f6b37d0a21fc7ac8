"""Delivering what the outbox stored: one attempt at a text or a webhook, idempotent.

Each attempt first claims its row (see `LeasedDelivery.claim`); a row already sent, or being
sent by another worker, is left alone. Returns the number of seconds after which to try again,
or None.

Opt-outs are decided here, at the one door every text leaves through, and nowhere else: a text
to a number that texted STOP is closed as `skipped` instead of being handed to the backend,
whoever it was for (a caller, a supervisor, a transfer alert) and whenever it was queued (one
written before the STOP but not yet sent is not sent either). Whether a text is still wanted
at all is for the app that queued it to say, through `text_due`.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from outbound.models import Message, OptOut, WebhookAttempt, WebhookDelivery
from outbound.sms import OutgoingText, SmsError, get_backend

logger = logging.getLogger("salon.delivery")

MAX_BACKOFF_SECONDS = 3600

text_due = Signal()
"""Sent (sender: `Message`, with `message=`) when a claimed text is about to be handed to the
SMS backend. A receiver that answers a sentence closes the text as `skipped` with it, unsent:
the app a text is about knows when it stopped mattering (a reminder about a help request that
was answered meanwhile), and this app knows no other app."""


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base … capped at an hour."""
    return min(settings.RETRY_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0), MAX_BACKOFF_SECONDS)


def deliver_message(message_id: int) -> int | None:
    message = Message.objects.filter(pk=message_id).first()
    if message is None or not message.claim(Message.Status.QUEUED):
        return None
    if OptOut.covers(message.to):
        logger.info("Not sending message %s: %s has opted out of texts.", message.pk, message.to)
        message.mark_skipped(f"Not sent: {message.to} opted out of texts (STOP); START lifts it.")
        return None
    if reason := _unwanted(message):
        message.mark_skipped(reason)
        return None
    text = OutgoingText(to=message.to, body=message.body, reference=f"msg-{message.pk}")
    try:
        provider_id = get_backend().send(text)
    except SmsError as exc:
        return _text_failed(message, str(exc))
    except Exception as exc:  # a backend bug must not leave the text claimed and unrecorded forever
        logger.exception("SMS backend failed unexpectedly for message %s", message.pk)
        return _text_failed(message, f"{type(exc).__name__}: {exc}")
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, sent_at=timezone.now(), provider_id=provider_id[:64], claimed_until=None
    )
    return None


def _unwanted(message: Message) -> str | None:
    """The first reason a `text_due` receiver gives not to send the text, if any."""
    return next((reason for _, reason in text_due.send(sender=Message, message=message) if reason), None)


def _text_failed(message: Message, error: str) -> int | None:
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        logger.error("Giving up on message %s after %s attempts: %s", message.pk, message.attempts, error)
        Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, last_error=error, claimed_until=None)
        return None
    retry_in = backoff_seconds(message.attempts)
    # Keep the lease until the retry is due, so the relay does not send it sooner.
    Message.objects.filter(pk=message.pk).update(
        last_error=error, claimed_until=timezone.now() + timedelta(seconds=retry_in)
    )
    return retry_in


# --- Webhooks -------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Salon-Signature` header: HMAC-SHA256 of "<t>.<raw body>" keyed with the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class UnsafeUrl(ValueError):
    pass


def check_webhook_url(url: str) -> None:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to private addresses.

    Checked when an endpoint is created and again before every delivery, because a hostname
    can be re-pointed at an internal address after it was accepted.
    """
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number in 0-65535 raises here
        httpx.URL(url)  # the HTTP client must be able to use it too
    except (ValueError, httpx.InvalidURL) as exc:
        raise UnsafeUrl(f"That is not a valid URL: {exc}.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("Webhook URLs must be http:// or https:// with a host name.")
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port or 443)}
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host {parts.hostname!r} cannot be resolved.") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise UnsafeUrl(f"The host {parts.hostname!r} resolves to a private address ({ip}), which is refused.")


def deliver_webhook(delivery_id: int) -> int | None:
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or not delivery.claim(WebhookDelivery.Status.PENDING):
        return None
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    status_code, error = None, ""
    started = time.monotonic()
    try:
        check_webhook_url(delivery.endpoint.url)
        response = httpx.post(
            delivery.endpoint.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "SalonFrontDesk-Webhooks/1",
                "Salon-Signature": sign(delivery.endpoint.secret, int(time.time()), body),
            },
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}: {response.text[:200]}"
    except Exception as exc:  # whatever went wrong, the attempt is recorded and retried or failed
        error = f"{type(exc).__name__}: {exc}"
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        status_code=status_code,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    return _record_webhook_outcome(delivery, status_code, error)


def _record_webhook_outcome(delivery: WebhookDelivery, status_code: int | None, error: str) -> int | None:
    now = timezone.now()
    fields = {"last_status_code": status_code, "last_error": error}
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED, delivered_at=now, claimed_until=None, **fields
        )
        return None
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, claimed_until=None, **fields
        )
        return None
    retry_in = backoff_seconds(delivery.attempts)
    next_at = now + timedelta(seconds=retry_in)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=next_at, claimed_until=next_at, **fields)
    return retry_in
