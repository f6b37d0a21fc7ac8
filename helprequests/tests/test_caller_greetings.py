"""A caller is greeted by their first name only when they gave a real one (issue 13): the voice
console records "Console caller" and the web call page "Web caller" when nobody said a name, and
a text must not begin "Hi Console, …"."""

import pytest

from helprequests import messages
from helprequests.callers import first_name, real_name
from helprequests.models import HelpRequest, Supervisor


@pytest.fixture(autouse=True)
def salon_name(monkeypatch):
    monkeypatch.setattr(messages.SalonProfile, "display_name", classmethod(lambda cls: "Glow & Shear Salon"))


def request_from(caller_name: str) -> HelpRequest:
    return HelpRequest(question="Do you sell gift vouchers?", caller_name=caller_name, answer="Yes.")


@pytest.mark.parametrize(
    ("caller_name", "greeting"),
    [
        ("Ana Diaz", "Hi Ana, this is Glow & Shear Salon."),
        ("  ana ", "Hi ana, this is Glow & Shear Salon."),
        ("Console caller", "Hi, this is Glow & Shear Salon."),
        ("Web caller", "Hi, this is Glow & Shear Salon."),
        ("", "Hi, this is Glow & Shear Salon."),
        ("   ", "Hi, this is Glow & Shear Salon."),
        ("+1 415 555 0150", "Hi, this is Glow & Shear Salon."),
        ("Unknown", "Hi, this is Glow & Shear Salon."),
    ],
)
def test_the_follow_up_and_the_timeout_text_greet_only_a_real_name(caller_name, greeting):
    help_request = request_from(caller_name)
    assert messages.caller_followup(help_request).startswith(greeting + " About your question")
    assert messages.caller_timeout(help_request, "Glow & Shear Salon").startswith(greeting + " We're sorry")


@pytest.mark.parametrize(
    ("name", "real"),
    [("Jordan", "Jordan"), ("Console caller", ""), ("web CALLER", ""), ("Guest", ""), ("Caller Smith", "Caller Smith")],
)
def test_a_real_name_is_one_that_names_a_person(name, real):
    assert real_name(name) == real
    assert first_name(name) == (real.split()[0] if real else "")


@pytest.mark.parametrize(
    ("caller_name", "caller_line"),
    [("Ana Diaz", "Caller: Ana Diaz (+14155550150)."), ("Console caller", "Caller: +14155550150.")],
)
def test_the_supervisors_alert_names_the_caller_only_by_a_real_name(caller_name, caller_line):
    help_request = HelpRequest(pk=7, question="Do you sell gift vouchers?", caller_name=caller_name)
    help_request.caller_phone, help_request.priority = "+14155550150", "low"
    supervisor = Supervisor(name="Maya Chen")
    assert caller_line in messages.supervisor_alert(help_request, supervisor)
