"""An answer learned from a help request names it by id (`KnowledgeEntry.help_request_id`, a
plain id since knowledge sits below helprequests). Deleting the request keeps the answer, no
longer naming it, as the foreign key's SET_NULL did."""

import pytest

from helprequests import services
from helprequests.models import HelpRequest, Supervisor
from knowledge.models import KnowledgeEntry

pytestmark = pytest.mark.django_db


def test_deleting_a_help_request_keeps_what_was_learned_from_it():
    Supervisor.objects.create(name="Maya Chen", phone="+14155550101", is_owner=True)
    asked = services.create_help_request(question="Do you sell gift vouchers?", caller_phone="+14155550150")
    services.resolve_help_request(asked.help_request.pk, answer="Yes, at the front desk.", learn=True)
    entry = KnowledgeEntry.objects.get(help_request_id=asked.help_request.pk)

    HelpRequest.objects.filter(pk=asked.help_request.pk).delete()

    entry.refresh_from_db()
    assert entry.help_request_id is None and entry.answer == "Yes, at the front desk."
