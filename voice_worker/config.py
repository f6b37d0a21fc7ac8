"""What the voice worker needs to know, read once from Django settings (never from the models).

The API token comes from `SALON_API_TOKEN`; when it is unset, the token `make run` created for
the worker (`manage.py setup_demo` keeps it in var/demo-credentials.json) is used, so a fresh
clone works without copying it by hand.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

DEMO_CREDENTIALS = "demo-credentials.json"


class WorkerConfigError(Exception):
    """The worker cannot start as configured; the message says what to set."""


@dataclass(frozen=True)
class WorkerConfig:
    api_url: str
    api_token: str | None
    agent_name: str
    hold_seconds: float
    pending_writes_dir: Path
    max_calls: int = 20

    @classmethod
    def from_settings(cls) -> "WorkerConfig":
        api_url = (settings.SALON_API_URL or "http://127.0.0.1:8000").rstrip("/")
        return cls(
            api_url=api_url,
            api_token=settings.SALON_API_TOKEN or _demo_token(),
            agent_name=settings.VOICE_AGENT_NAME or "",
            hold_seconds=float(settings.HOLD_FOR_ANSWER_SECONDS),
            pending_writes_dir=pending_writes_dir_for(api_url),
            max_calls=settings.VOICE_WORKER_MAX_CALLS,
        )

    def require_token(self) -> str:
        if not self.api_token:
            raise WorkerConfigError(
                "The voice worker has no API token. Set SALON_API_TOKEN to a token from "
                "`python manage.py createapitoken voice-worker`, or run `make run` once (it creates one)."
            )
        return self.api_token


def _demo_token() -> str | None:
    path = Path(settings.VAR_DIR) / DEMO_CREDENTIALS
    try:
        return json.loads(path.read_text()).get("token") or None
    except (OSError, ValueError, AttributeError):
        return None


def pending_writes_dir_for(api_url: str) -> Path:
    """One folder of pending writes per API: what was queued for one server is only ever sent to that server."""
    parts = urlsplit(api_url)
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", f"{parts.hostname or 'api'}-{parts.port or parts.scheme}").strip("-")
    return Path(settings.VOICE_OUTBOX_DIR) / name
