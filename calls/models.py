"""Phone and web calls handled by the voice receptionist: the call, what was said, and which
supervisor answers reached the caller while still on the line.

The voice worker records all of this through the API (it never touches the ORM). Ending a call
is a compare-and-swap (`UPDATE ... WHERE status = 'active'`) whose row count is checked, so a
retried or racing "end" cannot end a call twice or overwrite the first reason.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Call(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    class Channel(models.TextChoices):
        PHONE = "phone"
        WEB = "web"

    room = models.CharField(max_length=128, blank=True, db_index=True, help_text="The LiveKit room.")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PHONE)
    caller_phone = models.CharField(max_length=20, blank=True, help_text="E.164; empty when unknown.")
    caller_name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=64, blank=True)
    # The voice worker retries a create it did not hear back from; the key makes that harmless.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One live conversation per LiveKit room: a second "start" for a room that is still
            # active is a bug or a lost "end", and must not split one call's transcript in two.
            models.UniqueConstraint(
                fields=["room"],
                condition=Q(status="active") & ~Q(room=""),
                name="calls_one_active_call_per_room",
            ),
        ]

    def __str__(self) -> str:
        return f"Call {self.pk} {self.caller_phone or self.room}"

    def mark_ended(self, reason: str) -> bool:
        """Active → ended, only if nobody ended it first; True if this call did."""
        now = timezone.now()
        changed = Call.objects.filter(pk=self.pk, status=self.Status.ACTIVE).update(
            status=self.Status.ENDED, ended_at=now, end_reason=reason
        )
        if changed:
            self.status, self.ended_at, self.end_reason = self.Status.ENDED, now, reason
        return bool(changed)


class TranscriptTurn(models.Model):
    """One utterance, recorded by the worker as the conversation happens."""

    class Role(models.TextChoices):
        CALLER = "caller"
        AGENT = "agent"

    MAX_TEXT_LENGTH = 10_000

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transcript")
    role = models.CharField(max_length=8, choices=Role.choices)
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    # The worker resends a turn whose response it lost; the key keeps that from saying it twice.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:60]}"


class CallAnswerDelivery(models.Model):
    """A supervisor's answer that the agent told the caller during the call (hold-on-call).

    The caller's follow-up text is still stored and sent as usual (it is the written record);
    this row says the caller already heard the answer, when, and on which call. One per help
    request: a retried report finds the first row.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="answer_deliveries")
    help_request = models.OneToOneField(
        "helprequests.HelpRequest", on_delete=models.CASCADE, related_name="call_answer_delivery"
    )
    followup_message = models.ForeignKey(
        "helprequests.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The caller_followup text of the same answer.",
    )
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivered_at", "id"]
        verbose_name_plural = "call answer deliveries"

    def __str__(self) -> str:
        return f"answer to #{self.help_request_id} told on call {self.call_id}"
