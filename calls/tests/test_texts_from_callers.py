"""A number that called the salon is a known caller when it texts (issue 13), although
helprequests, which receives the text, cannot import calls: calls registers the lookup
(calls/apps.py, `helprequests.callers.register_caller_lookup`)."""

import pytest

from calls.models import Call
from helprequests.callers import known_caller
from helprequests.models import HelpRequest, InboundText
from helprequests.tests.support_sms import reply_of

pytestmark = pytest.mark.django_db

CALLER = "+14155550177"


def test_a_number_that_only_called_is_a_caller_with_the_name_the_call_recorded(salon, text):
    Call.objects.create(room="sip-1", caller_phone=CALLER, caller_name="Ben Okafor")

    reply = reply_of(text(CALLER, "Do you do beard trims?"))

    assert reply.startswith("Hi Ben, this is Glow & Shear Salon.")
    record = InboundText.objects.get()
    assert (record.kind, record.outcome) == ("caller", "new_request")
    assert (record.help_request.caller_phone, record.help_request.caller_name) == (CALLER, "Ben Okafor")


def test_a_placeholder_name_from_the_voice_console_is_no_name(salon, text):
    Call.objects.create(room="console-1", channel="web", caller_phone=CALLER, caller_name="Console caller")

    assert reply_of(text(CALLER, "Do you do beard trims?")).startswith("Hi, this is Glow & Shear Salon.")
    assert HelpRequest.objects.get().caller_name == ""


def test_the_newest_real_name_wins_and_a_stranger_is_nobody(db):
    Call.objects.create(room="sip-1", caller_phone=CALLER, caller_name="Ben")
    Call.objects.create(room="sip-2", caller_phone=CALLER, caller_name="Web caller")
    assert known_caller(CALLER).name == "Ben"
    assert known_caller("+14155550178") is None
