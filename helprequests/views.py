"""The console's help-request pages: the live queue, where supervisors answer, the history, the
texts received and one conversation per caller (answered from there by text).

Both are rendered on the server. The queue's script re-reads the list (`queue_items`, an HTML
fragment) whenever the /ws/console/ feed says a request changed, so the page never has to
rebuild a card from an event and always shows what the database says. Answering goes through
`services.resolve_help_request`, the same operation as the API's resolve.
"""

import json
from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.console import render_page
from core.errors import Conflict, DomainError, NotFound
from helprequests import conversations
from helprequests.escalation import ACTOR as LADDER
from helprequests.models import HelpRequest, HelpRequestEvent, InboundText, Supervisor
from helprequests.services import answerer, resolve_help_request
from knowledge.opening_hours import Calendar
from outbound.models import Message

HISTORY_PAGE_SIZE = 20


# --- Live queue -------------------------------------------------------------------------------


def waiting_requests() -> list[HelpRequest]:
    """The queue: pending requests, most urgent then oldest first. A request attached to a
    pending one (asked the same) is not a card of its own; it is counted on its primary's."""
    waiting = list(
        HelpRequest.objects.filter(status=HelpRequest.Status.PENDING)
        .exclude(duplicate_of__status=HelpRequest.Status.PENDING)
        .with_duplicate_count()
        .select_related("assigned_supervisor")
        .most_urgent_first()
    )
    now, calendar = timezone.now(), Calendar.current()
    # The deadline counts the salon's open hours: while it is closed the clock stands still, and
    # while it is open it runs until closing, when the page re-reads the queue.
    open_now = calendar is None or calendar.is_open(now)
    opening = None if open_now else calendar.next_opening(now)
    closing = calendar.period(calendar.local_date(now))[1] if calendar and open_now else None
    for help_request in waiting:
        # The countdown starts from the server's clock, so a browser's wrong clock cannot skew it.
        if calendar:
            left = calendar.working_time_between(now, help_request.expires_at)
        else:
            left = help_request.expires_at - now
        help_request.seconds_left = max(0, int(left.total_seconds()))
        help_request.working_time_left = _working_time(help_request.seconds_left)
        help_request.counting_until = None if closing is None else int((closing - now).total_seconds())
        help_request.clock_starts = opening
    return waiting


