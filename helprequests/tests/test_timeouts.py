"""Pending requests time out: the sweep, the caller's text, and late answers."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from helprequests import services, tasks
from helprequests.models import HelpRequest, HelpRequestEvent
from knowledge.models import SalonProfile
from outbound.models import Message

pytestmark = pytest.mark.django_db


def open_request(question="Is there a loyalty program?") -> HelpRequest:
    return services.create_help_request(question=question, caller_phone="+14155550150", caller_name="Lee").help_request


def make_overdue(help_request: HelpRequest) -> None:
    HelpRequest.objects.filter(pk=help_request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_expiry_comes_from_the_timeout_setting_when_the_salon_has_no_hours(salon, settings):
    SalonProfile.objects.update(profile={"name": "Glow & Shear Salon"})
    settings.HELP_REQUEST_TIMEOUT_SECONDS = 120
    help_request = open_request()
    assert timedelta(seconds=119) < help_request.expires_at - help_request.created_at <= timedelta(seconds=121)


def test_sweep_times_out_only_overdue_pending_requests(salon):
    overdue, fresh = open_request(), open_request("Do you have wifi?")
    make_overdue(overdue)

    assert services.expire_help_requests() == 1

    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.status == "unresolved" and fresh.status == "pending"
    text = Message.objects.get(help_request_id=overdue.pk, kind="caller_timeout")
    assert text.to == "+14155550150" and text.body.startswith("Hi Lee") and "loyalty program" in text.body
    event = HelpRequestEvent.objects.filter(help_request=overdue).last()
    assert (event.from_status, event.to_status, event.actor) == ("pending", "unresolved", "system:timeout")
    assert services.expire_help_requests() == 0  # a second sweep changes and sends nothing
    assert Message.objects.filter(kind="caller_timeout").count() == 1


def test_management_command_and_beat_task_run_the_same_sweep(salon):
    first, second = open_request(), open_request("Do you have wifi?")
    make_overdue(first)
    call_command("expire_help_requests", verbosity=0)
    make_overdue(second)
    assert tasks.expire_help_requests() == 1
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"unresolved"}


def test_late_answer_is_accepted_and_delivered(api, salon):
    help_request = open_request()
    make_overdue(help_request)
    services.expire_help_requests()

    response = api.post(f"/api/v1/help-requests/{help_request.pk}/resolve", {"answer": "Yes: 1 point per dollar."})

    assert response.status_code == 200 and response.data["status"] == "resolved"
    assert Message.objects.filter(help_request_id=help_request.pk, kind="caller_followup").count() == 1
    last = HelpRequestEvent.objects.filter(help_request=help_request).last()
    assert (last.from_status, last.to_status, last.note) == ("unresolved", "resolved", "late answer")


def test_a_resolved_request_never_times_out(salon):
    help_request = open_request()
    services.resolve_help_request(help_request.pk, answer="Yes.")
    make_overdue(help_request)
    assert services.expire_help_requests() == 0
    help_request.refresh_from_db()
    assert help_request.status == "resolved"
