"""What more than one area of the console uses: the links from one page to a help request or
to a caller's conversation (the read-only record page is `core.readonly_admin.RecordAdmin`)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html


def change_url(help_request_id: int) -> str:
    return reverse("admin:helprequests_helprequest_change", args=[help_request_id])


@admin.display(description="Help request", ordering="help_request_id")
def help_request_link(obj) -> str:
    """A list column: the help request a record (a text sent or received) belongs to, linked."""
    if obj.help_request_id is None:
        return "—"
    return format_html('<a href="{}">#{}</a>', change_url(obj.help_request_id), obj.help_request_id)


def conversation_link(phone: str) -> str:
    """A link to the console page with everything between the salon and this number."""
    url = reverse("console:caller", args=[phone])
    return format_html('<a href="{}">Everything with {} in the console</a>', url, phone)
