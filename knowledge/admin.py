"""What the receptionist knows, in admin: review learned answers, correct or switch them off.

Every write goes through `knowledge.services`, like the API's, so the same clean-up applies, a
new wording is checked against the seed facts again, and the matcher's cached index notices the
change. An answer held because it contradicts a seed fact is marked "Needs review" and is
approved or rejected with the list actions. Links to help requests go by URL name only:
knowledge's code never imports helprequests.
"""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from knowledge import services
from knowledge.models import KnowledgeEntry, SalonProfile, VocabularyTerm
from salon_project.errors import DomainError

Review = KnowledgeEntry.ReviewStatus


def _actor(request: HttpRequest) -> str:
    """Named as the API names a staff session, so the review trail reads the same either way."""
    return f"user:{request.user.get_username()}"


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    list_display = [
        "short_question",
        "short_answer",
        "category",
        "source",
        "review",
        "active",
        "times_used",
        "learned_from",
        "updated_at",
    ]
    list_editable = ["active"]
    list_filter = ["review_status", "source", "active", "category"]
    search_fields = ["question", "answer", "category", "answered_by_name"]
    actions = ["approve", "reject", "deactivate", "activate"]
    provenance_fields = ["source", "seed_key", "learned_from", "answered_by_name", "learned_at"]
    review_fields = ["review", "review_note", "contradicted_seed", "reviewed_by", "reviewed_at"]
    usage_fields = ["times_used", "last_used_at", "created_at", "updated_at"]
    readonly_fields = provenance_fields + review_fields + usage_fields

    def get_fieldsets(self, request: HttpRequest, obj: KnowledgeEntry | None = None):
        editable = (None, {"fields": ["question", "answer", "category", "active"]})
        if obj is None:
            return [editable]  # a new entry is "added by hand" (the model's default source)
        return [
            editable,
            ("Where it came from", {"fields": self.provenance_fields}),
            ("Review", {"fields": self.review_fields}),
            ("Use", {"fields": self.usage_fields}),
        ]

    def save_model(self, request: HttpRequest, obj: KnowledgeEntry, form, change: bool) -> None:
        """Create or update through the service (which trims, defaults and checks the new words
        against the seed), then show what it stored, and say so when it was held for review."""
        was_held = change and KnowledgeEntry.objects.filter(pk=obj.pk, review_status=Review.NEEDS_REVIEW).exists()
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
            entry = services.update_entry(obj.pk, **changes)
        else:
            data = form.cleaned_data
            entry = services.create_entry(
                question=data["question"],
                answer=data["answer"],
                category=data["category"],
                answered_by=request.user.get_full_name() or request.user.get_username(),
            )
            if not data["active"]:
                entry = services.deactivate_entry(entry.pk)
        obj.pk = entry.pk
        obj.refresh_from_db()
        obj._state.adding = False
        if entry.review_status == Review.NEEDS_REVIEW and not was_held:
            self.message_user(
                request,
                "This answer contradicts the salon's own facts, so it is held for review and not used yet: "
                f"{entry.review_note} Approve it (list action) if it is right and the seed fact is outdated.",
                messages.WARNING,
            )

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

    @admin.display(description="Review", ordering="review_status")
    def review(self, obj: KnowledgeEntry) -> str:
        """A marker a supervisor cannot miss in the list: held answers are not used until decided."""
        if obj.review_status == Review.NEEDS_REVIEW:
            return format_html('<strong style="color:#b45309">⚠ {}</strong>', obj.get_review_status_display())
        if obj.review_status == Review.REJECTED:
            return format_html('<span style="color:#b91c1c">{}</span>', obj.get_review_status_display())
        return obj.get_review_status_display()

    @admin.display(description="Contradicts")
    def contradicted_seed(self, obj: KnowledgeEntry) -> str:
        """Links to the seed entries this answer was found to contradict."""
        if not obj.conflicts_with:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">Seed entry #{}</a>',
            ((reverse("admin:knowledge_knowledgeentry_change", args=[pk]), pk) for pk in obj.conflicts_with),
        )

    @admin.action(description="Approve (use these answers over the seed facts they contradict)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry]) -> None:
        self._review(request, queryset, services.approve_entry, "Approved")

    @admin.action(description="Reject (never use these answers)", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry]) -> None:
        self._review(request, queryset, services.reject_entry, "Rejected")

    def _review(self, request: HttpRequest, queryset: QuerySet[KnowledgeEntry], decide, verb: str) -> None:
        done, skipped = 0, []
        for entry in queryset.order_by("pk"):
            try:
                decide(entry.pk, reviewed_by=_actor(request))
                done += 1
            except DomainError:  # not waiting for review (any more)
                skipped.append(f"#{entry.pk}")
        self.message_user(request, f"{verb} {done} knowledge entr{'y' if done == 1 else 'ies'}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Not waiting for review, so left as they were: {', '.join(skipped)}.", messages.WARNING
            )

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


@admin.register(VocabularyTerm)
class VocabularyTermAdmin(admin.ModelAdmin):
    """The words callers use and what they mean to the matcher (`knowledge.vocabulary`): the
    salon adds its own here ("hold fee" means deposit, "mani" means nail ...). A change is used
    from the next lookup on (a trigger moves the knowledge version). A term saved here counts as
    the salon's own: re-seeding never overwrites it."""

    list_display = ["phrase", "means", "asking_who", "active", "source", "updated_at"]
    list_editable = ["active"]
    list_filter = ["active", "source", "asking_who"]
    search_fields = ["phrase", "means"]
    fields = ["phrase", "means", "asking_who", "active", "source", "updated_at"]
    readonly_fields = ["source", "updated_at"]

    def save_model(self, request: HttpRequest, obj: VocabularyTerm, form, change: bool) -> None:
        obj.source = VocabularyTerm.Source.MANUAL
        super().save_model(request, obj, form, change)


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