def _working_time(seconds: int) -> str:
    """ "25 min", "1 h 05 min": as the queue's countdown shows it, to the minute."""
    minutes = -(-seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


@staff_member_required
def queue(request: HttpRequest) -> HttpResponse:
    return render_page(request, "console/queue.html", "Queue", "queue", {"help_requests": waiting_requests()})


@staff_member_required
def queue_items(request: HttpRequest) -> HttpResponse:
    """The queue's cards alone, re-read by queue.js on every help-request event."""
    return render(request, "console/_queue_items.html", {"help_requests": waiting_requests()})


class AnswerForm(forms.Form):
    answer = forms.CharField(strip=True, error_messages={"required": "Write an answer before sending it."})
    learn = forms.BooleanField(required=False)


@staff_member_required
@require_POST
def answer(request: HttpRequest, help_request_id: int) -> HttpResponse:
    """Answer from the queue: `{"detail": <sentence>}` with 200, or 404/409/422 saying why not.
    From History (a plain form with `next`, for a late answer to an unresolved request): the
    sentence as a message, and back to `next`.

    The console user answers as their supervisor profile when they have one (Supervisor.user);
    the audit trail names them "user:<username>" either way, as the API does for sessions.
    """
    response = _answer(request, help_request_id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return response
    detail = json.loads(response.content)["detail"]
    (messages.success if response.status_code == 200 else messages.error)(request, detail)
    return redirect(back)


def _answer(request: HttpRequest, help_request_id: int) -> JsonResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": " ".join(form.errors["answer"])}, status=422)
    try:
        resolve_help_request(
            help_request_id,
            answer=form.cleaned_data["answer"],
            supervisor=Supervisor.objects.filter(user=request.user).first(),
            learn=form.cleaned_data["learn"],
            actor=f"user:{request.user.get_username()}",
        )
    except Conflict:
        return _already_answered(help_request_id)
    except DomainError as error:
        return JsonResponse({"detail": error.detail}, status=error.status_code)
    return JsonResponse({"detail": f"Answer to #{help_request_id} sent to the caller."})


def _already_answered(help_request_id: int) -> JsonResponse:
    """Someone else answered first: say who and what, so the loser need not go and look."""
    answered = with_answerers(handled_requests().filter(pk=help_request_id))[0]
    when = timezone.localtime(answered.resolved_at).strftime("%H:%M")
    return JsonResponse(
        {
            "detail": f"Already answered by {answered.answerer} at {when}: “{answered.answer}”",
            "answered_by": answered.answerer,
            "answer": answered.answer,
        },
        status=409,
    )


# --- History ------------------------------------------------------------------------------------


def handled_requests() -> QuerySet[HelpRequest]:
    """Resolved and timed-out requests, most recently handled first, with what the history shows."""
    resolved_by = HelpRequestEvent.objects.filter(
        help_request=OuterRef("pk"), to_status=HelpRequest.Status.RESOLVED
    ).order_by("-at", "-id")
    return (
        HelpRequest.objects.exclude(status=HelpRequest.Status.PENDING)
        .select_related("answered_by", "assigned_supervisor")
        .annotate(
            resolved_by=Subquery(resolved_by.values("actor")[:1]), handled_at=Coalesce("resolved_at", "expires_at")
        )
        .order_by(F("handled_at").desc(), "-id")
    )


def with_answerers(help_requests: Iterable[HelpRequest]) -> list[HelpRequest]:
    """Set `answerer` (a name to show) on each resolved request of `handled_requests()`."""
    help_requests = list(help_requests)
    for help_request in help_requests:
        help_request.answerer = answerer(help_request.answered_by, help_request.resolved_by or "")
    return help_requests


def _with_texts_sent(help_requests: list[HelpRequest]) -> list[HelpRequest]:
    """Set `texts_sent` on each request: the texts about it, oldest first, read in one query
    (texts name their request by id, `outbound` knowing no help requests)."""
    texts: dict[int, list[Message]] = {help_request.pk: [] for help_request in help_requests}
    for message in Message.objects.filter(help_request_id__in=texts).order_by("created_at", "id"):
        texts[message.help_request_id].append(message)
    for help_request in help_requests:
        help_request.texts_sent = texts[help_request.pk]
    return help_requests


class HistoryFilters(forms.Form):
    q = forms.CharField(required=False, max_length=200, strip=True, label="Search")
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Resolved and unresolved"), ("resolved", "Resolved"), ("unresolved", "Unresolved (timed out)")],
        error_messages={"invalid_choice": "Status must be resolved or unresolved."},
    )


@staff_member_required
def history(request: HttpRequest) -> HttpResponse:
    """Past requests with their answers and the texts sent for them; searchable, paginated."""
    filters = HistoryFilters(request.GET)
    if not filters.is_valid():
        response = render_page(request, "console/history.html", "History", "history", {"filters": filters})
        response.status_code = 400
        return response
    ladder = Prefetch(
        "events", queryset=HelpRequestEvent.objects.filter(actor=LADDER).order_by("at", "id"), to_attr="ladder_steps"
    )
    requests = handled_requests().prefetch_related(ladder)
    if text := filters.cleaned_data["q"]:
        requests = requests.filter(
            Q(question__icontains=text)
            | Q(answer__icontains=text)
            | Q(caller_name__icontains=text)
            | Q(caller_phone__icontains=text)
        )
    if status := filters.cleaned_data["status"]:
        requests = requests.filter(status=status)
    page = Paginator(requests, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_texts_sent(with_answerers(page.object_list))
    others = request.GET.copy()
    others.pop("page", None)
    context = {"filters": filters, "page": page, "query": others.urlencode()}
    return render_page(request, "console/history.html", "History", "history", context)


# --- Texts and caller conversations -------------------------------------------------------------

TEXTS_PAGE_SIZE = 50


@staff_member_required
def texts(request: HttpRequest) -> HttpResponse:
    """Every text the salon's number received, newest first, each linked to its conversation."""
    received = InboundText.objects.select_related("supervisor", "help_request").order_by("-created_at", "-id")
    page = Paginator(received, TEXTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "console/texts.html", "Texts", "texts", {"page": page, "query": ""})


def _conversation_or_404(phone: str) -> conversations.Conversation:
    try:
        return conversations.conversation(phone)
    except NotFound as error:
        raise Http404(error.detail) from None


@staff_member_required
def caller(request: HttpRequest, phone: str) -> HttpResponse:
    """One caller's conversation with the salon, and a form to text them."""
    found = _conversation_or_404(phone)
    title = f"{found.name} · {found.phone}" if found.name else found.phone
    context = {"conversation": found, "form": CallerTextForm()}
    return render_page(request, "console/caller.html", title, "texts", context)


@staff_member_required
def caller_items(request: HttpRequest, phone: str) -> HttpResponse:
    """The conversation's entries alone, re-read by live_items.js on every text or request event."""
    return render(request, "console/_conversation_items.html", {"conversation": _conversation_or_404(phone)})


class CallerTextForm(forms.Form):
    body = forms.CharField(
        strip=True,
        max_length=conversations.MAX_TEXT_LENGTH,
        label="Text",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a text before sending it."},
    )


@staff_member_required
@require_POST
def text_caller(request: HttpRequest, phone: str) -> HttpResponse:
    """Send the console's text to the caller (through `conversations.text_caller`, the SMS
    backend and its opt-out rule), then back to the conversation, which shows it."""
    found = _conversation_or_404(phone)
    form = CallerTextForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        supervisor = Supervisor.objects.filter(user=request.user).first()
        try:
            conversations.text_caller(
                found.phone,
                form.cleaned_data["body"],
                sent_by=supervisor.name if supervisor else request.user.get_username(),
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            if found.opted_out:
                messages.warning(
                    request, f"Stored, but not sent: {found.phone} texted STOP and gets no texts until START."
                )
            else:
                messages.success(request, f"Texted {found.name or found.phone}.")
    return redirect("console:caller", phone=found.phone)
