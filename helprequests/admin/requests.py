"""Help requests: the work queue, and the page a supervisor answers one on.

Nothing here changes a help request's state by itself: an answer goes through
`services.resolve_help_request`, the same rule the API uses, so the audit trail, the caller's
text, learning and webhooks happen exactly as they do there.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timeuntil

from core.errors import DomainError
from core.readonly_admin import ReadOnlyInline
from helprequests import services
from helprequests.admin.common import change_url, conversation_link
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from outbound.models import Message


class HelpRequestEventInline(ReadOnlyInline):
    model = HelpRequestEvent
    fields = ["at", "from_status", "to_status", "actor", "note"]
    verbose_name = "audit event"
    verbose_name_plural = "audit trail"


class AttachedRequestInline(ReadOnlyInline):
    """Requests that asked the same as this one: they alerted nobody and get this one's answer."""

    model = HelpRequest
    fk_name = "duplicate_of"
    fields = ["created_at", "caller_name", "caller_phone", "question", "status"]
    show_change_link = True
    verbose_name = "attached request"
    verbose_name_plural = "attached requests (asked the same; answered together with this one)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[HelpRequest]:
        return super().get_queryset(request).order_by("pk")


class AnswerForm(forms.ModelForm):
    """The only thing a supervisor types on a help request: the answer, and whether to learn it."""

    answer_text = forms.CharField(
        label="Answer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Saving with an answer resolves the request and texts the answer to the caller.",
    )
    learn = forms.BooleanField(
        label="Save to knowledge base",
        required=False,
        initial=True,
        help_text="The receptionist will answer this question by itself next time.",
    )

    class Meta:
        model = HelpRequest
        fields: list[str] = []


def _answering_supervisor(request: HttpRequest) -> Supervisor | None:
    """The supervisor whose login this is, if the user is linked to one."""
    return Supervisor.objects.filter(user_id=request.user.pk).first()


