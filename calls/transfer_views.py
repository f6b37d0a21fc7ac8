"""The console's Transfers page: callers the receptionist is handing to a person.

Acting on a transfer (join the briefing, accept, decline) goes through the same API the voice
worker and integrators use (calls/transfer_api.py), called by the page with the staff session.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calls.models import Transfer
from core.console import render_page


def _lists() -> dict:
    transfers = Transfer.objects.select_related("call", "supervisor").order_by("-created_at")
    return {
        "open_transfers": transfers.open().filter(kind=Transfer.Kind.WARM),
        "recent_transfers": transfers.exclude(status__in=Transfer.OPEN)[:20],
    }


@staff_member_required
def transfers_page(request: HttpRequest) -> HttpResponse:
    return render_page(request, "console/transfers.html", "Transfers", "transfers", _lists())


@staff_member_required
def transfer_items(request: HttpRequest) -> HttpResponse:
    """The lists alone, which the page re-reads whenever a transfer changes."""
    return render(request, "console/_transfer_items.html", _lists())
