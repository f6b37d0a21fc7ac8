"""Fixtures of the helprequests tests: texts to the salon's number, signed as Twilio signs them."""

import uuid
from urllib.parse import urlencode

import pytest
from django.test import override_settings
from twilio.request_validator import RequestValidator

from helprequests.tests.support_sms import INBOUND_PATH, INBOUND_URL, SALON_NUMBER, TWILIO_TOKEN


@pytest.fixture
def twilio_configured():
    with override_settings(TWILIO_AUTH_TOKEN=TWILIO_TOKEN, TWILIO_WEBHOOK_URL=None):
        yield


@pytest.fixture
def text(client, django_capture_on_commit_callbacks, twilio_configured):
    """`text(sender, body)` posts a text as Twilio's Messaging webhook does: its form fields,
    signed by Twilio's own library (twilio-python's RequestValidator) with the auth token.
    Each text gets a fresh MessageSid unless `sid` repeats one. Returns the response."""

    def text(sender: str, body: str, *, sid: str | None = None, signature: str | None = None, url: str = INBOUND_URL):
        form = {
            "MessageSid": sid or f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": SALON_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        if signature is None:
            signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                INBOUND_PATH,
                urlencode(form),
                content_type="application/x-www-form-urlencoded",
                headers={"X-Twilio-Signature": signature},
            )

    return text
