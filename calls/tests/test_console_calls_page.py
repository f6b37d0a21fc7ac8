"""The console's Calls page (/console/calls/): an ended call keeps its transcript, in the order
it was said, beside how it ended."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from calls import services

pytestmark = pytest.mark.django_db


def test_an_ended_call_shows_its_transcript(client):
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    call = services.start_call(room="sip-7", caller_phone="+14155550177").call
    services.add_turn(call.pk, role="caller", text="Do you do perms?")
    services.add_turn(call.pk, role="agent", text="Yes, we do perms from $120.")
    services.end_call(call.pk, reason="goodbye")
    silent = services.start_call(room="sip-8").call
    services.end_call(silent.pk, reason="caller_hung_up")

    page = client.get(reverse("console:calls")).content.decode()

    row = re.search(rf'<tr data-call-id="{call.pk}">.*?</tr>', page, re.S).group(0)
    assert "2 turns" in row
    said = re.findall(r'<span class="turn-who">(\w+):</span> ([^<]+)</li>', row)
    assert said == [("Caller", "Do you do perms?"), ("Receptionist", "Yes, we do perms from $120.")]
    assert "nothing said" in re.search(rf'<tr data-call-id="{silent.pk}">.*?</tr>', page, re.S).group(0)
