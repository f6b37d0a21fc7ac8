"""The supervisor console in Django admin: answer help requests, manage supervisors, watch the outbox.

Nothing here changes a help request's state by itself: an answer goes through
`services.resolve_help_request`, the same rule the API uses, so the audit trail, the caller's
text, learning and webhooks happen exactly as they do there.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timeuntil

from helprequests import services
from helprequests.delivery import UnsafeUrl, check_webhook_url
from helprequests.models import (
    HelpRequest,
    HelpRequestEvent,
    InboundText,
    Message,
    OptOut,
    Supervisor,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from helprequests.triage import KNOWN_TOPICS, unknown_topics
from salon_project.errors import DomainError
from salon_project.phones import InvalidPhoneNumber, normalize_phone
from salon_project.readonly_admin import ReadOnlyAdminMixin, ReadOnlyInline

# --- Help requests ----------------------------------------------------------------------------


class HelpRequestEventInline(ReadOnlyInline):
    model = HelpRequestEvent
    fields = ["at", "from_status", "to_status", "actor", "note"]
    verbose_name = "audit event"
    verbose_name_plural = "audit trail"


class HelpRequestMessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "kind", "to", "body", "status", "attempts", "sent_at", "last_error"]
    verbose_name_plural = "texts"


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


def _change_url(help_request_id: int) -> str:
    return reverse("admin:helprequests_helprequest_change", args=[help_request_id])


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
    inlines = [HelpRequestEventInline, HelpRequestMessageInline]
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
            return format_html('attached to <a href="{}">#{}</a>', _change_url(primary), primary)
        return str(obj.duplicate_count) if obj.duplicate_count else "—"

    @admin.display(description="Attached to")
    def attached_to(self, obj: HelpRequest) -> str:
        primary = obj.duplicate_of
        if primary is None:
            return "—"
        return format_html(
            '<a href="{}">#{} {}</a> ({}); only it alerted a supervisor.',
            _change_url(primary.pk),
            primary.pk,
            Truncator(primary.question).chars(80),
            primary.status,
        )

    @admin.display(description="Question", ordering="question")
    def short_question(self, obj: HelpRequest) -> str:
        return Truncator(obj.question).chars(80)

    @admin.display(description="Caller", ordering="caller_phone")
    def caller(self, obj: HelpRequest) -> str:
        return f"{obj.caller_name} ({obj.caller_phone})" if obj.caller_name else obj.caller_phone

    @admin.display(description="Conversation")
    def conversation(self, obj: HelpRequest) -> str:
        return _conversation_link(obj.caller_phone)

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


# --- Supervisors -----------------------------------------------------------------------------


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


# --- Texts ------------------------------------------------------------------------------------


class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record of what happened, shown as it is: nobody adds, edits or deletes one by hand."""


@admin.register(Message)
class MessageAdmin(RecordAdmin):
    """The outbox of texts: read-only, except sending a failed one again."""

    list_display = ["id", "to", "kind", "status", "attempts", "help_request_link", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "body"]
    actions = ["send_again"]

    @admin.display(description="Help request", ordering="help_request")
    def help_request_link(self, obj: Message) -> str:
        if obj.help_request_id is None:
            return "—"
        return format_html('<a href="{}">#{}</a>', _change_url(obj.help_request_id), obj.help_request_id)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("helprequests.change_message")

    @admin.action(description="Send again now", permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        """Give failed texts a fresh set of attempts; texts that are queued or sent are left alone."""
        from helprequests.tasks import deliver_message

        requeued = 0
        with transaction.atomic():
            for pk in queryset.filter(status=Message.Status.FAILED).values_list("pk", flat=True):
                # Conditional, so two supervisors clicking at once queue each text once.
                if Message.objects.filter(pk=pk, status=Message.Status.FAILED).update(
                    status=Message.Status.QUEUED, attempts=0, claimed_until=None
                ):
                    # robust: a broker that is down must not fail the page; the relay retries.
                    transaction.on_commit(partial(deliver_message.delay, pk), robust=True)
                    requeued += 1
        skipped = queryset.count() - requeued
        if requeued:
            self.message_user(request, f"Queued {requeued} failed text(s) to be sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Left {skipped} text(s) alone: only failed texts are sent again.", messages.WARNING
            )


@admin.register(InboundText)
class InboundTextAdmin(RecordAdmin):
    """Every text the salon's number received, who it was from and what it did: read-only, a
    record of what happened."""

    list_display = ["created_at", "from_phone", "kind", "supervisor", "short_body", "help_request_link", "outcome"]
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

    @admin.display(description="Help request", ordering="help_request")
    def help_request_link(self, obj: InboundText) -> str:
        if obj.help_request_id is None:
            return "—"
        return format_html('<a href="{}">#{}</a>', _change_url(obj.help_request_id), obj.help_request_id)

    @admin.display(description="Conversation")
    def conversation(self, obj: InboundText) -> str:
        return _conversation_link(obj.from_phone)


def _conversation_link(phone: str) -> str:
    """A link to the console page with everything between the salon and this number."""
    url = reverse("console:caller", args=[phone])
    return format_html('<a href="{}">Everything with {} in the console</a>', url, phone)


@admin.register(OptOut)
class OptOutAdmin(RecordAdmin):
    """Numbers that texted STOP: nothing is texted to them (their texts are stored as skipped)
    until they text START. Read-only: only the number's owner opts in again, by text."""

    list_display = ["phone", "keyword", "created_at"]
    search_fields = ["phone"]


# --- Webhooks ---------------------------------------------------------------------------------


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
