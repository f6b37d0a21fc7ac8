"""The console's Analytics page and the numbers on it, over a chosen period of days.

- AI-answered vs escalated: lookups the knowledge base answered (knowledge.LookupRecord) vs
  help requests opened (each caller's request counts; `coalesced` says how many of them were
  attached to a request already pending, so no supervisor was alerted again).
- Hit rate: answered lookups / all lookups.
- Time to answer: resolved_at - created_at of the requests answered, the median (the middle
  value; the mean of the two middle ones for an even count) and p90 (nearest rank), late
  answers included.
- Timeouts: requests that reached `unresolved` (from the audit trail, so a request answered
  late still counts as having timed out), and their share of the requests that ended.
- The same by tag and by supervisor (who answered; who was assigned, for timeouts), and per day.
- What to teach next, and where the receptionist was unsure (`helprequests.teaching`).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.console import render_page
from helprequests import teaching
from helprequests.models import HelpRequest, HelpRequestEvent
from knowledge.models import LookupRecord

PRESETS = {"today": 1, "7d": 7, "30d": 30}
MAX_DAYS = 366


def nearest_rank(values: list[float], percent: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `percent`% at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)), 1) - 1]


@dataclass
class Group:
    """Counts for one slice (a tag, a supervisor, a day, or everything)."""

    escalated: int = 0
    coalesced: int = 0
    answered: int = 0
    timeouts: int = 0
    answer_minutes: list[float] = field(default_factory=list)

    @property
    def median_minutes(self) -> float | None:
        return median(self.answer_minutes) if self.answer_minutes else None

    @property
    def p90_minutes(self) -> float | None:
        return nearest_rank(self.answer_minutes, 90)


@dataclass
class Report:
    start: date
    end: date  # inclusive
    lookups: int
    ai_answered: int
    overall: Group
    by_tag: dict[str, Group]
    by_supervisor: dict[str, Group]
    by_day: dict[date, dict[str, int]]

    @property
    def hit_rate(self) -> float | None:
        return self.ai_answered / self.lookups if self.lookups else None

    @property
    def timeout_rate(self) -> float | None:
        ended = self.overall.answered + self.overall.timeouts
        return self.overall.timeouts / ended if ended else None


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants the days `start`..`end` (inclusive) begin and end at, on the active zone's
    clock (the salon's on console pages: knowledge.salon_time), daylight saving included."""
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end + timedelta(days=1), time.min, zone)


def report(start: date, end: date) -> Report:
    """The numbers for the days `start`..`end` (inclusive, in the site's time zone)."""
    zone = timezone.get_current_timezone()
    since, until = bounds(start, end)
    lookups = LookupRecord.objects.filter(created_at__gte=since, created_at__lt=until)
    days = {
        start + timedelta(days=n): {"ai_answered": 0, "escalated": 0, "timeouts": 0}
        for n in range((end - start).days + 1)
    }
    lookup_count = 0
    for created_at, matched in lookups.values_list("created_at", "matched"):
        lookup_count += 1
        if matched:
            days[timezone.localtime(created_at, zone).date()]["ai_answered"] += 1

    requests = HelpRequest.objects.filter(created_at__gte=since, created_at__lt=until).select_related(
        "answered_by", "assigned_supervisor"
    )
    timed_out = set(
        HelpRequestEvent.objects.filter(to_status=HelpRequest.Status.UNRESOLVED, help_request__in=requests).values_list(
            "help_request_id", flat=True
        )
    )
    overall, by_tag, by_supervisor = Group(), defaultdict(Group), defaultdict(Group)
    for request in requests:
        day = days[timezone.localtime(request.created_at, zone).date()]
        day["escalated"] += 1
        groups = [overall] + [by_tag[tag] for tag in request.tags or ["untagged"]]
        person = request.answered_by or request.assigned_supervisor
        if person is not None:
            groups.append(by_supervisor[person.name])
        for group in groups:
            group.escalated += 1
            group.coalesced += request.duplicate_of_id is not None
            if request.pk in timed_out:
                group.timeouts += 1
            if request.status == HelpRequest.Status.RESOLVED and request.resolved_at:
                group.answered += 1
                group.answer_minutes.append((request.resolved_at - request.created_at).total_seconds() / 60)
        if request.pk in timed_out:
            day["timeouts"] += 1
    return Report(
        start=start,
        end=end,
        lookups=lookup_count,
        ai_answered=sum(counts["ai_answered"] for counts in days.values()),
        overall=overall,
        by_tag=dict(sorted(by_tag.items())),
        by_supervisor=dict(sorted(by_supervisor.items())),
        by_day=days,
    )


def chosen_period(params) -> tuple[date, date, str | None]:
    """The period the page asks for: a preset (`period=today|7d|30d`) or `from`/`to` dates;
    bad input falls back to 7 days with a sentence saying why."""
    today = timezone.localdate()
    if params.get("from") or params.get("to"):
        try:
            start = date.fromisoformat(params.get("from") or params.get("to"))
            end = date.fromisoformat(params.get("to") or params.get("from"))
        except ValueError:
            return today - timedelta(days=6), today, "Dates must look like 2026-11-21; showing the last 7 days."
        if start > end:
            return today - timedelta(days=6), today, "The start date is after the end date; showing the last 7 days."
        if (end - start).days >= MAX_DAYS:
            return (
                end - timedelta(days=MAX_DAYS - 1),
                end,
                f"A period is at most {MAX_DAYS} days; showing the last of it.",
            )
        return start, end, None
    days = PRESETS.get(params.get("period", "7d"), 7)
    return today - timedelta(days=days - 1), today, None


def _minutes(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def chart_data(data: Report) -> dict:
    """What analytics.js draws (Chart.js), passed with json_script."""
    return {
        "days": [day.isoformat() for day in data.by_day],
        "ai_answered": [counts["ai_answered"] for counts in data.by_day.values()],
        "escalated": [counts["escalated"] for counts in data.by_day.values()],
        "timeouts": [counts["timeouts"] for counts in data.by_day.values()],
        "tags": list(data.by_tag),
        "tag_escalated": [group.escalated for group in data.by_tag.values()],
        "tag_timeouts": [group.timeouts for group in data.by_tag.values()],
        "supervisors": list(data.by_supervisor),
        "supervisor_answered": [group.answered for group in data.by_supervisor.values()],
        "supervisor_median": [_minutes(group.median_minutes) for group in data.by_supervisor.values()],
    }


@staff_member_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    start, end, problem = chosen_period(request.GET)
    data = report(start, end)
    since, until = bounds(start, end)
    context = {
        "report": data,
        "to_teach": teaching.to_teach(since, until),
        "unsure": teaching.unsure(since, until),
        "chart": chart_data(data),
        "problem": problem,
        "period": request.GET.get("period", "" if request.GET.get("from") else "7d"),
        "presets": [("today", "Today"), ("7d", "7 days"), ("30d", "30 days")],
    }
    return render_page(request, "console/analytics.html", "Analytics", "analytics", context)
