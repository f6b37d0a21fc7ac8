"""Supervisors: who is asked what, who is available, and which login answers as whom."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.phones import InvalidPhoneNumber, normalize_phone
from helprequests.models import Supervisor
from helprequests.triage import KNOWN_TOPICS, unknown_topics


class TagsField(forms.CharField):
    """Tags typed as "color, products", stored as the JSON list the router matches on."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        tags = [tag.strip().lower() for tag in text.split(",")]
        return list(dict.fromkeys(tag for tag in tags if tag))

    def has_changed(self, initial, data) -> bool:
        return (initial or []) != self.to_python(data)


class SupervisorForm(forms.ModelForm):
    expertise = TagsField(
        required=False,
        help_text="Comma-separated topics this supervisor gets questions about, any of: "
        + ", ".join(KNOWN_TOPICS)
        + ".",
    )

    class Meta:
        model = Supervisor
        fields = ["name", "phone", "email", "expertise", "available", "is_owner", "user"]

    def clean_expertise(self) -> list[str]:
        if problem := unknown_topics(self.cleaned_data["expertise"]):
            raise forms.ValidationError(problem)
        return self.cleaned_data["expertise"]

    def clean_phone(self) -> str:
        """Stored as E.164, the spelling alerts are sent to and replies are matched on."""
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidPhoneNumber as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Supervisor)
class SupervisorAdmin(admin.ModelAdmin):
    form = SupervisorForm
    # Every column fits at 1280 px beside the admin's sidebar: a salon has a handful of supervisors,
    # so no filter panel (it took the width the last columns needed), and short headings.
    list_display = ["name", "phone", "expertise_list", "available", "owner", "open_requests", "user_link"]
    list_editable = ["available"]
    search_fields = ["name", "phone", "email"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Supervisor]:
        return Supervisor.with_open_requests().select_related("user")

    @admin.display(description="Expertise")
    def expertise_list(self, obj: Supervisor) -> str:
        return ", ".join(obj.expertise or []) or "—"

    @admin.display(description="Owner", boolean=True, ordering="is_owner")
    def owner(self, obj: Supervisor) -> bool:
        return obj.is_owner

    @admin.display(description="Open", ordering="open_requests")
    def open_requests(self, obj: Supervisor) -> int:
        return obj.open_requests

    @admin.display(description="Login", ordering="user__username")
    def user_link(self, obj: Supervisor) -> str:
        if obj.user is None:
            return "—"
        opts = obj.user._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.user.pk])
        return format_html('<a href="{}">{}</a>', url, obj.user.get_username())
