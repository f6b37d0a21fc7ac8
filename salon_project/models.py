"""API tokens for integrators and the voice worker."""

import hashlib
import secrets

from django.db import connection, models
from django.utils import timezone

from salon_project.sql import prepared_cursor


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

    @classmethod
    def find_active(cls, plain: str) -> "ApiToken | None":
        """The unrevoked token `plain` stands for, or None; found by its hash through a unique
        index, so no secret is ever compared byte by byte.

        Runs on every API request, so it is a prepared statement: compiling the ORM query cost
        about 0.8 ms against 0.15 ms for the read itself on our machines (`make bench`)."""
        fields = ["id", "name", "last_used_at"]
        with prepared_cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(fields)} FROM {cls._meta.db_table} WHERE token_hash = %s AND revoked_at IS NULL",
                [hash_token(plain)],
            )
            row = cursor.fetchone()
        return None if row is None else cls.from_db(connection.alias, fields, row)

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
