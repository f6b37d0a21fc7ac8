"""API tokens for integrators and the voice worker."""

import hashlib
import secrets
from datetime import timedelta

from django.db import connection, models
from django.utils import timezone

from core.sql import prepared_cursor


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token, stored only as a SHA-256 hash; the prefix stays visible to tell tokens apart."""

    PREFIX_LENGTH = 12  # "sfd_" and eight characters of the secret

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, name: str) -> tuple["ApiToken", str]:
        """Create a token; the plain value is returned once and never stored."""
        plain = "sfd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, prefix=plain[: cls.PREFIX_LENGTH], token_hash=hash_token(plain))
        return token, plain

    # Writing last_used_at on every request would put a write on the hot path; once a minute is enough.
    LAST_USED_RESOLUTION = timedelta(seconds=60)

    @classmethod
    def authenticate(cls, plain: str) -> "ApiToken | None":
        """The unrevoked token `plain` stands for, or None; its use is recorded in `last_used_at`,
        at most once a minute. Found by its hash through a unique index, so no secret is ever
        compared byte by byte.

        Runs on every API request, so it is one prepared statement (`core.sql`) that
        also says whether the use is due to be recorded: compiling the ORM query cost about five
        times the read itself (README, "Speed": what the plain SQL saves). The returned
        token has its id and name loaded."""
        now = timezone.now()
        record_before = connection.ops.adapt_datetimefield_value(now - cls.LAST_USED_RESOLUTION)
        with prepared_cursor() as cursor:
            cursor.execute(
                f"SELECT id, name, last_used_at IS NULL OR last_used_at < %s FROM {cls._meta.db_table} "
                "WHERE token_hash = %s AND revoked_at IS NULL",
                [record_before, hash_token(plain)],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        token = cls.from_db(connection.alias, ["id", "name"], row[:2])
        if row[2]:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class StatusEvent(models.Model):
    """An audit trail row: one state change of something with a status (a help request, a
    transfer), who caused it and when. Each app's subclass adds the foreign key."""

    from_status = models.CharField(max_length=12, blank=True, help_text="Empty for creation.")
    to_status = models.CharField(max_length=12)
    actor = models.CharField(max_length=160, help_text='Who caused it, e.g. "user:maya" or "system:timeout".')
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} by {self.actor}"
