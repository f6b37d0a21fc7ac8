"""The console's Calls page: calls in progress with their live transcripts, and ended calls
with how they ended (help requests raised, answers told on the call, transfers)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calls.models import Call
from core.console import render_page

RECENT_ENDED = 30


def _lists() -> dict:
    calls = Call.objects.prefetch_related(
        "transcript",  # in the order it was said (TranscriptTurn's ordering)
        "help_requests",
        "answer_deliveries",
        "transfers",
    )
    return {
        "active_calls": calls.filter(status=Call.Status.ACTIVE).order_by("started_at"),
        "ended_calls": calls.filter(status=Call.Status.ENDED).order_by("-ended_at")[:RECENT_ENDED],
    }


@staff_member_required
def calls_page(request: HttpRequest) -> HttpResponse:
    return render_page(request, "console/calls.html", "Calls", "calls", _lists())


@staff_member_required
def call_items(request: HttpRequest) -> HttpResponse:
    """The lists alone, which the page re-reads when a call starts, speaks or ends."""
    return render(request, "console/_call_items.html", _lists())
