"""Calls in the supervisor console: who called, what was said, which questions went to a person.

Everything here is a record the voice worker wrote, so it is read-only; the one change staff
can make, ending a call the worker never ended (it crashed, the line dropped), goes through
`services.end_call` like the API, so the `call.ended` webhook still goes out.
"""

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from calls import services, transfers
from calls.models import Call, TranscriptTurn, Transfer, TransferEvent
from core.errors import DomainError
from core.readonly_admin import ReadOnlyInline
from helprequests.models import HelpRequest


class TranscriptInline(ReadOnlyInline):
    model = TranscriptTurn
    fields = ["at", "role", "text"]
    verbose_name = "turn"
    verbose_name_plural = "transcript"


def _delivered_in_call(help_request: HelpRequest) -> str:
    delivery = getattr(help_request, "call_answer_delivery", None)
    # On the salon's clock, like every other time in the admin (knowledge.salon_time).
    return date_format(timezone.localtime(delivery.delivered_at), "Y-m-d H:i:s") if delivery else "—"


HELP_REQUEST_COLUMNS = ("request", "question", "status", "priority", "answer", "told in call")


# How many help requests were asked during each call: a subquery, as there is no relation to count.
_help_requests_per_call = (
    HelpRequest.objects.filter(call_id=OuterRef("pk")).order_by().values("call_id").annotate(n=Count("pk")).values("n")
)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "started_at",
        "channel",
        "caller",
        "status",
        "ended_at",
        "end_reason",
        "help_request_count",
        "turn_count",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["room", "caller_phone", "caller_name", "transcript__text"]
    date_hierarchy = "started_at"
    fields = [
        "room",
        "channel",
        "caller_phone",
        "caller_name",
        "status",
        "started_at",
        "ended_at",
        "end_reason",
        "help_requests_asked",
    ]
    readonly_fields = fields
    inlines = [TranscriptInline]
    actions = ["end_selected_calls"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Call]:
        return (
            super()
            .get_queryset(request)
            .annotate(_help_requests=Coalesce(Subquery(_help_requests_per_call), 0), _turns=Count("transcript"))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # calls are started by the voice worker or a web caller, through the API

    def has_delete_permission(self, request: HttpRequest, obj: Call | None = None) -> bool:
        return False  # a call is the record help requests and webhooks point at

    @admin.display(description="caller")
    def caller(self, obj: Call) -> str:
        who = obj.caller_name or obj.caller_phone or obj.room
        return f"{who} ({obj.caller_phone})" if obj.caller_name and obj.caller_phone else who

    @admin.display(description="help requests", ordering="_help_requests")
    def help_request_count(self, obj: Call) -> int:
        return obj._help_requests

    @admin.display(description="help requests opened during this call")
    def help_requests_asked(self, obj: Call) -> str:
        """A read-only table (an inline needs a foreign key, and `HelpRequest.call_id` is a plain
        id), each request linked to its own page."""
        asked = obj.help_requests.all().select_related("call_answer_delivery").order_by("created_at", "pk")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:helprequests_helprequest_change", args=[help_request.pk]),
                    help_request.pk,
                    help_request.question,
                    help_request.get_status_display(),
                    help_request.get_priority_display(),
                    help_request.answer or "—",
                    _delivered_in_call(help_request),
                )
                for help_request in asked
            ),
        )
        if not rows:
            return "none"
        head = format_html_join("", "<th>{}</th>", ((column,) for column in HELP_REQUEST_COLUMNS))
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, rows)

    @admin.display(description="turns", ordering="_turns")
    def turn_count(self, obj: Call) -> int:
        return obj._turns

    @admin.action(description="End selected calls (the worker never ended them)")
    def end_selected_calls(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        ended = 0
        for call in queryset.filter(status=Call.Status.ACTIVE):
            try:
                services.end_call(call.pk, reason="ended_by_staff")
                ended += 1
            except DomainError as exc:  # ended by the worker meanwhile
                self.message_user(request, exc.detail, messages.WARNING)
        self.message_user(request, f"Ended {ended} call(s).", messages.SUCCESS)


class TransferEventInline(ReadOnlyInline):
    model = TransferEvent
    fields = ["at", "from_status", "to_status", "actor", "note"]
    verbose_name_plural = "audit trail"


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    """Transfers are made by the agent and decided by a person through the API (or, later, the
    console card); here staff read them, and may call off one that is stuck."""

    list_display = ["id", "created_at", "call", "kind", "status", "supervisor", "outcome_note"]
    list_filter = ["status", "kind"]
    search_fields = ["reason", "summary", "call__caller_phone", "call__caller_name"]
    date_hierarchy = "created_at"
    fields = [
        "call",
        "kind",
        "status",
        "reason",
        "supervisor",
        "to_phone",
        "consult_room",
        "summary",
        "summary_source",
        "outcome_note",
        "deadline",
        "created_at",
        "connected_at",
        "ended_at",
        "completed_at",
    ]
    readonly_fields = fields
    inlines = [TransferEventInline]
    actions = ["cancel_selected_transfers"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the agent starts transfers, through the API

    def has_delete_permission(self, request: HttpRequest, obj: Transfer | None = None) -> bool:
        return False  # the record of who took (or did not take) a call

    @admin.action(description="Cancel selected open transfers")
    def cancel_selected_transfers(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> None:
        actor = f"user:{request.user.get_username()}"
        cancelled = 0
        for transfer in queryset.filter(status__in=Transfer.OPEN):
            try:
                transfers.cancel_transfer(transfer.pk, reason="cancelled by staff in admin", actor=actor)
                cancelled += 1
            except DomainError as exc:  # decided meanwhile
                self.message_user(request, exc.detail, messages.WARNING)
        self.message_user(request, f"Cancelled {cancelled} transfer(s).", messages.SUCCESS)
