"""Webhooks: the endpoints events are sent to, and each delivery with its attempts."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.readonly_admin import ReadOnlyInline
from helprequests.admin.common import RecordAdmin
from helprequests.delivery import UnsafeUrl, check_webhook_url
from helprequests.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(event, event) for event in WebhookEndpoint.EVENT_TYPES],
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
