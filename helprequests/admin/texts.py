"""Texts: the texts the salon's number received, and the sent texts' page with the help request
each is about linked (the page itself is `outbound.admin`'s, which knows no help requests)."""

from django.contrib import admin
from django.utils.text import Truncator

from core.readonly_admin import RecordAdmin
from helprequests.admin.common import conversation_link, help_request_link
from helprequests.models import InboundText
from outbound import admin as outbound_admin
from outbound.models import Message

admin.site.unregister(Message)


@admin.register(Message)
class MessageAdmin(outbound_admin.MessageAdmin):
    """The sent texts' page as `outbound` has it, with each text's help request linked."""

    list_display = [
        help_request_link if column == "help_request_id" else column
        for column in outbound_admin.MessageAdmin.list_display
    ]


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
