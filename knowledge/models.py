"""What the receptionist knows: the salon's profile and question/answer entries."""

import secrets

from django.db import models
from django.db.models import F
from django.utils import timezone


class SalonProfile(models.Model):
    """The one salon this deployment serves, as loaded by `seed_salon` (a single row)."""

    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=32, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    profile = models.JSONField(default=dict, help_text="The business profile as loaded, for the voice agent.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "SalonProfile | None":
        return cls.objects.order_by("pk").first()

    @classmethod
    def display_name(cls) -> str:
        profile = cls.current()
        return profile.name if profile else "the salon"


class KnowledgeEntry(models.Model):
    """One question and its answer. Only an `active` entry whose review status is `live` is used
    by the lookup; see `knowledge.services` for who sets what."""

    class Source(models.TextChoices):
        SEED = "seed", "Seed (business profile)"
        LEARNED = "learned", "Learned from a supervisor"
        MANUAL = "manual", "Added by hand"

    class ReviewStatus(models.TextChoices):
        LIVE = "live", "Live"
        # It contradicts a seed fact: held back until a supervisor approves or rejects it.
        NEEDS_REVIEW = "needs_review", "Needs review"
        REJECTED = "rejected", "Rejected"

    question = models.TextField()
    answer = models.TextField()
    category = models.CharField(max_length=40, blank=True, default="general")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    # Stable identity of a seed fact ("hours.monday"), so re-seeding updates instead of duplicating.
    seed_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    # The help request this answer was learned from. A lazy reference: knowledge's code never
    # imports helprequests; only the table is linked, for provenance in admin and the API.
    help_request = models.ForeignKey(
        "helprequests.HelpRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Provenance: who gave the answer (a name, as the supervisor was called when they answered;
    # knowledge cannot link the Supervisor model). When: `created_at` (see `learned_at`).
    answered_by_name = models.CharField(max_length=200, blank=True)
    review_status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.LIVE, db_index=True
    )
    review_note = models.TextField(blank=True, help_text="Why it was held for review: the seed facts it contradicts.")
    # The seed entries it contradicts; once approved, it is preferred over them (services.lookup).
    conflicts_with = models.JSONField(default=list, blank=True)
    reviewed_by = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    times_used = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "knowledge entries"
        ordering = ["category", "id"]
        indexes = [models.Index(fields=["active", "source"])]

    def __str__(self) -> str:
        return self.question

    @property
    def learned_at(self):
        """When the answer was learned: the entry is created in the resolving transaction."""
        return self.created_at if self.source == self.Source.LEARNED else None

    @property
    def matchable(self) -> bool:
        return self.active and self.review_status == self.ReviewStatus.LIVE

    @classmethod
    def record_use(cls, pk: int) -> bool:
        """Count a lookup answered by entry `pk` (an atomic increment, safe under load); False,
        and nothing counted, when the entry is gone or no longer active and live."""
        return bool(
            cls.objects.filter(pk=pk, active=True, review_status=cls.ReviewStatus.LIVE).update(
                times_used=F("times_used") + 1, last_used_at=timezone.now()
            )
        )


def _random_stamp() -> int:
    return secrets.randbits(62)


class KnowledgeVersion(models.Model):
    """One row whose `stamp` database triggers set to a new random number whenever an entry's
    matchable content (or the salon profile) changes, so every process can tell in one
    primary-key read whether its cached matcher index is stale (see `knowledge.services`).
    Triggers, not Python, because `update()`, `bulk_create()`, the admin and raw SQL all change
    entries. Random, not a counter: a rolled-back change puts the old stamp back, and a counter
    would then hand out the rolled-back number again for a different table."""

    stamp = models.BigIntegerField(default=_random_stamp)

    def __str__(self) -> str:
        return f"knowledge version {self.stamp}"

    @classmethod
    def current(cls) -> int:
        """The stamp now; the row is recreated (with a new stamp) if something emptied the table."""
        stamp = cls.objects.filter(pk=1).values_list("stamp", flat=True).first()
        return stamp if stamp is not None else cls.objects.get_or_create(pk=1)[0].stamp


class LookupRecord(models.Model):
    """One question a caller asked the knowledge base, answered or not: the AI-answered side of
    the console's analytics (hit rate, answered vs escalated). Written once per lookup."""

    question = models.TextField()
    matched = models.BooleanField()
    entry = models.ForeignKey(KnowledgeEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{'answered' if self.matched else 'not answered'}: {self.question[:60]}"
