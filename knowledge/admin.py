"""What the receptionist knows, in admin: review learned answers, correct or switch them off.

Every write goes through `knowledge.services`, like the API's, so the same clean-up applies and
the matcher's cached index notices the change. Links to help requests go by URL name only:
knowledge's code never imports helprequests.
"""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from knowledge import services
from knowledge.models import KnowledgeEntry, SalonProfile


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    list_display = [
        "short_question",
        "short_answer",
        "category",
        "source",
        "active",
        "times_used",
        "learned_from",
        "updated_at",
    ]
    list_editable = ["active"]
    list_filter = ["source", "active", "category"]
    search_fields = ["question", "answer", "category"]
    actions = ["deactivate", "activate"]
    readonly_fields = ["source", "seed_key", "learned_from", "times_used", "last_used_at", "created_at", "updated_at"]

    def get_fields(self, request: HttpRequest, obj: KnowledgeEntry | None = None) -> list[str]:
        fields = ["question", "answer", "category", "active"]
        if obj is None:
            return fields  # a new entry is "added by hand" (the model's default source)
        return fields + self.readonly_fields

    def save_model(self, request: HttpRequest, obj: KnowledgeEntry, form, change: bool) -> None:
        """Create or update through the service, then show what it stored (it trims and defaults)."""
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
            entry = services.update_entry(obj.pk, **changes)
        else:
            data = form.cleaned_data
            entry = services.create_entry(question=data["question"], answer=data["answer"], category=data["category"])
            if not data["active"]:
                entry = services.deactivate_entry(entry.pk)
        obj.pk = entry.pk
        obj.refresh_from_db()
        obj._state.adding = False

    @admin.display(description="Question", ordering="question")
    def short_question(self, obj: KnowledgeEntry) -> str:
        return Truncator(obj.question).chars(80)

    @admin.display(description="Answer")
    def short_answer(self, obj: KnowledgeEntry) -> str:
        return Truncator(obj.answer).chars(80)

    @admin.display(description="Learned from", ordering="help_request")
    def learned_from(self, obj: KnowledgeEntry) -> str:
        """The help request whose answer this is, so a wrong answer can be traced to who gave it."""
        if obj.help_request_id is None:
            return "—"
        url = reverse("admin:helprequests_helprequest_change", args=[obj.help_request_id])
        return format_html('<a href="{}">Help request #{}</a>', url, obj.help_request_id)

    @admin.action(description="Deactivate (stop using these answers)", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry]) -> None:
        self._set_active(request, queryset, False)

    @admin.action(description="Activate", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry]) -> None:
        self._set_active(request, queryset, True)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry], active: bool) -> None:
        count = 0
        for entry in queryset.filter(active=not active):
            if active:
                services.update_entry(entry.pk, active=True)
            else:
                services.deactivate_entry(entry.pk)
            count += 1
        verb = "Activated" if active else "Deactivated"
        self.message_user(request, f"{verb} {count} knowledge entr{'y' if count == 1 else 'ies'}.", messages.SUCCESS)


@admin.register(SalonProfile)
class SalonProfileAdmin(admin.ModelAdmin):
    """Shown for reference only: the profile is loaded from the business file by `seed_salon`."""

    list_display = ["name", "phone", "timezone", "updated_at"]
    fields = ["name", "phone", "timezone", "updated_at", "profile_json"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SalonProfile | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SalonProfile | None = None) -> bool:
        return False

    @admin.display(description="Profile")
    def profile_json(self, obj: SalonProfile) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.profile, indent=2, ensure_ascii=False))
