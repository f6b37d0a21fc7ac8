"""What leaves the house, in admin: the texts sent, the numbers that opted out, the webhook
endpoints and each delivery with its attempts. Read-only records, except that a failed text can
be sent again and endpoints are managed here.

The sent texts name their help request by id; the app that knows help requests links it
(helprequests/admin/texts.py re-registers this page with the link).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.readonly_admin import ReadOnlyInline, RecordAdmin
from outbound import outbox
from outbound.delivery import UnsafeUrl, check_webhook_url
from outbound.models import EVENT_TYPES, Message, OptOut, WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(Message)
class MessageAdmin(RecordAdmin):
    """The outbox of texts: read-only, except sending a failed one again."""

    list_display = ["id", "to", "kind", "status", "attempts", "help_request_id", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "body"]
    actions = ["send_again"]

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{Message._meta.app_label}.change_message")

    @admin.action(description="Send again now", permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        """Give failed texts a fresh set of attempts; texts that are queued or sent are left alone."""
        requeued = outbox.send_again(queryset)
        skipped = queryset.count() - requeued
        if requeued:
            self.message_user(request, f"Queued {requeued} failed text(s) to be sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Left {skipped} text(s) alone: only failed texts are sent again.", messages.WARNING
            )


@admin.register(OptOut)
class OptOutAdmin(RecordAdmin):
    """Numbers that texted STOP: nothing is texted to them (their texts are stored as skipped)
    until they text START. Read-only: only the number's owner opts in again, by text."""

    list_display = ["phone", "keyword", "created_at"]
    search_fields = ["phone"]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(event, event) for event in EVENT_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None checked means every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "active"]

    def clean_url(self) -> str:
        """The same check the API makes, so admin cannot point webhooks at internal hosts."""
        url = self.cleaned_data["url"]
        try:
            check_webhook_url(url)
        except UnsafeUrl as error:
            raise forms.ValidationError(str(error)) from None
        return url


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ["number", "at", "status_code", "duration_ms", "error"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "event_list", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url"]

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        # The secret exists once the endpoint does; the receiver needs it to check signatures.
        return ["url", "events", "active"] + (["secret", "created_at"] if obj else [])

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        return ["secret", "created_at"] if obj else []

    @admin.display(description="Events")
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events) if obj.events else "all"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordAdmin):
    list_display = ["id", "type", "endpoint", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "type"]
    search_fields = ["event_id", "endpoint__url"]
    list_select_related = ["endpoint"]
    inlines = [WebhookAttemptInline]
