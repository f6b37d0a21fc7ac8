"""SMS in tests: backends selected through the `SMS_BACKEND` setting by dotted path, and what
texts to the salon's number look like (the `text` fixture in conftest.py posts them).

- `ScriptedBackend`: in-process; fails the first N sends with SmsError (a provider outage),
  can be made slow (to widen race windows), and records every call.
- `FileBackend`: appends each text as a JSON line to the file named by the environment variable
  `TEST_SMS_SENT_TEXTS_FILE`, so a test can see what a separate Celery worker process sent.

Remember that `outbound.sms._backend` caches backend instances per path: call
`_backend.cache_clear()` when switching or resetting a backend.
"""

import json
import os
import threading
import time
from xml.etree import ElementTree

from outbound.sms import BaseBackend, OutgoingText, SmsError

SENT_TEXTS_FILE_ENV = "TEST_SMS_SENT_TEXTS_FILE"

TWILIO_TOKEN = "test-twilio-auth-token"
INBOUND_PATH = "/api/v1/sms/inbound"
INBOUND_URL = f"http://testserver{INBOUND_PATH}"  # what the test client's request is built as
SALON_NUMBER = "+14155550142"


def reply_of(response) -> str | None:
    """What the TwiML answer texts back to the sender; None for an empty `<Response/>`."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    return root.findtext("Message")


class ScriptedBackend(BaseBackend):
    """State lives on the class so the test sees it whichever instance the cache handed out."""

    _lock = threading.Lock()
    failures_left = 0
    failure: Exception = SmsError("Provider unavailable (simulated outage).")
    delay_seconds = 0.0
    calls: list[OutgoingText] = []  # every attempt, failed or not
    sent: list[OutgoingText] = []  # the texts the "provider" took

    @classmethod
    def reset(cls, *, fail_times: int = 0, failure: Exception | None = None, delay_seconds: float = 0.0) -> None:
        with cls._lock:
            cls.failures_left = fail_times
            cls.failure = failure or SmsError("Provider unavailable (simulated outage).")
            cls.delay_seconds = delay_seconds
            cls.calls = []
            cls.sent = []

    def send(self, text: OutgoingText) -> str:
        cls = type(self)
        with cls._lock:
            cls.calls.append(text)
            fail = cls.failures_left > 0
            if fail:
                cls.failures_left -= 1
        if cls.delay_seconds:
            time.sleep(cls.delay_seconds)
        if fail:
            raise cls.failure
        with cls._lock:
            cls.sent.append(text)
        return f"scripted-{text.reference}"


class FileBackend(BaseBackend):
    def send(self, text: OutgoingText) -> str:
        path = os.environ[SENT_TEXTS_FILE_ENV]
        line = json.dumps({"to": text.to, "body": text.body, "reference": text.reference, "pid": os.getpid()})
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return f"file-{text.reference}"


def read_sent_texts_file(path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []
