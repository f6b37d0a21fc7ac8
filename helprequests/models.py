"""Help requests, the supervisors who answer them, and the texts the salon's number receives
(what the system sends out is `outbound`).

State changes are compare-and-swap updates (`UPDATE ... WHERE status = <expected>`) whose row
count is checked, so racing supervisors, retries and the timeout sweep cannot both win.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from core.errors import Invalid
from core.models import StatusEvent
from core.sql import insert_arrays
from helprequests.deadlines import deadline
from knowledge.opening_hours import Calendar


def validate_topics(topics: list[str]) -> None:
    """Expertise names only topics questions are routed by (`helprequests.triage.KNOWN_TOPICS`).
    It is the field's validator so that every way a supervisor is saved runs the one rule: the
    admin form and the API, and the salon profile (through the section helprequests registers
    with knowledge.profile, helprequests/salon_profile.py)."""
    from helprequests.triage import unknown_topics  # triage imports this module

    if problem := unknown_topics(topics):
        raise ValidationError(problem, code="unknown_topic")


class Supervisor(models.Model):
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +14155550101")
    email = models.EmailField(blank=True)
    expertise = models.JSONField(
        default=list, blank=True, validators=[validate_topics], help_text='Tags, e.g. ["color", "products"]'
    )
    available = models.BooleanField(default=True)
    is_owner = models.BooleanField(default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisor"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_owner", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @classmethod
    def acting(cls, supervisor_id: int | None, user) -> "Supervisor | None":
        """Who an API call acts as: the supervisor it names, else the logged-in user's own
        supervisor profile (if any). Invalid when a named supervisor does not exist."""
        if supervisor_id is not None:
            supervisor = cls.objects.filter(pk=supervisor_id).first()
            if supervisor is None:
                raise Invalid(f"There is no supervisor with id {supervisor_id}.")
            return supervisor
        if user is not None and user.is_authenticated:
            return cls.objects.filter(user=user).first()
        return None

    @classmethod
    def with_open_requests(cls) -> models.QuerySet["Supervisor"]:
        return cls.objects.annotate(
            open_requests=Count("assigned_requests", filter=Q(assigned_requests__status=HelpRequest.Status.PENDING))
        )


class HelpRequestQuerySet(models.QuerySet):
    def most_urgent_first(self) -> "HelpRequestQuerySet":
        """Pending before everything else, then urgent → low, then oldest first."""
        rank = Case(
            *(When(priority=p, then=Value(i)) for i, p in enumerate(HelpRequest.PRIORITY_ORDER)),
            default=Value(len(HelpRequest.PRIORITY_ORDER)),
            output_field=IntegerField(),
        )
        pending_first = Case(When(status=HelpRequest.Status.PENDING, then=Value(0)), default=Value(1))
        return self.annotate(_pending=pending_first, _rank=rank).order_by("_pending", "_rank", "created_at", "id")

    def due_to_expire(self) -> "HelpRequestQuerySet":
        return self.filter(status=HelpRequest.Status.PENDING, expires_at__lte=timezone.now())

    def expire_due(self, limit: int) -> list["HelpRequest"]:
        """Up to `limit` of the requests due to expire, made unresolved in one statement, oldest
        deadline first; returned with what their timeout texts need (id, caller, question, group).

        The rows are locked as they are chosen: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so a
        resolve holding one makes the sweep pass it by (and that resolve wins), and two sweeps
        never take the same row; SQLite serialises writers. One statement, not a select, an
        update and a reload: the sweep of 10k requests spent most of its time passing id lists
        back and forth (`make bench`)."""
        table = HelpRequest._meta.db_table
        skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
        statement = (
            f"UPDATE {table} SET status = %s WHERE id IN (SELECT id FROM {table} WHERE status = %s "
            f"AND expires_at <= %s ORDER BY expires_at, id LIMIT %s{skip_locked}) "
            "RETURNING id, status, caller_phone, caller_name, question, duplicate_of_id"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        params = [HelpRequest.Status.UNRESOLVED.value, HelpRequest.Status.PENDING.value, now, limit]
        return sorted(self.raw(statement, params), key=lambda help_request: help_request.pk)

    def step_ladder(self, limit: int) -> list["HelpRequest"]:
        """Up to `limit` of the pending primaries whose next ladder step is due, moved one step on
        in one statement (the step after it, if any, becomes the next), oldest due first; returned
        with what the step's texts need, `ladder_step` being the step just taken.

        The same compare-and-swap as `expire_due`: rows locked as they are chosen (`FOR UPDATE
        SKIP LOCKED`), and the step and the status checked again as they are written, so two
        ladder runs never take the same step twice and a resolve holding the row wins."""
        table = HelpRequest._meta.db_table
        skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
        pending = HelpRequest.Status.PENDING.value
        statement = (
            f"UPDATE {table} SET ladder_step = ladder_step + 1, ladder_next_at = ladder_last_at, "
            f"ladder_last_at = NULL WHERE status = %s AND id IN (SELECT id FROM {table} WHERE status = %s "
            f"AND duplicate_of_id IS NULL AND ladder_next_at <= %s ORDER BY ladder_next_at, id LIMIT %s{skip_locked}) "
            "RETURNING id, status, priority, tags, question, caller_phone, caller_name, assigned_supervisor_id, "
            "ladder_step"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        return sorted(self.raw(statement, [pending, pending, now, limit]), key=lambda help_request: help_request.pk)

    def with_duplicate_count(self) -> "HelpRequestQuerySet":
        """Annotate how many requests are attached to each one, for lists (one query, not one per row)."""
        return self.annotate(duplicate_count=Count("duplicates", distinct=True))

    def primaries_to_join(self, caller_phone: str, priority: str, topic: str) -> "HelpRequestQuerySet":
        """Pending requests that a new one from this caller, with this priority and topic, may be
        attached to (those whose topic is not known yet included).

        Urgent requests are never grouped: each emergency alerts the owner. Across callers only
        general (low) questions share an answer; a complaint or a booking is about the caller's
        own visit, so only the same caller asking again joins it. Oldest first.
        """
        if priority == HelpRequest.Priority.URGENT:
            return self.none()
        askers = Q(caller_phone=caller_phone)
        if priority == HelpRequest.Priority.LOW:
            askers |= Q(priority=HelpRequest.Priority.LOW)
        return (
            self.filter(askers, topic__in=[topic, ""], status=HelpRequest.Status.PENDING)
            .filter(duplicate_of__isnull=True)
            .exclude(priority=HelpRequest.Priority.URGENT)
            .order_by("created_at", "pk")
        )


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        RESOLVED = "resolved"
        UNRESOLVED = "unresolved"

    class Priority(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"
        URGENT = "urgent"

    PRIORITY_ORDER = [Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW]
    # A late answer is still accepted after a timeout; nothing leaves `resolved`.
    ANSWERABLE = [Status.PENDING, Status.UNRESOLVED]

    question = models.TextField()
    caller_phone = models.CharField(max_length=20)
    caller_name = models.CharField(max_length=120, blank=True)
    # The call it was asked during. A plain id, not a foreign key: calls sits above this app (it
    # imports helprequests), so calls checks the id on create (`callers.register_call_check`) and
    # clears it when its call is deleted (calls/receivers.py), as SET_NULL did.
    call_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.LOW)
    tags = models.JSONField(default=list, blank=True)
    assigned_supervisor = models.ForeignKey(
        Supervisor, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )
    answer = models.TextField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Supervisor, null=True, blank=True, on_delete=models.SET_NULL, related_name="answered_requests"
    )
    knowledge_entry = models.ForeignKey(
        "knowledge.KnowledgeEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text="The request this one asks the same as: only that one alerted a supervisor; one answer serves both.",
    )
    # `topic_of(question)`: requests that could be the same question share it, so a new request
    # looks for one to join among its topic only. Blank on rows from before it existed.
    topic = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The escalation ladder (helprequests/escalation.py): the last step taken (deadlines.REMIND,
    # deadlines.ESCALATE), when the next one is due and the one after it; both fixed at creation
    # in working time (helprequests/deadlines.py). Null: no step left.
    ladder_step = models.PositiveSmallIntegerField(default=0, editable=False)
    ladder_next_at = models.DateTimeField(null=True, blank=True, editable=False)
    ladder_last_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The ladder looks only at pending primaries; answered requests leave the index.
            models.Index(
                fields=["ladder_next_at"],
                condition=Q(status="pending", duplicate_of__isnull=True),
                name="helprequest_ladder_due",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.question[:60]}"

    @staticmethod
    def default_expiry() -> "timezone.datetime":
        """The deadline of a question asked now, in the salon's working time."""
        return deadline(timezone.now(), Calendar.current())

    def _swap_status(self, expected: str, new: str, **fields) -> bool:
        """Move from `expected` to `new` only if nobody else moved it first; True if we did."""
        changed = HelpRequest.objects.filter(pk=self.pk, status=expected).update(status=new, **fields)
        if changed:
            self.status = new
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(changed)

    def mark_resolved(self, answer: str, answered_by: Supervisor | None, expected: str) -> bool:
        return self._swap_status(
            expected, self.Status.RESOLVED, answer=answer, answered_by=answered_by, resolved_at=timezone.now()
        )

    def resolve(self, answer: str, answered_by: Supervisor | None) -> str | None:
        """Record the answer if the request is still answerable: the status it had, or None if it
        was already resolved. A timeout may swap pending → unresolved under us; a late answer is
        accepted, so then we try once more."""
        for _ in range(2):
            previous = self.status
            if previous not in self.ANSWERABLE:
                return None
            if self.mark_resolved(answer, answered_by, expected=previous):
                return previous
            self.refresh_from_db()
        return None

    def mark_unresolved(self) -> bool:
        """The timeout: only a pending request whose deadline has passed can time out."""
        changed = HelpRequest.objects.filter(
            pk=self.pk, status=self.Status.PENDING, expires_at__lte=timezone.now()
        ).update(status=self.Status.UNRESOLVED)
        if changed:
            self.status = self.Status.UNRESOLVED
        return bool(changed)

    @property
    def primary_pk(self) -> int:
        """The id of the group's primary: this request's own, unless it is attached to another."""
        return self.duplicate_of_id or self.pk

    def group(self) -> HelpRequestQuerySet:
        """The primary and every request attached to it (this one included), primary first."""
        return HelpRequest.objects.filter(Q(pk=self.primary_pk) | Q(duplicate_of_id=self.primary_pk)).order_by("pk")

    def lock_group(self) -> list["HelpRequest"]:
        """The group, read after locking the primary's row (PostgreSQL; a no-op on SQLite).

        The primary's row is the group's lock: creating an attached request locks it too, so
        while we hold it nobody joins unseen. It is taken in its own statement first, because a
        locking read of the whole group would not see a row attached while it waited.
        """
        HelpRequest.objects.select_for_update().filter(pk=self.primary_pk).first()
        return list(self.group().select_related("answered_by"))

    def record_event(self, from_status: str, to_status: str, actor: str, note: str = "") -> "HelpRequestEvent":
        return HelpRequestEvent.objects.create(
            help_request=self, from_status=from_status, to_status=to_status, actor=actor, note=note
        )


