"""What the receptionist knows: the salon's profile and question/answer entries."""

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from core.sql import prepared_cursor
from knowledge.vocabulary import Term, invalid_meaning


class SalonProfile(models.Model):
    """The one salon this deployment serves, as loaded by `seed_salon` (a single row)."""

    # Every row has this key and it is unique (and can only be true), so the database itself keeps
    # the salon to one row: of two first-run setups at the same moment, the second is refused.
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=32, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    profile = models.JSONField(default=dict, help_text="The business profile as loaded, for the voice agent.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "salon profile"  # one salon: the admin lists no "profiles"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="knowledge_one_salon")]

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
    # A seed entry's wording as the profile last gave it (or the owner accepted it): question and
    # answer differing from it mean a person edited the entry by hand (`knowledge.profile`).
    seeded_question = models.TextField(blank=True)
    seeded_answer = models.TextField(blank=True)
    # Whether the profile still states this fact: an entry switched off because its fact left the
    # profile comes back on when the fact returns; one a person switched off stays off.
    in_profile = models.BooleanField(default=True)
    # The profile's new wording of a fact a person had edited by hand, waiting for the owner to
    # choose between the two ({"question": ..., "answer": ...}); null when there is no conflict.
    profile_proposal = models.JSONField(null=True, blank=True)
    # The help request this answer was learned from, for provenance in admin and the API. A plain
    # id, not a foreign key: helprequests sits above knowledge, so it clears the id when the
    # request is deleted (helprequests/knowledge_receivers.py), as SET_NULL did.
    help_request_id = models.BigIntegerField(null=True, blank=True)
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

    @property
    def edited_by_hand(self) -> bool:
        """A seed entry whose words a person changed from what the profile gave."""
        return self.source == self.Source.SEED and (self.question, self.answer) != (
            self.seeded_question,
            self.seeded_answer,
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
        """The stamp now; the row is recreated (with a new stamp) if something emptied the table.

        Read for every help request created and whenever a cached index is refreshed (lookups
        check the stamp inside `LookupRecord.record`), so it is plain SQL: compiling the ORM
        query cost about ten times the read itself (README, "Speed": what the plain SQL saves)."""
        with prepared_cursor() as cursor:
            cursor.execute(f"SELECT stamp FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row is not None else cls.objects.get_or_create(pk=1)[0].stamp


class VocabularyTerm(models.Model):
    """A word or phrase callers use, and what it means to the matcher (`knowledge.vocabulary`).

    Seeded from knowledge/fixtures/vocabulary.yaml by `seed_salon`; the salon adds and edits
    terms in admin. Triggers move `KnowledgeVersion` on any change (migration 0005), so every
    process rebuilds its index with the new vocabulary at its next lookup."""

    class Source(models.TextChoices):
        SEED = "seed", "Seed (the bundled defaults)"
        MANUAL = "manual", "Added or edited by the salon"

    phrase = models.CharField(
        max_length=100, unique=True, help_text="A word or phrase as a caller says it, e.g. “down payment”."
    )
    means = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "What it means, as concepts separated by spaces: a topic word (deposit, color), what is asked "
            "(?price ?phone ?person ?when ?location ?duration ?count), whom a service is for "
            "(audience:men|women|children) or a relation who may be that (family:men|women|children). "
            "Empty: a filler that means nothing."
        ),
    )
    asking_who = models.BooleanField(default=False, help_text="The meaning holds only in a question asking who.")
    active = models.BooleanField(default=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.means or '(filler)'}"

    def clean(self) -> None:
        self.phrase = " ".join(self.phrase.lower().split())
        self.means = " ".join(self.means.split())
        problem = invalid_meaning(self.means)
        if problem:
            raise ValidationError({"means": problem})

    def as_term(self) -> Term:
        return Term(self.phrase, self.means, self.asking_who)


class LookupRecord(models.Model):
    """One question a caller asked the knowledge base, answered or not: the AI-answered side of
    the console's analytics (hit rate, answered vs escalated). Written once per lookup."""

    question = models.TextField()
    matched = models.BooleanField()
    entry = models.ForeignKey(KnowledgeEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField()
    # Who decided the outcome: the matcher alone, or a model choosing among the matcher's
    # candidates when it was not sure (knowledge.grounding); the answer is an entry's either way.
    decided_by = models.CharField(
        max_length=8, choices=[("matcher", "Matcher"), ("model", "Model")], db_default="matcher"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{'answered' if self.matched else 'not answered'}: {self.question[:60]}"

    @classmethod
    def record(
        cls,
        question: str,
        entry_id: int | None,
        score: float,
        *,
        index_stamp: int | None,
        decided_by: str = "matcher",
        also: Sequence[int] = (),
    ) -> bool | None:
        """Keep one lookup and, when entry `entry_id` answered it, count the use (of each entry
        `also` too: the rest of an answer given in parts, `knowledge.services.Decision`).

        `index_stamp` is the `KnowledgeVersion` stamp the answering index was built at. If the
        knowledge has changed since, nothing is written and the result is None: the caller
        rebuilds its index and asks again. So the version check costs no round trip of its own
        (None: no check). Otherwise the result is whether the answer may be given. It is False,
        with the lookup kept as unanswered, when the entry (or one of `also`) is gone or no longer
        active and live.

        This runs on every lookup, so it is plain SQL. On PostgreSQL it is one atomic statement,
        prepared (`core.sql`): one round trip instead of six separate ones (version,
        BEGIN, UPDATE, INSERT, COMMIT). Elsewhere it is one transaction."""
        entries, records = KnowledgeEntry._meta.db_table, cls._meta.db_table
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        ids = [] if entry_id is None else [entry_id, *also]
        live = f"id IN ({', '.join(['%s'] * len(ids)) or 'NULL'}) AND active AND review_status = %s"
        live_params = [*ids, KnowledgeEntry.ReviewStatus.LIVE.value]
        use = f"UPDATE {entries} SET times_used = times_used + 1, last_used_at = %s WHERE {live}"
        use_params = [now, *live_params]
        if len(ids) > 1:  # an answer in parts is given whole or not at all
            use += f" AND (SELECT count(*) FROM {entries} WHERE {live}) = {len(ids)}"
            use_params += live_params
        columns = "(question, matched, entry_id, score, decided_by, created_at)"
        with prepared_cursor() as cursor:
            if connection.vendor == "postgresql":
                # `fresh` gates both writes; HAVING (not WHERE) because an aggregate over no rows
                # still makes one row. A missing version row makes `fresh` NULL: not fresh.
                cursor.execute(
                    f"WITH version AS (SELECT %s::bigint IS NULL OR (SELECT stamp = %s "
                    f"FROM {KnowledgeVersion._meta.db_table} WHERE id = 1) AS fresh), "
                    f"used AS ({use} AND (SELECT fresh FROM version) RETURNING id), "
                    f"kept AS (INSERT INTO {records} {columns} SELECT %s, count(*) > 0, "
                    "CASE WHEN count(*) > 0 THEN %s::bigint END, %s, %s, %s "
                    "FROM used HAVING (SELECT fresh FROM version) RETURNING matched) "
                    "SELECT (SELECT fresh FROM version), (SELECT matched FROM kept)",
                    [index_stamp, index_stamp, *use_params, question, entry_id, score, decided_by, now],
                )
                fresh, matched = cursor.fetchone()
                return matched if fresh else None
            with transaction.atomic():
                if index_stamp is not None and KnowledgeVersion.current() != index_stamp:
                    return None
                cursor.execute(use, use_params)
                used = bool(ids) and cursor.rowcount == len(ids)
                cursor.execute(
                    f"INSERT INTO {records} {columns} VALUES (%s, %s, %s, %s, %s, %s)",
                    [question, used, entry_id if used else None, score, decided_by, now],
                )
            return used
