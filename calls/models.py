"""Phone and web calls handled by the voice receptionist."""

from django.db import models
from django.utils import timezone


class Call(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    room = models.CharField(max_length=128, blank=True, db_index=True)
    caller_phone = models.CharField(max_length=20, blank=True)
    caller_name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Call {self.pk} {self.caller_phone or self.room}"
