"""What the receptionist does not know yet, for the console: what to teach next, where it was
unsure, and what a caller asking a question would hear now.

- **What to teach next**: the questions escalated in a period that the knowledge base still
  cannot answer (no person answered them, or the answer was not saved), grouped the way
  coalescing groups them (`knowledge.matching.same_question` within a `question_topic`), most
  asked first. "Teach the answer" learns it through `knowledge.services.learn_answer`, the same
  path as a supervisor's answer (checked against the seed facts, held for review when it
  contradicts one). Callers are not texted from there: a late answer to an unresolved request is
  given from History.
- **Where the receptionist was unsure**: lookups it did not answer although an entry came near
  (a score of at least UNSURE_SCORE), still unanswered now, grouped the same way.
- **What would a caller hear?**: `knowledge.services.preview` (the lookup, without recording
  it) and, when nothing answers, the triage and routing a help request would get
  (`triage.triage`, `services.choose_supervisor`).

Both lists drop a question as soon as the knowledge base answers it, however it was taught
(the matcher's decision: a page of many questions does not wait on a model for each).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.console import render_page
from core.errors import DomainError
from helprequests.models import HelpRequest, Supervisor
from helprequests.services import choose_supervisor
from helprequests.triage import Triage, triage
from knowledge import services as knowledge
from knowledge.analysis import Vocabulary
from knowledge.matching import question_topic, same_question
from knowledge.models import KnowledgeEntry, LookupRecord

# A lookup that was not answered counts as "unsure" when some entry scored at least this much
# (the matcher answers from knowledge.matching.MATCH_THRESHOLD up): something near, not nothing.
UNSURE_SCORE = 0.3
# How many lookups or requests of a period are read to build each list, newest first.
MAX_READ = 2000
SHOWN = 10


@dataclass
class Question:
    """One question asked several times (in words that ask the same), as the lists show it."""

    question: str  # the latest wording
    asked: int = 0
    callers: set[str] = field(default_factory=set)
    last_asked: datetime | None = None
    never_answered: int = 0  # help requests that timed out with no answer
    help_request_id: int | None = None  # the latest request: what a taught answer is learned from
    best_score: float = 0.0  # lookups: the nearest entry's best score

    @property
    def caller_count(self) -> int:
        return len(self.callers)


def _grouped(rows: list[tuple[str, datetime, dict]], vocabulary: Vocabulary) -> list[Question]:
    """Rows (question, when, details), newest first, grouped into questions that ask the same;
    only those the knowledge base still cannot answer, most asked (then latest) first."""
    groups: dict[str, list[Question]] = {}
    for text, at, details in rows:
        clusters = groups.setdefault(question_topic(text, vocabulary), [])
        group = next((g for g in clusters if same_question(text, g.question, vocabulary)), None)
        if group is None:
            group = Question(question=text, last_asked=at, help_request_id=details.get("help_request_id"))
            clusters.append(group)
        group.asked += 1
        group.callers.add(details.get("caller", ""))
        group.never_answered += details.get("never_answered", 0)
        group.best_score = max(group.best_score, details.get("score", 0.0))
    found = [group for clusters in groups.values() for group in clusters]
    found.sort(key=lambda group: (-group.asked, -group.last_asked.timestamp()))
    unknown = []
    for group in found:
        if not knowledge.preview(group.question, ask_model=False).result.matched:
            unknown.append(group)
            if len(unknown) == SHOWN:
                break
    return unknown


def to_teach(since: datetime, until: datetime) -> list[Question]:
    """Escalated questions of the period (not still waiting in the queue) that nothing answers now."""
    requests = (
        HelpRequest.objects.filter(created_at__gte=since, created_at__lt=until)
        .exclude(status=HelpRequest.Status.PENDING)
        .order_by("-created_at", "-id")
        .values_list("question", "created_at", "pk", "caller_phone", "status")[:MAX_READ]
    )
    rows = [
        (text, at, {"help_request_id": pk, "caller": phone, "never_answered": int(status != "resolved")})
        for text, at, pk, phone, status in requests
    ]
    return _grouped(rows, knowledge.current_index().vocabulary)


def unsure(since: datetime, until: datetime) -> list[Question]:
    """Lookups of the period the receptionist did not answer though an entry came near."""
    lookups = (
        LookupRecord.objects.filter(created_at__gte=since, created_at__lt=until, matched=False, score__gte=UNSURE_SCORE)
        .order_by("-created_at", "-id")
        .values_list("question", "created_at", "score")[:MAX_READ]
    )
    rows = [(text, at, {"score": score}) for text, at, score in lookups]
    return _grouped(rows, knowledge.current_index().vocabulary)


@dataclass(frozen=True)
class CallerWouldHear:
    """What `would_hear` found: an answer and its entry, or the escalation and its route."""

    preview: knowledge.Preview
    entry: KnowledgeEntry | None
    triage: Triage | None
    supervisor: Supervisor | None


def would_hear(question: str) -> CallerWouldHear:
    preview = knowledge.preview(question)
    if preview.result.matched:
        return CallerWouldHear(preview, KnowledgeEntry.objects.get(pk=preview.result.entry_id), None, None)
    route = triage(question)
    return CallerWouldHear(preview, None, route, choose_supervisor(route.priority, route.tags))


# --- pages ---------------------------------------------------------------------------------------


class TryForm(forms.Form):
    q = forms.CharField(
        label="A caller asks", max_length=500, strip=True, error_messages={"required": "Type a question to try."}
    )


@staff_member_required
def try_question(request: HttpRequest) -> HttpResponse:
    """ "What would a caller hear?": type a question, see the answer and its entry and score, or
    that it would be escalated and to whom. Nothing is recorded and nobody is texted."""
    form = TryForm(request.GET or None)
    heard = would_hear(form.cleaned_data["q"]) if form.is_valid() else None
    context = {"form": form, "heard": heard, "asked": form.cleaned_data.get("q") if heard else ""}
    return render_page(request, "console/try.html", "What would a caller hear?", "try", context)


class TeachForm(forms.Form):
    question = forms.CharField(max_length=2000, strip=True)
    answer = forms.CharField(strip=True, error_messages={"required": "Write the answer to teach."})
    help_request = forms.IntegerField(required=False, min_value=1)


@staff_member_required
@require_POST
def teach(request: HttpRequest) -> HttpResponse:
    """ "Teach the answer": learn it as a supervisor's answer is learned, then back to the page."""
    form = TeachForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "console:analytics"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    source = HelpRequest.objects.filter(pk=form.cleaned_data["help_request"]).first()
    supervisor = Supervisor.objects.filter(user=request.user).first()
    try:
        entry = knowledge.learn_answer(
            question=form.cleaned_data["question"],
            answer=form.cleaned_data["answer"],
            help_request_id=source.pk if source else None,
            category=(source.tags or ["general"])[0] if source else "general",
            answered_by=supervisor.name if supervisor else request.user.get_username(),
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect(back)
    if entry.review_status == KnowledgeEntry.ReviewStatus.LIVE:
        messages.success(request, f"Learned: callers asking “{entry.question}” are now answered.")
    else:
        held = "Saved, but held for review (Learned answers): it contradicts the salon's facts."
        messages.warning(request, f"{held} {entry.review_note}")
    return redirect(back)
