"""Phone and web calls handled by the voice receptionist: the call, what was said, and which
supervisor answers reached the caller while still on the line.

The voice worker records all of this through the API (it never touches the ORM). Ending a call
is a compare-and-swap (`UPDATE ... WHERE status = 'active'`) whose row count is checked, so a
retried or racing "end" cannot end a call twice or overwrite the first reason.
"""

from operator import attrgetter

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import StatusEvent
from helprequests.models import HelpRequest


class HelpRequestsOfCall:
    """`call.help_requests`: the help requests asked during a call, read as a reverse foreign key
    would give them (`call.help_requests.all()`, and `prefetch_related("help_requests")` to read
    a list's in one query). `HelpRequest.call_id` is a plain id, not a foreign key, because
    helprequests sits below calls and may not name its model; this descriptor reads that id."""

    cache_name = "help_requests"

    def __get__(self, call: "Call | None", owner: type | None = None) -> "HelpRequestsOfCall | CallHelpRequests":
        return self if call is None else CallHelpRequests(call)

    def is_cached(self, call: "Call") -> bool:
        return self.cache_name in getattr(call, "_prefetched_objects_cache", {})

    def get_prefetch_querysets(self, calls: list["Call"], querysets: list[models.QuerySet] | None = None) -> tuple:
        """Django's prefetch protocol (as GenericRelation implements it): one query for all `calls`."""
        queryset = querysets[0] if querysets else HelpRequest.objects.all()
        queryset = queryset.filter(call_id__in=[call.pk for call in calls])
        return queryset, attrgetter("call_id"), attrgetter("pk"), False, self.cache_name, False


class CallHelpRequests:
    """One call's help requests: the prefetched ones if the call was read with them, else a query."""

    def __init__(self, call: "Call"):
        self.call = call

    def get_queryset(self) -> models.QuerySet[HelpRequest]:
        return HelpRequest.objects.filter(call_id=self.call.pk)

    def all(self) -> models.QuerySet[HelpRequest]:
        prefetched = getattr(self.call, "_prefetched_objects_cache", {}).get(HelpRequestsOfCall.cache_name)
        return prefetched if prefetched is not None else self.get_queryset()


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
    help_requests = HelpRequestsOfCall()

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

    @classmethod
    def names_recorded_for(cls, phone: str) -> list[str] | None:
        """The caller names calls from `phone` were recorded with, newest first; None if it never
        called (a lookup for `helprequests.callers`, registered in calls/apps.py)."""
        names = list(
            cls.objects.filter(caller_phone=phone)
            .order_by("-started_at", "-pk")
            .values_list("caller_name", flat=True)[:50]
        )
        return names or None

    @classmethod
    def id_exists(cls, call_id: int) -> bool:
        """Whether `call_id` names a call (the check for `helprequests.callers`, registered in
        calls/apps.py: a help request may only name a call that exists)."""
        return cls.objects.filter(pk=call_id).exists()

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
        "outbound.Message",
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


class TransferQuerySet(models.QuerySet):
    def open(self) -> "TransferQuerySet":
        return self.filter(status__in=Transfer.OPEN)

    def past_deadline(self) -> "TransferQuerySet":
        """Ringing or briefing transfers nobody decided in time (the sweep's work)."""
        return self.filter(status__in=[Transfer.Status.RINGING, Transfer.Status.BRIEFING], deadline__lte=timezone.now())


class Transfer(models.Model):
    """The AI hands a live call to a person: who, in which consultation room, and how it ended.

    requested → ringing (room made, human alerted) → briefing (human in the consultation room,
    hearing the summary) → connected (accepted: the human is in the caller's room, the agent left).
    Any open state may instead end declined, no_answer (nobody joined in time), timed_out (joined
    but did not decide), failed (LiveKit or nobody to ask) or cancelled. Every change is a
    compare-and-swap on `status`, so a racing accept, decline and timeout leave one outcome.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested"
        RINGING = "ringing"
        BRIEFING = "briefing"
        CONNECTED = "connected"
        DECLINED = "declined"
        NO_ANSWER = "no_answer"
        TIMED_OUT = "timed_out"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class Kind(models.TextChoices):
        WARM = "warm"  # a person is briefed first, then joins the caller
        COLD = "cold"  # a SIP caller is handed straight to a phone number

    OPEN = [Status.REQUESTED, Status.RINGING, Status.BRIEFING]
    # The outcomes that send the caller back to the agent.
    RETURNED = [Status.DECLINED, Status.NO_ANSWER, Status.TIMED_OUT, Status.FAILED, Status.CANCELLED]
    # Each state and the states it may be reached from; everything else is a 409.
    SOURCES = {
        Status.RINGING: [Status.REQUESTED],
        Status.BRIEFING: [Status.RINGING],
        # Warm: accepted while ringing (read the summary on the console) or after the briefing;
        # cold: straight from requested once LiveKit has handed the SIP caller over.
        Status.CONNECTED: [Status.BRIEFING, Status.RINGING, Status.REQUESTED],
        Status.DECLINED: OPEN,
        # Briefed on the phone where LiveKit cannot move a call: rung again into the caller's room.
        Status.NO_ANSWER: OPEN,
        Status.TIMED_OUT: [Status.BRIEFING],
        Status.FAILED: OPEN,
        Status.CANCELLED: OPEN,
    }

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.WARM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    reason = models.CharField(max_length=500, help_text="Why the caller needs a person, as the agent put it.")
    supervisor = models.ForeignKey(
        "helprequests.Supervisor", null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers"
    )
    to_phone = models.CharField(max_length=20, blank=True, help_text="The number dialled (SIP), E.164.")
    consult_room = models.CharField(max_length=128, blank=True, help_text="The private room of the briefing.")
    summary = models.TextField(blank=True, help_text="What the person is told before taking the call.")
    summary_source = models.CharField(max_length=12, blank=True, help_text='"llm" or "extractive".')
    outcome_note = models.CharField(max_length=300, blank=True, help_text="Why it did not connect, in a sentence.")
    deadline = models.DateTimeField(null=True, blank=True, help_text="When ringing or briefing runs out.")
    created_at = models.DateTimeField(default=timezone.now)
    connected_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="The person finished with the caller.")
    # The agent retries a start it did not hear back from; the key makes that harmless.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One hand-over at a time: a second transfer of the same call would ring two people.
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(status__in=["requested", "ringing", "briefing"]),
                name="calls_one_open_transfer_per_call",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk} of call {self.call_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def move_to(self, new: str, **fields) -> str | None:
        """Move to `new` if the current status may lead there (`SOURCES`), as one conditional
        UPDATE per candidate: the status it had, or None if it is (or somebody just moved it)
        elsewhere, in which case nothing is changed."""
        if new not in self.OPEN:
            fields.setdefault("ended_at", timezone.now())
        for previous in self.SOURCES[new]:
            if Transfer.objects.filter(pk=self.pk, status=previous).update(status=new, **fields):
                self.status = new
                for name, value in fields.items():
                    setattr(self, name, value)
                return previous
        return None

    def record_event(self, from_status: str, to_status: str, actor: str, note: str = "") -> "TransferEvent":
        return TransferEvent.objects.create(
            transfer=self, from_status=from_status, to_status=to_status, actor=actor, note=note[:300]
        )


class TransferEvent(StatusEvent):
    """The audit trail: one row per state change of a transfer."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events")
