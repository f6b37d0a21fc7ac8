"""The console's Learned answers page: what supervisors taught the receptionist, where each
answer came from, and the controls to edit, switch off, approve or reject it.

Every change goes through knowledge.services, as the API's and the admin's do, so the review
rules hold here too (a new wording that contradicts a seed fact is held for review).
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.console import render_page
from core.errors import DomainError
from knowledge import services
from knowledge.models import KnowledgeEntry

Review = KnowledgeEntry.ReviewStatus
TAUGHT = (KnowledgeEntry.Source.LEARNED, KnowledgeEntry.Source.MANUAL)


@staff_member_required
def learned_answers(request: HttpRequest) -> HttpResponse:
    """Learned and hand-written entries, those waiting for review first, then newest."""
    source = request.GET.get("source", "")
    review = request.GET.get("review_status", "")
    if source and source not in TAUGHT or review and review not in Review.values:
        return HttpResponseBadRequest("Unknown source or review status.")
    entries = services.list_entries(source=source or None, q=request.GET.get("q"), review_status=review or None)
    entries = entries.filter(source__in=TAUGHT)
    waiting_first = Case(When(review_status=Review.NEEDS_REVIEW, then=Value(0)), default=1, output_field=IntegerField())
    page = Paginator(entries.order_by(waiting_first, "-created_at"), 25).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    context = {
        "page": page,
        "query": others.urlencode(),
        "filters": {"q": request.GET.get("q", ""), "source": source, "review_status": review},
        "sources": TAUGHT,
        "review_statuses": Review.choices,
        "waiting": KnowledgeEntry.objects.filter(review_status=Review.NEEDS_REVIEW).count(),
    }
    return render_page(request, "console/learned.html", "Learned answers", "learned", context)


@staff_member_required
@require_POST
def change_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One change from the page (`action`: save, deactivate, activate, approve, reject); the
    outcome is a message on the page it came from."""
    action = request.POST.get("action", "")
    who = request.user.get_username()
    try:
        if action == "save":
            services.update_entry(entry_id, question=request.POST.get("question"), answer=request.POST.get("answer"))
        elif action == "deactivate":
            services.deactivate_entry(entry_id)
        elif action == "activate":
            services.update_entry(entry_id, active=True)
        elif action == "approve":
            services.approve_entry(entry_id, reviewed_by=who)
        elif action == "reject":
            services.reject_entry(entry_id, reviewed_by=who)
        else:
            return HttpResponseBadRequest("Unknown action: use save, deactivate, activate, approve or reject.")
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        entry = services.get_entry(entry_id)
        held = " It contradicts a seed fact and waits for review." if entry.review_status == Review.NEEDS_REVIEW else ""
        messages.success(request, f"Entry {entry_id}: {action} done.{held}")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "console:learned"  # only ever back to a page of this site
    return redirect(back)