class HelpRequestEvent(StatusEvent):
    """The audit trail: one row per state change of a help request."""

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")

    @classmethod
    def insert_many(cls, events: list["HelpRequestEvent"]) -> None:
        """Many audit rows with notes of their own in one statement (the escalation ladder)."""
        if connection.vendor != "postgresql":
            cls.objects.bulk_create(events)
            return
        columns = {"help_request_id": "bigint", "from_status": "varchar", "to_status": "varchar"}
        columns |= {"actor": "varchar", "note": "varchar", "at": "timestamptz"}
        rows = [(e.help_request_id, e.from_status, e.to_status, e.actor, e.note, e.at) for e in events]
        insert_arrays(cls._meta.db_table, columns, {}, rows)

    @classmethod
    def record_many(cls, help_request_ids: list[int], from_status: str, to_status: str, actor: str) -> None:
        """One state change recorded for many requests by one INSERT ... SELECT (the timeout
        sweep: building 10k event objects for `bulk_create` took a third of a second)."""
        placeholders = ", ".join(["%s"] * len(help_request_ids))
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (help_request_id, from_status, to_status, actor, note, at) "
                f"SELECT id, %s, %s, %s, '', %s FROM {HelpRequest._meta.db_table} WHERE id IN ({placeholders})",
                [from_status, to_status, actor, at, *help_request_ids],
            )


