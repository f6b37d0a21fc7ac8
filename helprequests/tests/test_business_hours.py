"""Deadlines in the salon's working time and the escalation ladder (issue 18), on a simulated
clock: `django.utils.timezone.now` is set by the test, so "11 pm on a Tuesday" and "the next
morning" are moments the test chooses. The demo salon (seed_salon): Tuesday and Wednesday 10-19
in America/Los_Angeles, Monday closed; Maya Chen is the owner, Jordan Alvarez the colourist.
The defaults: due 30 working minutes after the question, a reminder after 10, an escalation
after 20, an urgent request to everyone after 5.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from helprequests import escalation, services
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from helprequests.tests.support_salon import CALLER
from helprequests.tests.support_sms import reply_of
from knowledge.models import SalonProfile
from outbound import delivery
from outbound.models import Message, OptOut

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
COLOR_QUESTION = "Which color brands do you use?"  # color, products: Jordan (and Lee, below)
URGENT_QUESTION = "My scalp is burning after the bleach, what do I do?"


def la(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


@pytest.fixture
def clock(monkeypatch):
    """The simulated clock: `clock.now = la(...)` moves it."""

    class Clock:
        now = la(2026, 12, 1, 23, 0)  # Tuesday night, the salon closed since 19:00

    monkeypatch.setattr(timezone, "now", lambda: Clock.now.astimezone(UTC))
    return Clock


@pytest.fixture
def lee(salon) -> Supervisor:
    """A second colourist, so the routing rule has a next person to choose for a colour question."""
    return Supervisor.objects.create(name="Lee Park", phone="+14155550109", expertise=["color"])


def ask(question: str = COLOR_QUESTION, phone: str = CALLER) -> HelpRequest:
    return services.create_help_request(question=question, caller_phone=phone, caller_name="Ana Diaz").help_request


def ladder_texts(help_request: HelpRequest) -> list[tuple[str, str]]:
    kinds = [Message.Kind.SUPERVISOR_REMINDER, Message.Kind.SUPERVISOR_ESCALATION]
    rows = Message.objects.filter(help_request_id=help_request.pk, kind__in=kinds).order_by("pk")
    return [(message.kind, Supervisor.objects.get(phone=message.to).name) for message in rows]


def ladder_notes(help_request: HelpRequest) -> list[str]:
    return list(
        HelpRequestEvent.objects.filter(help_request=help_request, actor="system:ladder")
        .order_by("pk")
        .values_list("note", flat=True)
    )


def test_a_question_at_night_is_due_half_an_hour_after_opening_and_the_caller_is_told(api, salon, clock):
    response = api.post(
        "/api/v1/help-requests", {"question": "Do you sell gift vouchers?", "caller_phone": "415-555-0150"}
    )

    assert response.status_code == 201, response.data
    body = response.data
    assert body["expires_at"] == body["answer_expected_by"] == "2026-12-02T18:30:00Z"  # Wednesday 10:30 in SF
    assert body["answer_expected"] == "We open at 10 tomorrow; you'll hear from us by 10:30."


def test_a_question_while_open_is_due_in_half_an_hour(api, salon, clock):
    clock.now = la(2026, 12, 2, 14, 0)  # Wednesday afternoon
    body = api.post("/api/v1/help-requests", {"question": "Do you sell gift vouchers?", "caller_phone": CALLER}).data
    assert body["expires_at"] == "2026-12-02T22:30:00Z"
    assert body["answer_expected"] == "You'll hear from us by 2:30."


def test_a_listed_holiday_is_skipped(salon, clock):
    salon_profile = SalonProfile.current()
    salon_profile.profile["holiday_dates"] = [{"date": "2026-12-02", "name": "Staff day"}]
    salon_profile.save()
    # Wednesday is a holiday: Thursday opens at 10.
    assert ask().expires_at == la(2026, 12, 3, 10, 30)


def receipts() -> list[tuple[str, str]]:
    """The "when to expect the answer" texts, as (to, how they end)."""
    rows = Message.objects.filter(kind=Message.Kind.CALLER_RECEIVED).order_by("pk")
    return [(message.to, message.body.split(" the answer. ")[1]) for message in rows]


def test_a_phone_question_at_night_texts_the_caller_when_to_expect_the_answer_once(
    api, salon, clock, sent_texts, django_capture_on_commit_callbacks
):
    asked = {"question": "Do you sell gift vouchers?", "caller_phone": CALLER, "caller_name": "Ana Diaz"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/help-requests", asked, headers={"Idempotency-Key": "call-7-question-1"})
        again = api.post("/api/v1/help-requests", asked, headers={"Idempotency-Key": "call-7-question-1"})

    assert (first.status_code, again.status_code) == (201, 200)
    receipt = Message.objects.get(kind="caller_received")
    assert receipt.body == (
        'Hi Ana, this is Glow & Shear Salon. We have your question "Do you sell gift vouchers?" and will text '
        "you the answer. We open at 10 tomorrow; you'll hear from us by 10:30."
    )
    assert receipt.body.endswith(first.data["answer_expected"])  # what the agent says
    assert (receipt.help_request_id, receipt.status) == (first.data["id"], "sent")
    assert [sent.body for sent in sent_texts if sent.to == CALLER] == [receipt.body]


@pytest.mark.parametrize(
    "asked_at, holiday, told",
    [
        (la(2026, 12, 1, 23, 0), None, "We open at 10 tomorrow; you'll hear from us by 10:30."),  # Tuesday night
        (la(2026, 12, 2, 8, 0), None, "We open at 10 today; you'll hear from us by 10:30."),  # before opening
        (la(2026, 11, 30, 12, 0), None, "We open at 10 tomorrow; you'll hear from us by 10:30."),  # Monday: closed
        (la(2026, 12, 1, 23, 0), "2026-12-02", "We open at 10 on Thursday; you'll hear from us by 10:30."),
        (la(2026, 12, 2, 14, 0), None, None),  # open: the agent's "by 2:30" is all there is to say
        (la(2026, 12, 2, 18, 59), None, None),  # still open, though the answer comes tomorrow
    ],
)
def test_the_caller_is_texted_when_to_expect_the_answer_only_while_the_salon_is_closed(
    salon, clock, asked_at, holiday, told
):
    if holiday:
        salon_profile = SalonProfile.current()
        salon_profile.profile["holiday_dates"] = [{"date": holiday, "name": "Staff day"}]
        salon_profile.save()
    clock.now = asked_at
    help_request = ask()
    assert receipts() == ([(CALLER, told)] if told else [])
    assert Message.objects.filter(kind="supervisor_alert", help_request_id=help_request.pk).count() == 1


def test_each_caller_asking_at_night_is_told_once_however_often_they_ask(salon, clock):
    ask("Do you sell gift vouchers?")
    assert ask("Can I buy a gift voucher?", phone="+14155550199").duplicate_of is not None
    assert ask("Do you sell gift vouchers?").duplicate_of is not None  # Ana again
    assert [to for to, _ in receipts()] == [CALLER, "+14155550199"]


def test_a_texted_question_at_night_says_it_in_the_reply_not_in_a_second_text(salon, clock, text):
    clock.now = la(2026, 12, 1, 14, 0)
    ask()  # Ana asked by phone in the afternoon: she is a known caller
    clock.now = la(2026, 12, 1, 23, 0)
    reply = reply_of(text(CALLER, "Can I bring my dog to my appointment?"))
    assert reply.endswith("We open at 10 tomorrow; you'll hear from us by 10:30.")
    assert receipts() == []


def test_the_receipt_to_an_opted_out_number_is_skipped(salon, clock, sent_texts, django_capture_on_commit_callbacks):
    OptOut.objects.create(phone=CALLER, keyword="STOP")
    with django_capture_on_commit_callbacks(execute=True):
        ask()
    receipt = Message.objects.get(kind="caller_received")
    assert receipt.status == "skipped" and "opted out" in receipt.last_error
    assert not [sent for sent in sent_texts if sent.to == CALLER]


def test_a_receipt_not_yet_sent_when_the_answer_comes_is_not_sent(salon, clock, sent_texts):
    help_request = ask()  # its texts wait in the outbox: nothing was committed and handed over
    services.resolve_help_request(help_request.pk, answer="Yes, any amount.", learn=False)
    receipt = Message.objects.get(kind="caller_received")
    assert delivery.deliver_message(receipt.pk) is None
    receipt.refresh_from_db()
    assert receipt.status == "skipped" and "answered" in receipt.last_error
    assert sent_texts == []


def test_the_ladder_reminds_then_tells_the_next_by_the_routing_rule_and_the_owner(salon, lee, clock):
    help_request = ask()
    assert help_request.assigned_supervisor.name == "Jordan Alvarez"
    assert help_request.ladder_next_at == la(2026, 12, 2, 10, 10)  # Wednesday morning, not overnight
    assert help_request.ladder_last_at == la(2026, 12, 2, 10, 20)

    clock.now = la(2026, 12, 2, 10, 9)
    assert escalation.climb_ladder() == 0  # overnight nothing happens: the salon is closed

    clock.now = la(2026, 12, 2, 10, 10)
    assert escalation.climb_ladder() == 1
    assert escalation.climb_ladder() == 0  # the beat running again takes no step twice
    assert ladder_texts(help_request) == [("supervisor_reminder", "Jordan Alvarez")]
    reminder = Message.objects.get(kind="supervisor_reminder")
    assert reminder.body.startswith("Reminder, Jordan:") and f"#{help_request.pk}" in reminder.body
    assert ladder_notes(help_request) == ["reminded Jordan Alvarez"]

    clock.now = la(2026, 12, 2, 10, 20)
    assert escalation.climb_ladder() == 1
    assert ladder_texts(help_request)[1:] == [
        ("supervisor_escalation", "Lee Park"),
        ("supervisor_escalation", "Maya Chen"),
    ]
    told = Message.objects.filter(kind="supervisor_escalation", to=lee.phone).get()
    assert told.body.startswith("Hey Lee, Jordan hasn't answered this yet: Which color brands")
    assert ladder_notes(help_request)[1:] == ["escalated to Lee Park, Maya Chen (owner)"]
    assert escalation.climb_ladder() == 0  # the ladder has no third step

    clock.now = la(2026, 12, 2, 10, 30)
    assert services.expire_help_requests() == 1  # and the deadline still holds


def test_an_urgent_request_goes_to_the_owner_at_once_then_to_everyone_available(salon, lee, clock):
    Supervisor.objects.filter(name="Sam Okafor").update(available=False)
    clock.now = la(2026, 12, 2, 14, 0)
    help_request = ask(URGENT_QUESTION)
    assert help_request.priority == "urgent" and help_request.assigned_supervisor.name == "Maya Chen"
    assert Message.objects.get(kind="supervisor_alert").to == help_request.assigned_supervisor.phone

    clock.now = la(2026, 12, 2, 14, 5)
    assert escalation.climb_ladder() == 1
    assert sorted(name for _, name in ladder_texts(help_request)) == ["Jordan Alvarez", "Lee Park", "Priya Natarajan"]
    [note] = ladder_notes(help_request)
    assert note.startswith("told everyone available") and "Sam" not in note
    assert Message.objects.get(to=lee.phone).body.startswith("Hey Lee, Urgent, and nobody has answered yet:")
    clock.now = la(2026, 12, 2, 14, 29)
    assert escalation.climb_ladder() == 0


def test_an_answer_stops_the_ladder(salon, lee, clock):
    help_request = ask()
    clock.now = la(2026, 12, 2, 10, 5)
    services.resolve_help_request(help_request.pk, answer="Redken and Wella.", learn=False)
    clock.now = la(2026, 12, 2, 10, 25)
    assert escalation.climb_ladder() == 0
    assert ladder_texts(help_request) == [] and ladder_notes(help_request) == []


def test_a_reminder_not_yet_sent_when_the_answer_comes_is_not_sent(salon, lee, clock, sent_texts):
    help_request = ask()
    clock.now = la(2026, 12, 2, 10, 10)
    escalation.climb_ladder()
    reminder = Message.objects.get(kind="supervisor_reminder")
    services.resolve_help_request(help_request.pk, answer="Redken and Wella.", learn=False)

    assert delivery.deliver_message(reminder.pk) is None
    reminder.refresh_from_db()
    assert reminder.status == "skipped" and "answered" in reminder.last_error
    assert not [sent for sent in sent_texts if sent.to == reminder.to and "Reminder" in sent.body]


def test_a_reminder_to_an_opted_out_number_is_skipped(salon, clock):
    help_request = ask()
    OptOut.objects.create(phone=help_request.assigned_supervisor.phone, keyword="STOP")
    clock.now = la(2026, 12, 2, 10, 10)
    escalation.climb_ladder()
    reminder = Message.objects.get(kind="supervisor_reminder")
    delivery.deliver_message(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == "skipped" and "opted out" in reminder.last_error
    assert ladder_notes(help_request) == ["reminded Jordan Alvarez"]  # the step itself is recorded


def test_attached_requests_do_not_climb_the_ladder_of_their_own(salon, clock):
    primary = ask("Do you sell gift vouchers?")
    attached = ask("Can I buy a gift voucher?", phone="+14155550199")
    assert attached.duplicate_of == primary and attached.ladder_next_at is None
    clock.now = la(2026, 12, 2, 10, 10)
    assert escalation.climb_ladder() == 1
    assert ladder_notes(attached) == [] and len(ladder_notes(primary)) == 1


def test_a_step_turned_off_is_left_out(salon, lee, clock, settings):
    settings.LADDER_REMIND_AFTER_WORKING_MINUTES = 0
    help_request = ask()
    assert help_request.ladder_next_at == la(2026, 12, 2, 10, 20) and help_request.ladder_last_at is None
    clock.now = la(2026, 12, 2, 10, 20)
    assert escalation.climb_ladder() == 1
    assert [kind for kind, _ in ladder_texts(help_request)] == ["supervisor_escalation", "supervisor_escalation"]


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    return client


def test_the_queue_shows_working_time_left_standing_still_while_closed(staff, salon, clock):
    ask()
    page = staff.get(reverse("console:queue_items")).content.decode()
    # Tuesday 23:00: all 30 working minutes are still to come, from Wednesday's opening.
    assert 'data-paused="1"' in page and "30 min left · from Wed 10:00" in page

    clock.now = la(2026, 12, 2, 18, 45)  # Wednesday, a quarter of an hour before closing
    help_request = ask("Do you do perms?")
    page = staff.get(reverse("console:queue_items")).content.decode()
    card = page[page.index(f'data-id="{help_request.pk}"') :]
    # 15 minutes today, 15 on Thursday: the countdown runs until closing, then the page re-reads.
    assert 'data-seconds-left="1800"' in card and 'data-counting-until="900"' in card


def test_history_shows_who_was_reminded_and_escalated_and_when(staff, salon, lee, clock):
    help_request = ask()
    for minute in (10, 20, 30):
        clock.now = la(2026, 12, 2, 10, minute)
        escalation.climb_ladder()
    services.expire_help_requests()
    page = staff.get(reverse("console:history")).content.decode()
    item = page[page.index(f'data-id="{help_request.pk}"') :]
    assert "Dec 2, 10:10</time> Reminded Jordan Alvarez" in item
    assert "Dec 2, 10:20</time> Escalated to Lee Park, Maya Chen (owner)" in item
