"""The console speaks the salon's wall clock (knowledge.SalonProfile.timezone), across a
daylight-saving change: History's times and Analytics' days, "Today" included, are the salon's,
while the database and the API keep UTC."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helprequests.models import HelpRequest
from knowledge.models import SalonProfile

pytestmark = pytest.mark.django_db

# US clocks went back from 02:00 PDT (UTC-7) to 01:00 PST (UTC-8) on Sunday 1 November 2026.
BEFORE_CHANGE = datetime(2026, 10, 31, 20, 15, tzinfo=UTC)  # 13:15 PDT, Saturday 31 October
AFTER_CHANGE = datetime(2026, 11, 2, 21, 15, tzinfo=UTC)  # 13:15 PST, Monday 2 November
LATE_SUNDAY = datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # 22:30 PST Sunday 1 November; Monday in UTC


@pytest.fixture
def staff(client: Client) -> Client:
    SalonProfile.objects.create(name="Salon", timezone="America/Los_Angeles")
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    return client


def timed_out_at(asked: datetime, question: str) -> HelpRequest:
    return HelpRequest.objects.create(
        question=question,
        caller_phone="+14155550150",
        created_at=asked,
        expires_at=asked,
        status=HelpRequest.Status.UNRESOLVED,
    )


def test_history_shows_when_a_question_was_asked_on_the_salons_clock_either_side_of_the_change(staff):
    timed_out_at(BEFORE_CHANGE, "Do you sell gift vouchers?")
    timed_out_at(AFTER_CHANGE, "Is there a loyalty program?")

    page = staff.get(reverse("console:history")).content.decode()

    assert "asked Oct 31, 13:15" in page
    assert "asked Nov 2, 13:15" in page
    assert "20:15" not in page and "21:15" not in page


def test_analytics_counts_a_question_on_the_salons_day_not_the_utc_day(staff):
    timed_out_at(LATE_SUNDAY, "Do you sell gift vouchers?")

    sunday = staff.get(reverse("console:analytics"), {"from": "2026-11-01", "to": "2026-11-01"})
    monday = staff.get(reverse("console:analytics"), {"from": "2026-11-02", "to": "2026-11-02"})

    assert sunday.context["report"].overall.escalated == 1
    assert monday.context["report"].overall.escalated == 0


def test_today_is_the_salons_today(staff, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_SUNDAY)  # Monday already in UTC, still Sunday here
    timed_out_at(LATE_SUNDAY, "Do you sell gift vouchers?")

    report = staff.get(reverse("console:analytics"), {"period": "today"}).context["report"]

    assert (report.start, report.end) == (datetime(2026, 11, 1).date(), datetime(2026, 11, 1).date())
    assert report.overall.escalated == 1


def test_a_zone_name_that_is_not_one_falls_back_to_utc_with_a_warning(client, caplog):
    SalonProfile.objects.create(name="Salon", timezone="Pacific/Nowhere")
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    timed_out_at(BEFORE_CHANGE, "Do you sell gift vouchers?")

    page = client.get(reverse("console:history")).content.decode()

    assert "asked Oct 31, 20:15" in page
    assert "'Pacific/Nowhere' is not a known zone name" in caplog.text
