"""A supervisor's expertise names the topics questions are routed by: every tag triage gives and
"general" (a question no rule tags). A word no question is ever tagged with would silently
route nothing, so the admin and the API refuse it with the list, and "general" routes."""

import pytest
from django.urls import reverse

from helprequests import services
from helprequests.models import Supervisor
from helprequests.tests.support_salon import add_owner
from helprequests.triage import KNOWN_TOPICS, TAG_RULES

pytestmark = pytest.mark.django_db


def test_the_admin_lists_every_topic_general_included_and_refuses_another(admin_client):
    form = admin_client.get(reverse("admin:helprequests_supervisor_add")).content.decode()
    assert ", ".join(KNOWN_TOPICS) in form and "general" in KNOWN_TOPICS and set(TAG_RULES) < set(KNOWN_TOPICS)

    refused = admin_client.post(
        reverse("admin:helprequests_supervisor_add"),
        {"name": "Leo Park", "phone": "(415) 555-0102", "email": "", "expertise": "color, extensions"},
    )

    assert refused.status_code == 200
    assert "“extensions” is not a topic questions are routed by; use any of: medical" in refused.content.decode()
    assert not Supervisor.objects.filter(name="Leo Park").exists()


def test_the_api_refuses_an_unknown_topic_with_a_422_sentence(api):
    created = api.post("/api/v1/supervisors", {"name": "Lee", "phone": "+14155550199", "expertise": ["hairtinsel"]})
    assert created.status_code == 422
    assert created.data["detail"].startswith("expertise: “hairtinsel” is not a topic questions are routed by")

    lee = api.post("/api/v1/supervisors", {"name": "Lee", "phone": "+14155550199", "expertise": ["color"]}).data
    patched = api.patch(f"/api/v1/supervisors/{lee['id']}", {"expertise": ["color", "x", "y"]})
    assert patched.status_code == 422 and "“x”, “y” are not topics" in patched.data["detail"]
    assert Supervisor.objects.get(pk=lee["id"]).expertise == ["color"]


def test_general_is_a_topic_that_routes(api):
    add_owner()
    generalist = Supervisor.objects.create(name="Gen Eral", phone="+14155550111", expertise=["general"])

    asked = services.create_help_request(question="Can I bring my parrot along?", caller_phone="+14155550150")

    assert asked.help_request.tags == ["general"] and asked.help_request.assigned_supervisor == generalist
