"""SMS backends, chosen by `SMS_BACKEND` the way Django chooses an email backend.

- console (default): logs each text; nothing leaves the machine.
- twilio: Twilio's Messages REST API, used when TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN are set.
- memory: keeps texts in a process-local list, for tests.
"""

import logging
from dataclasses import dataclass
from functools import cache

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("salon.sms")


class SmsError(Exception):
    """The provider did not take the text; the delivery task retries it."""


@dataclass(frozen=True)
class OutgoingText:
    to: str
    body: str
    reference: str  # our Message id, so a provider or a log line can be traced back


class BaseBackend:
    def send(self, text: OutgoingText) -> str:
        """Send one text; return the provider's id for it. Raise SmsError when it was not taken."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, text: OutgoingText) -> str:
        logger.info("SMS to %s [%s]: %s", text.to, text.reference, text.body)
        return f"console-{text.reference}"


class InMemoryBackend(BaseBackend):
    sent_texts: list[OutgoingText] = []

    def send(self, text: OutgoingText) -> str:
        InMemoryBackend.sent_texts.append(text)
        return f"memory-{text.reference}"


class TwilioBackend(BaseBackend):
    API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"

    def send(self, text: OutgoingText) -> str:
        sid, auth, sender = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER
        if not (sid and auth and sender):
            raise SmsError("Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER.")
        try:
            response = httpx.post(
                self.API.format(sid=sid),
                data={"To": text.to, "From": sender, "Body": text.body},
                auth=(sid, auth),
                timeout=15,
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"Twilio unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise SmsError(f"Twilio answered {response.status_code}: {response.text[:300]}")
        return response.json().get("sid", "")


@cache
def _backend(path: str) -> BaseBackend:
    return import_string(path)()


def get_backend() -> BaseBackend:
    return _backend(settings.SMS_BACKEND)
