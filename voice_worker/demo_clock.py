"""The demo's simulated clock, a test double of time for `manage.py demo` only: the demo tells a
night and the next morning in a few seconds, so every process it starts (the API server, the
management commands) reads the time from here instead of the system clock.

The demo writes the wanted moment's distance from the real time into a file (`set_to`); a process
started with `DEMO_CLOCK_FILE` naming that file and `DJANGO_SETTINGS_MODULE=voice_worker.
demo_settings` installs `now()` below as `django.utils.timezone.now` before any model is
defined, so field defaults read it too. Time keeps running from the moment set.
"""

from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

_real_now = timezone.now


def install(path: Path) -> None:
    def now() -> datetime:
        try:
            offset = float(path.read_text())
        except (OSError, ValueError):
            offset = 0.0
        return _real_now() + timedelta(seconds=offset)

    timezone.now = now


def set_to(path: Path, moment: datetime) -> None:
    """From now on (until set again) the clock reads `moment`, and runs on from there."""
    path.write_text(str((moment - _real_now()).total_seconds()))
