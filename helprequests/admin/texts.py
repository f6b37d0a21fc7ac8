"""Texts: the outbox of texts sent, the texts the salon's number received, and the numbers that
opted out."""

from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from helprequests.admin.common import RecordAdmin, conversation_link, help_request_link
from helprequests.models import InboundText, Message, OptOut


@admin.register(Message)
class MessageAdmin(RecordAdmin):
    """The outbox of texts: read-only, except sending a failed one again."""

    list_display = ["id", "to", "kind", "status", "attempts", help_request_link, "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "body"]
    actions = ["send_again"]

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("helprequests.change_message")

    @admin.action(description="Send again now", permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        """Give failed texts a fresh set of attempts; texts that are queued or sent are left alone."""
        from helprequests.tasks import deliver_message

        requeued = 0
        with transaction.atomic():
            for pk in queryset.filter(status=Message.Status.FAILED).values_list("pk", flat=True):
                # Conditional, so two supervisors clicking at once queue each text once.
                if Message.objects.filter(pk=pk, status=Message.Status.FAILED).update(
                    status=Message.Status.QUEUED, attempts=0, claimed_until=None
                ):
                    # robust: a broker that is down must not fail the page; the relay retries.
                    transaction.on_commit(partial(deliver_message.delay, pk), robust=True)
                    requeued += 1
        skipped = queryset.count() - requeued
        if requeued:
            self.message_user(request, f"Queued {requeued} failed text(s) to be sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Left {skipped} text(s) alone: only failed texts are sent again.", messages.WARNING
            )


@admin.register(InboundText)
class InboundTextAdmin(RecordAdmin):
    """Every text the salon's number received, who it was from and what it did: read-only, a
    record of what happened."""

    list_display = ["created_at", "from_phone", "kind", "supervisor", "short_body", help_request_link, "outcome"]
    list_filter = ["kind", "outcome"]
    search_fields = ["from_phone", "body", "message_sid"]
    list_select_related = ["supervisor"]
    fields = [
        "created_at",
        "message_sid",
        "from_phone",
        "kind",
        "supervisor",
        "body",
        "help_request",
        "outcome",
        "reply",
        "conversation",
    ]
    readonly_fields = ["conversation"]

    @admin.display(description="Text", ordering="body")
    def short_body(self, obj: InboundText) -> str:
        return Truncator(obj.body).chars(80)

    @admin.display(description="Conversation")
    def conversation(self, obj: InboundText) -> str:
        return conversation_link(obj.from_phone)


@admin.register(OptOut)
class OptOutAdmin(RecordAdmin):
    """Numbers that texted STOP: nothing is texted to them (their texts are stored as skipped)
    until they text START. Read-only: only the number's owner opts in again, by text."""

    list_display = ["phone", "keyword", "created_at"]
    search_fields = ["phone"]