class InboundText(models.Model):
    """A text someone sent to the salon's number, as Twilio delivered it: every one is kept.

    Twilio retries a webhook it did not get a timely answer to, with the same MessageSid; the
    unique sid makes a retry find the first delivery's row and repeat its reply, so one text
    acts once (answers a request once, opens one help request).
    """

    class Kind(models.TextChoices):
        SUPERVISOR_REPLY = "supervisor_reply"  # from a supervisor's phone: an answer to a request
        CALLER = "caller"  # from a number that asked a help request or called before
        UNKNOWN = "unknown"  # from a number the salon has no history with
        OPT_OUT = "opt_out"  # STOP or another opt-out word, from anyone
        OPT_IN = "opt_in"  # START (or another opt-in word) from a number that had opted out

    class Outcome(models.TextChoices):
        RESOLVED = "resolved"
        ALREADY_ANSWERED = "already_answered"
        NO_SUCH_REQUEST = "no_such_request"
        NOTHING_PENDING = "nothing_pending"
        SEVERAL_PENDING = "several_pending"
        NO_ANSWER = "no_answer"
        NEW_REQUEST = "new_request", "New help request"
        KEPT = "kept", "Kept for the salon (nothing automatic)"
        OPTED_OUT = "opted_out"
        OPTED_IN = "opted_in"
        HELP = "help", "Told the salon's name and phone (HELP)"

    message_sid = models.CharField(max_length=64, unique=True, help_text="Twilio's MessageSid.")
    from_phone = models.CharField(
        max_length=64, db_index=True, help_text="E.164 when it is a phone number; else Twilio's From as sent."
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    supervisor = models.ForeignKey(
        Supervisor, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_texts"
    )
    body = models.TextField(blank=True)
    help_request = models.ForeignKey(
        HelpRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_texts",
        help_text="The request this text answered (a supervisor's) or opened (a caller's).",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reply = models.TextField(blank=True, help_text="What was texted back (TwiML); empty when nothing was.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_sid} from {self.from_phone} ({self.kind}: {self.outcome})"
