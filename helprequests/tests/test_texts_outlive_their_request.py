"""A text names its help request by id (`outbound` knows no help requests): deleting the request
keeps the text and clears the id, as the foreign key's SET_NULL did."""

import pytest

from helprequests.models import HelpRequest
from helprequests.tests.support_salon import add_owner, create_help_request_via_api
from outbound.models import Message

pytestmark = pytest.mark.django_db


def test_deleting_a_help_request_keeps_its_texts_without_it(api, django_capture_on_commit_callbacks):
    add_owner()
    with django_capture_on_commit_callbacks(execute=True):
        created = create_help_request_via_api(api)
    alert = Message.objects.get(help_request_id=created["id"], kind=Message.Kind.SUPERVISOR_ALERT)
    HelpRequest.objects.filter(pk=created["id"]).delete()
    alert.refresh_from_db()
    assert alert.help_request_id is None
