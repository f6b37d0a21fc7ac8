"""The Analytics page's numbers, from hand-made data: AI-answered vs escalated, hit rate, median
and p90 time to answer, timeouts (also when answered late), by tag, by supervisor, per day."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from helprequests import analytics
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from knowledge.models import LookupRecord

pytestmark = pytest.mark.django_db


def test_nearest_rank_percentiles():
    assert analytics.nearest_rank([], 90) is None
    assert analytics.nearest_rank([5.0], 90) == 5.0
    values = [float(n) for n in range(1, 11)]  # 1..10
    assert analytics.nearest_rank(values, 90) == 9.0
    assert analytics.nearest_rank(values, 50) == 5.0
    assert analytics.nearest_rank(values, 100) == 10.0


def answered(question: str, minutes: float, by: Supervisor, tags: list[str], ago_days: int = 0) -> HelpRequest:
    created = timezone.now() - timedelta(days=ago_days)
    request = HelpRequest.objects.create(
        question=question, caller_phone="+14155550150", tags=tags, created_at=created, expires_at=created
    )
    request.status, request.answered_by = HelpRequest.Status.RESOLVED, by
    request.resolved_at = created + timedelta(minutes=minutes)
    request.save()
    return request


def timed_out(question: str, assigned: Supervisor, tags: list[str], late_answer_by: Supervisor | None = None):
    request = HelpRequest.objects.create(
        question=question,
        caller_phone="+14155550151",
        tags=tags,
        assigned_supervisor=assigned,
        expires_at=timezone.now(),
    )
    HelpRequestEvent.objects.create(help_request=request, from_status="pending", to_status="unresolved", actor="x")
    if late_answer_by:
        request.status, request.answered_by = HelpRequest.Status.RESOLVED, late_answer_by
        request.resolved_at = request.created_at + timedelta(minutes=60)
    else:
        request.status = HelpRequest.Status.UNRESOLVED
    request.save()
    return request


@pytest.fixture
def week():
    maya = Supervisor.objects.create(name="Maya Chen", phone="+14155550101", is_owner=True)
    jordan = Supervisor.objects.create(name="Jordan Alvarez", phone="+14155550102")
    for matched in (True, True, True, False):
        LookupRecord.objects.create(question="q", matched=matched, score=0.7)
    old = LookupRecord.objects.create(question="q", matched=True, score=0.9)
    LookupRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    answered("Do you do keratin?", 10, maya, ["services"])
    answered("Is there parking?", 20, maya, ["location"])
    answered("Can I bring my dog?", 30, jordan, ["policy"], ago_days=2)
    timed_out("Refund please", jordan, ["billing"])
    timed_out("Gift cards?", maya, ["services"], late_answer_by=maya)
    answered("Too old to count", 5, jordan, ["services"], ago_days=40)
    parking = HelpRequest.objects.get(question="Is there parking?")
    HelpRequest.objects.create(
        question="Where do I park?",
        caller_phone="+14155550152",
        duplicate_of=parking,
        tags=["location"],
        expires_at=timezone.now(),
    )
    return maya, jordan


def test_the_week_in_numbers(week):
    today = timezone.localdate()
    report = analytics.report(today - timedelta(days=6), today)

    assert (report.lookups, report.ai_answered, report.hit_rate) == (4, 3, 0.75)
    assert (report.overall.escalated, report.overall.coalesced) == (6, 1)
    assert report.overall.answered == 4  # three in time, one late
    assert report.overall.timeouts == 2  # the late-answered one timed out first
    assert sorted(report.overall.answer_minutes) == [10, 20, 30, 60]
    assert report.overall.median_minutes == 25 and report.overall.p90_minutes == 60
    assert report.timeout_rate == pytest.approx(2 / 6)


def test_by_tag_by_supervisor_and_per_day(week):
    today = timezone.localdate()
    report = analytics.report(today - timedelta(days=6), today)

    assert set(report.by_tag) == {"services", "location", "policy", "billing"}
    services = report.by_tag["services"]
    assert (services.escalated, services.answered, services.timeouts) == (2, 2, 1)
    maya, jordan = report.by_supervisor["Maya Chen"], report.by_supervisor["Jordan Alvarez"]
    assert (maya.escalated, maya.answered, maya.median_minutes) == (3, 3, 20)
    assert (jordan.escalated, jordan.answered, jordan.timeouts) == (2, 1, 1)  # the refund was assigned to Jordan
    assert len(report.by_day) == 7
    assert report.by_day[today] == {"ai_answered": 3, "escalated": 5, "timeouts": 2}
    assert report.by_day[today - timedelta(days=2)]["escalated"] == 1


def test_the_period_comes_from_presets_or_dates_and_bad_dates_are_explained():
    today = timezone.localdate()
    assert analytics.chosen_period({"period": "today"}) == (today, today, None)
    assert analytics.chosen_period({"period": "30d"})[0] == today - timedelta(days=29)
    assert analytics.chosen_period({"from": "2026-01-01", "to": "2026-01-31"})[:2] == (
        today.replace(2026, 1, 1),
        today.replace(2026, 1, 31),
    )
    for bad in ({"from": "yesterday"}, {"from": "2026-02-01", "to": "2026-01-01"}):
        start, end, problem = analytics.chosen_period(bad)
        assert (start, end) == (today - timedelta(days=6), today) and problem


def test_the_page_is_for_staff_and_renders_the_figures(client, week):
    assert client.get("/console/analytics/").status_code == 302
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    page = client.get("/console/analytics/?period=7d")
    assert page.status_code == 200
    assert b'id="figure-hit-rate">75%' in page.content
    assert b'id="analytics-data"' in page.content and b"vendor/chart.umd.js" in page.content
    assert client.get("/console/analytics/?from=nonsense").status_code == 200  # explained, not a 500
