"""The salon's own clock for pages: staff read times as the salon's wall clock, not UTC.

`TIME_ZONE` stays UTC (what the database stores and the logs print); every admin and console
request activates the salon's zone (`knowledge.SalonProfile.timezone`), so templates, forms and
`timezone.localdate()` (Analytics' "Today") speak the salon's time, daylight saving included.
The API has no middleware and keeps its ISO timestamps with their offset.
"""

import logging
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from knowledge.models import SalonProfile

logger = logging.getLogger("salon.time")


def salon_zone() -> zoneinfo.ZoneInfo | None:
    """The salon's time zone, or None (the site's UTC) when there is no profile or its zone is
    not an IANA name (logged, so the owner can fix it in admin)."""
    profile = SalonProfile.current()
    name = (profile.timezone or "").strip() if profile else ""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        logger.warning("The salon's time zone %r is not a known zone name; showing times in UTC.", name)
        return None


class SalonTimeZoneMiddleware:
    """Activate the salon's zone for the request (one primary-key read), and drop it after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = salon_zone()
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