class WorkQueueChangeList(ChangeList):
    """Lists help requests in most_urgent_first()'s order: pending, then most urgent, then oldest.

    Admin would otherwise sort by Meta.ordering (newest first) ahead of the queryset's order. The
    order is kept here rather than in `get_ordering`, because admin also applies that to every
    help-request dropdown, whose querysets lack the annotations it sorts on.
    """

    def get_ordering(self, request: HttpRequest, queryset: QuerySet) -> list:
        if ORDER_VAR in self.params:  # a clicked column header comes first
            return super().get_ordering(request, queryset)
        return list(queryset.query.order_by)

    def get_ordering_field_columns(self) -> dict:
        # No column header is the sort key until one is clicked.
        return super().get_ordering_field_columns() if ORDER_VAR in self.params else {}


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    form = AnswerForm
    list_display = [
        "id",
        "short_question",
        "caller",
        "status",
        "duplicates",
        "priority",
        "tag_list",
        "assigned_supervisor",
        "created_at",
        "time_left",
    ]
    list_display_links = ["id", "short_question"]
    list_filter = ["status", "priority", "assigned_supervisor"]
    search_fields = ["question", "caller_phone", "caller_name", "answer"]
    list_select_related = ["assigned_supervisor"]
    inlines = [HelpRequestEventInline]
    readonly_fields = [
        "question",
        "caller_name",
        "caller_phone",
        "call",
        "created_at",
        "expires_at",
        "time_left",
        "status",
        "priority",
        "tag_list",
        "assigned_supervisor",
        "answer",
        "answered_by",
        "resolved_at",
        "knowledge_entry",
        "idempotency_key",
        "attached_to",
        "conversation",
        "texts",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HelpRequest]:
        return (
            HelpRequest.objects.most_urgent_first()
            .with_duplicate_count()
            .select_related("assigned_supervisor", "answered_by", "duplicate_of")
        )

    def get_inlines(self, request: HttpRequest, obj: HelpRequest | None) -> list:
        # Only a primary has attached requests; an attached one links to its primary instead.
        # Decided by `duplicate_of`, which never changes, so a page and its POST have the same forms.
        attached = [AttachedRequestInline] if obj is not None and obj.duplicate_of_id is None else []
        return [*attached, *self.inlines]

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return WorkQueueChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # help requests come from calls and the API

    def has_delete_permission(self, request: HttpRequest, obj: HelpRequest | None = None) -> bool:
        return False  # the audit trail must stay whole

    def get_fieldsets(self, request: HttpRequest, obj: HelpRequest | None = None):
        attached = ["attached_to"] if obj and obj.duplicate_of_id else []
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "question",
                        ("caller_name", "caller_phone", "conversation"),
                        "call",
                        ("created_at", "expires_at"),
                        "time_left",
                    ]
                },
            ),
            ("Routing", {"fields": [*attached, "status", "priority", "tag_list", "assigned_supervisor"]}),
        ]
        # A POST always carries the answer form: a page opened while the request was pending
        # must get the service's "already resolved" sentence, not have its answer dropped.
        if request.method == "POST" or (obj and obj.status in HelpRequest.ANSWERABLE):
            answer_form = {"fields": ["answer_text", "learn"], "description": self._group_note(obj)}
            fieldsets.append(("Answer the caller", answer_form))
        if obj and obj.answer is not None:
            fieldsets.append(("Resolution", {"fields": ["answer", "answered_by", "resolved_at", "knowledge_entry"]}))
        fieldsets.append(("Texts", {"fields": ["texts"]}))
        fieldsets.append(("Technical", {"fields": ["idempotency_key"], "classes": ["collapse"]}))
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status not in HelpRequest.ANSWERABLE:
            context.update(show_save=False, show_save_and_continue=False)  # nothing left to answer
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: HelpRequest, form: AnswerForm, change: bool) -> None:
        """Resolve through the service; never `obj.save()`, which would write stale state back.

        The outcome is kept on `obj` for `log_change` and `response_change`.
        """
        obj.admin_error = obj.admin_resolved = None
        answer = form.cleaned_data.get("answer_text", "").strip()
        if not answer:
            return
        try:
            resolved = services.resolve_help_request(
                obj.pk,
                answer=answer,
                supervisor=_answering_supervisor(request),
                learn=form.cleaned_data.get("learn", False),
                actor=f"user:{request.user.get_username()}",
            )
        except DomainError as error:
            obj.admin_error = error.detail
            return
        obj.admin_resolved = resolved

    def log_change(self, request, obj, message):
        # Only a real resolve belongs in admin's history; the audit trail has the details.
        if getattr(obj, "admin_resolved", None) is None:
            return None
        learned = " and saved it to the knowledge base" if obj.admin_resolved.knowledge_entry_id else ""
        return super().log_change(request, obj, f"Answered the caller{learned}.")

    def response_change(self, request: HttpRequest, obj: HelpRequest) -> HttpResponse:
        same_page = HttpResponseRedirect(request.get_full_path())
        if getattr(obj, "admin_error", None):
            self.message_user(request, obj.admin_error, messages.ERROR)
            return same_page
        resolved = getattr(obj, "admin_resolved", None)
        if resolved is None:
            self.message_user(request, "No answer was given, so nothing changed.", messages.WARNING)
            return same_page
        learned = " It was saved to the knowledge base." if resolved.knowledge_entry_id else ""
        others = resolved.group().exclude(pk=resolved.pk).count()
        grouped = f", and so are the {others} request(s) asking the same" if others else ""
        callers = "every caller" if others else "the caller"
        self.message_user(
            request,
            f"Help request #{resolved.pk} is resolved{grouped}; {callers} will be texted the answer.{learned}",
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return same_page
        return self.response_post_save_change(request, obj)

    @staticmethod
    def _group_note(obj: HelpRequest | None) -> str:
        if obj is None:
            return ""
        if obj.duplicate_of_id:
            return (
                f"One answer serves the group: saving also answers #{obj.duplicate_of_id} and every other "
                "request attached to it, and texts each waiting caller."
            )
        if obj.duplicate_count:
            return f"Saving also answers the {obj.duplicate_count} attached request(s) below and texts each caller."
        return ""

    @admin.display(description="Duplicates", ordering="duplicate_count")
    def duplicates(self, obj: HelpRequest) -> str:
        """How many asked the same as this one; on an attached request, the one it belongs to."""
        if obj.duplicate_of_id:
            primary = obj.duplicate_of_id
            return format_html('attached to <a href="{}">#{}</a>', change_url(primary), primary)
        return str(obj.duplicate_count) if obj.duplicate_count else "—"

    @admin.display(description="Attached to")
    def attached_to(self, obj: HelpRequest) -> str:
        primary = obj.duplicate_of
        if primary is None:
            return "—"
        return format_html(
            '<a href="{}">#{} {}</a> ({}); only it alerted a supervisor.',
            change_url(primary.pk),
            primary.pk,
            Truncator(primary.question).chars(80),
            primary.status,
        )

    TEXT_COLUMNS = ["created_at", "kind", "to", "body", "status", "attempts", "sent_at", "last_error"]

    @admin.display(description="Texts")
    def texts(self, obj: HelpRequest) -> str:
        """Every text about the request, oldest first (texts name it by id, so this is a table
        of its own rather than an inline, which needs a foreign key)."""
        fields = [Message._meta.get_field(name) for name in self.TEXT_COLUMNS]
        rows = (
            Message.objects.filter(help_request_id=obj.pk).order_by("created_at", "id").values_list(*self.TEXT_COLUMNS)
        )
        if not rows:
            return "—"
        header = format_html_join("", "<th>{}</th>", ((field.verbose_name.capitalize(),) for field in fields))
        cells = (
            (
                format_html_join(
                    "", "<td>{}</td>", ((display_for_field(v, f, "—"),) for v, f in zip(row, fields, strict=True))
                ),
            )
            for row in rows
        )
        body = format_html_join("", "<tr>{}</tr>", cells)
        return format_html('<table class="texts"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', header, body)

    @admin.display(description="Question", ordering="question")
    def short_question(self, obj: HelpRequest) -> str:
        return Truncator(obj.question).chars(80)

    @admin.display(description="Caller", ordering="caller_phone")
    def caller(self, obj: HelpRequest) -> str:
        return f"{obj.caller_name} ({obj.caller_phone})" if obj.caller_name else obj.caller_phone

    @admin.display(description="Call")
    def call(self, obj: HelpRequest) -> str:
        """By number: calls sits above this app, and the call's own page lists its help requests."""
        return f"Call #{obj.call_id}" if obj.call_id else "—"

    @admin.display(description="Conversation")
    def conversation(self, obj: HelpRequest) -> str:
        return conversation_link(obj.caller_phone)

    @admin.display(description="Tags")
    def tag_list(self, obj: HelpRequest) -> str:
        return ", ".join(obj.tags or []) or "—"

    @admin.display(description="Time left", ordering="expires_at")
    def time_left(self, obj: HelpRequest) -> str:
        """The deadline counts the salon's open hours, so the clock time it falls on is shown too
        (at night, "14 hours" left is still half an hour of working time)."""
        if obj.status != HelpRequest.Status.PENDING:
            return "—"
        if obj.expires_at <= timezone.now():
            return "overdue (times out at the next sweep)"
        return f"{timeuntil(obj.expires_at)} (due {timezone.localtime(obj.expires_at):%a %H:%M})"
