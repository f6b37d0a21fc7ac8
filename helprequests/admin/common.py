"""What more than one area of the console uses: the read-only record page, and the links from
one page to a help request or to a caller's conversation."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.readonly_admin import ReadOnlyAdminMixin


class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record of what happened, shown as it is: nobody adds, edits or deletes one by hand."""


def change_url(help_request_id: int) -> str:
    return reverse("admin:helprequests_helprequest_change", args=[help_request_id])


@admin.display(description="Help request", ordering="help_request")
def help_request_link(obj) -> str:
    """A list column: the help request a record (a text sent or received) belongs to, linked."""
    if obj.help_request_id is None:
        return "—"
    return format_html('<a href="{}">#{}</a>', change_url(obj.help_request_id), obj.help_request_id)


def conversation_link(phone: str) -> str:
    """A link to the console page with everything between the salon and this number."""
    url = reverse("console:caller", args=[phone])
    return format_html('<a href="{}">Everything with {} in the console</a>', url, phone)
