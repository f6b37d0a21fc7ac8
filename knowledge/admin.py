"""What the receptionist knows, in admin: review learned answers, correct or switch them off.

Every write goes through `knowledge.services`, like the API's, so the same clean-up applies, a
new wording is checked against the seed facts again, and the matcher's cached index notices the
change. An answer held because it contradicts a seed fact is marked "Needs review" and is
approved or rejected with the list actions. A learned answer names its help request by number:
knowledge knows nothing of helprequests, whose help request page links to the entry instead.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from core.errors import DomainError
from knowledge import profile as salon_profile
from knowledge import services
from knowledge.models import KnowledgeEntry, SalonProfile, VocabularyTerm
from knowledge.profile import ProfileError
from knowledge.profile_forms import ProfileForms, SalonFileForm
from knowledge.seed import DEFAULT_FIXTURE, load_profile

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
    provenance_fields = ["source", "seed_key", "profile_wording", "learned_from", "answered_by_name", "learned_at"]
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
        if entry.edited_by_hand and {"question", "answer"} & set(form.changed_data):
            self.message_user(
                request,
                "This answer states a fact of the salon profile. The hand edit is kept and used, but other answers "
                "stating the same fact (the week's hours, the service menu ...) still say what the profile says: "
                "change the fact in the salon profile so that every answer follows.",
                messages.WARNING,
            )
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

    @admin.display(description="Learned from", ordering="help_request_id")
    def learned_from(self, obj: KnowledgeEntry) -> str:
        """The help request whose answer this is, so a wrong answer can be traced to who gave it
        (its page in helprequests' admin links back here)."""
        return "—" if obj.help_request_id is None else f"Help request #{obj.help_request_id}"

    @admin.display(description="The profile says")
    def profile_wording(self, obj: KnowledgeEntry) -> str:
        """For a seed entry edited by hand: what the salon's profile says, so the edit is not a
        silent fork (a later change of that fact in the profile asks the owner to choose)."""
        if obj.source != KnowledgeEntry.Source.SEED:
            return "—"
        profile_page = reverse("admin:knowledge_salonprofile_changelist")
        if obj.profile_proposal:
            return format_html(
                '{} <a href="{}#conflicts">Choose on the profile page</a>', obj.profile_proposal["answer"], profile_page
            )
        if obj.edited_by_hand:
            return format_html("{} (edited by hand here; the hand edit is used)", obj.seeded_answer)
        return format_html('The same. <a href="{}">Change it in the salon profile</a>', profile_page)

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
    """The salon's profile as forms (`knowledge.profile_forms`): the one salon, so the list is the
    profile page itself; a fresh install shows the first-run choice instead. Saving, importing and
    settling conflicts go through `knowledge.profile`; this class only shows and hands over."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("first-run/", view(self.first_run_view), name="knowledge_salonprofile_first_run"),
            path("import/", view(self.import_view), name="knowledge_salonprofile_import"),
            path("export/", view(self.export_view), name="knowledge_salonprofile_export"),
            path("conflicts/<int:entry_id>/", view(self.conflict_view), name="knowledge_salonprofile_conflict"),
            path("<path:object_id>/", view(self.redirect_to_profile)),
            path("", view(self.changelist_view), name="knowledge_salonprofile_changelist"),
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the first-run page sets a salon up

    def has_delete_permission(self, request: HttpRequest, obj: SalonProfile | None = None) -> bool:
        return False

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def _require_change(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def redirect_to_profile(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect("admin:knowledge_salonprofile_changelist")

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """The profile page: every field of her salon, saved as one change."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        current = SalonProfile.current()
        setting_up = request.GET.get("setup") == "1" or request.POST.get("setup") == "1"
        if current is None and not setting_up:
            return redirect("admin:knowledge_salonprofile_first_run")
        base = salon_profile.export_profile() if current is not None else {"timezone": "UTC"}
        forms = ProfileForms(base, request.POST if request.method == "POST" else None)
        problems: list[str] = []
        if request.method == "POST":
            self._require_change(request)
            if forms.is_valid():
                try:
                    changes = salon_profile.apply_profile(forms.profile())
                except ProfileError as exc:
                    problems = exc.problems
                else:
                    self._report(request, changes)
                    return redirect("admin:knowledge_salonprofile_changelist")
        context = self._context(
            request,
            "Set up your salon" if current is None else f"{current.name}: the salon's profile",
            forms=forms,
            problems=problems,
            setting_up=current is None,
            conflicts=salon_profile.conflicts(),
            can_change=self.has_change_permission(request),
        )
        return TemplateResponse(request, "admin/knowledge/salonprofile/profile.html", context)

    def _report(self, request: HttpRequest, changes) -> None:
        if not changes.changed:
            self.message_user(request, "Nothing changed.", messages.INFO)
            return
        self.message_user(request, f"Saved. {changes.summary()}", messages.SUCCESS)
        if changes.conflicts:
            self.message_user(
                request,
                f"{len(changes.conflicts)} answer(s) had been edited by hand and the profile now says something "
                "else; they keep the hand-written words until you choose below.",
                messages.WARNING,
            )

    def first_run_view(self, request: HttpRequest) -> HttpResponse:
        """A fresh install: set up her own salon, or keep the demo salon to try things first."""
        if request.method == "POST":
            self._require_change(request)
            if SalonProfile.current() is None:
                try:
                    self._report(request, salon_profile.apply_profile(load_profile(DEFAULT_FIXTURE)))
                except ProfileError as exc:  # another setup won the one salon row
                    self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:knowledge_salonprofile_changelist")
        if SalonProfile.current() is not None:
            return redirect("admin:knowledge_salonprofile_changelist")
        return TemplateResponse(
            request, "admin/knowledge/salonprofile/first_run.html", self._context(request, "Welcome: your salon")
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a salon file: "Show what would change" first (a dry run), then "Load it"."""
        self._require_change(request)
        form = SalonFileForm(request.POST or None, request.FILES or None)
        changes, problems = None, []
        if request.method == "POST" and form.is_valid():
            dry_run = "load" not in request.POST
            try:
                text = form.cleaned_data["text"]
                changes = salon_profile.apply_profile(salon_profile.parse_salon_file(text), dry_run=dry_run)
            except ProfileError as exc:
                problems = exc.problems
            else:
                if not dry_run:
                    self._report(request, changes)
                    return redirect("admin:knowledge_salonprofile_changelist")
                form = SalonFileForm(initial={"text": text})
        context = self._context(request, "Load a salon file", form=form, changes=changes, problems=problems)
        return TemplateResponse(request, "admin/knowledge/salonprofile/import.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            text = salon_profile.export_yaml()
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:knowledge_salonprofile_changelist")
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="salon.yaml"'
        return response

    def conflict_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        """The owner's choice for an answer edited by hand: the profile's words, or the hand edit."""
        self._require_change(request)
        if request.method != "POST" or request.POST.get("keep") not in ("profile", "hand_edit"):
            return redirect("admin:knowledge_salonprofile_changelist")
        try:
            entry = salon_profile.resolve_conflict(entry_id, keep=request.POST["keep"])
        except DomainError as exc:
            self.message_user(request, str(exc), messages.WARNING)
        else:
            kept = "the profile's words" if request.POST["keep"] == "profile" else "the hand-written words"
            self.message_user(request, f"“{entry.question}” now answers with {kept}.", messages.SUCCESS)
        return redirect("admin:knowledge_salonprofile_changelist")
