"""Everything the system sends out, stored before it is sent: texts, webhook endpoints and their
deliveries with every attempt, and the numbers that opted out of texts.

`Message.Kind` and `EVENT_TYPES` are the catalogue of what leaves the house (the API contract
lists both): an app that sends something new adds its kind or event type here.
"""

import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone


class LeasedDelivery(models.Model):
    """Shared bookkeeping of something delivered by a worker: attempts and a delivery lease.

    A worker claims a row by moving `claimed_until` forward with a conditional update; a second
    worker (a retry, the relay) finds it claimed and does nothing, so nothing is sent twice
    while the first is on it. If that worker dies, the lease runs out and the relay tries again.
    """

    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    LEASE = timedelta(seconds=60)

    @classmethod
    def claimable(cls) -> Q:
        return Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now())

    def claim(self, waiting_status: str) -> bool:
        """Take the row for one delivery attempt; False if it is done or someone else has it."""
        now = timezone.now()
        changed = (
            type(self)
            .objects.filter(self.claimable(), pk=self.pk, status=waiting_status)
            .update(claimed_until=now + self.LEASE, attempts=models.F("attempts") + 1)
        )
        if changed:
            self.refresh_from_db()
        return bool(changed)


class Message(LeasedDelivery):
    """A text message to a supervisor or a caller, stored before it is sent."""

    class Kind(models.TextChoices):
        SUPERVISOR_ALERT = "supervisor_alert"
        # The escalation ladder: the assigned supervisor reminded; someone else told.
        SUPERVISOR_REMINDER = "supervisor_reminder"
        SUPERVISOR_ESCALATION = "supervisor_escalation"
        CALLER_FOLLOWUP = "caller_followup"
        CALLER_TIMEOUT = "caller_timeout"
        # A caller who asked while the salon was closed: when to expect the answer.
        CALLER_RECEIVED = "caller_received"
        # A person is asked to take a live call (calls/transfers.py).
        TRANSFER_ALERT = "transfer_alert"
        # A supervisor texting a caller from the caller's conversation page in the console.
        CALLER_REPLY = "caller_reply"

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"
        # Never handed to the SMS backend: the number had opted out (STOP), or what it was
        # about no longer waits for it (see `delivery.text_due`).
        SKIPPED = "skipped"

    to = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    # The help request the text is about, by id: this app knows no help requests. Deleting a
    # request sets it to null (helprequests does, as the foreign key it once was did).
    help_request_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    provider_id = models.CharField(max_length=64, blank=True, help_text="The SMS provider's id, e.g. Twilio's SID.")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_in_call_at = models.DateTimeField(
        null=True, blank=True, help_text="When the voice agent told the caller this answer during the call."
    )
    sent_by = models.CharField(
        max_length=150, blank=True, help_text="Who wrote it, when a person did (a reply from the console)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"

    def mark_skipped(self, reason: str) -> None:
        """Close a claimed text without sending it: it will never be tried again."""
        Message.objects.filter(pk=self.pk).update(status=self.Status.SKIPPED, last_error=reason, claimed_until=None)
        self.status, self.last_error, self.claimed_until = self.Status.SKIPPED, reason, None


EVENT_TYPES = [
    "help_request.created",
    "help_request.resolved",
    "help_request.unresolved",
    "call.started",
    "call.ended",
    "transfer.started",
    "transfer.completed",
    "transfer.failed",
]


def _new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    EVENT_TYPES = EVENT_TYPES

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, default=_new_webhook_secret, editable=False)
    events = models.JSONField(default=list, blank=True, help_text="Event types to send; empty means all.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.active and (not self.events or event_type in self.events)


class WebhookDelivery(LeasedDelivery):
    """One event for one endpoint; retried with exponential backoff until delivered or failed."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=64, db_index=True)
    type = models.CharField(max_length=64)
    payload = models.JSONField(help_text="The exact event body that is signed and sent.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.type} → {self.endpoint.url} ({self.status})"


class WebhookAttempt(models.Model):
    """Every HTTP attempt of a webhook delivery, for operators debugging a receiver."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error[:40]}"


class OptOut(models.Model):
    """A number that texted STOP (or another opt-out word): nothing is texted to it until it
    texts START. One row per number while the opt-out lasts; the texts that made and lifted it
    stay with the texts received. `outbound.delivery` consults it before every send."""

    phone = models.CharField(max_length=64, unique=True, help_text="As texts are addressed: E.164.")
    keyword = models.CharField(max_length=16, help_text="The word they texted, e.g. STOP.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "opt-out"

    def __str__(self) -> str:
        return f"{self.phone} (texted {self.keyword})"

    @classmethod
    def covers(cls, phone: str) -> bool:
        return cls.objects.filter(phone=phone).exists()
