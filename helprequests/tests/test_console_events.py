"""What the console pages hear on /ws/console/: every help-request change made through the
services (whoever made it: the API, the admin, a console page, the timeout sweep) is announced
as a `help_request` event once it is committed, with just enough to react at once."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.utils import timezone

from conftest import WAIT, run, session_headers
from helprequests import services
from helprequests.models import HelpRequest
from helprequests.tests.support_salon import CALLER, add_owner
from salon_project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_CALLER = "+14155550151"


class HelpRequestFeed(WebsocketCommunicator):
    """A console connection that hears only what these tests are about: `help_request` events
    (and the connection's own hello); others, such as the entry a resolve teaches, are skipped."""

    WANTED = ("help_request", "console")

    async def receive_json_from(self, timeout=1):
        while True:
            event = await super().receive_json_from(timeout)
            if event.get("kind") in self.WANTED:
                return event

    async def receive_nothing(self, timeout=0.1, interval=0.01):
        while not await super().receive_nothing(timeout, interval):
            if (await super().receive_json_from(timeout)).get("kind") in self.WANTED:
                return False
        return True


def listen(scenario_steps):
    """Connect a staff console page, run `scenario_steps(page)` (async) and disconnect."""
    headers = session_headers(User.objects.create_user("maya", password="pw", is_staff=True))

    async def scenario():
        page = HelpRequestFeed(application, "/ws/console/", headers=headers)
        assert (await page.connect(timeout=WAIT))[0]
        assert (await page.receive_json_from(timeout=WAIT))["action"] == "connected"
        await scenario_steps(page)
        assert await page.receive_nothing(timeout=0.2)
        await page.disconnect()

    run(scenario)


def ask(question: str, caller_phone: str = CALLER) -> HelpRequest:
    return services.create_help_request(question=question, caller_phone=caller_phone).help_request


def test_a_new_request_and_one_attached_to_it_are_announced():
    add_owner()

    async def steps(page):
        first = await sync_to_async(ask)("Do you sell gift vouchers?")
        assert await page.receive_json_from(timeout=WAIT) == {
            "kind": "help_request",
            "action": "created",
            "data": {
                "id": first.pk,
                "status": "pending",
                "priority": "low",
                "question": "Do you sell gift vouchers?",
                "duplicate_of": None,
            },
        }
        same = await sync_to_async(ask)("Can I buy a gift card?", OTHER_CALLER)
        event = await page.receive_json_from(timeout=WAIT)
        assert (event["action"], event["data"]["id"], event["data"]["duplicate_of"]) == ("coalesced", same.pk, first.pk)

    listen(steps)


def test_an_urgent_request_says_so():
    add_owner()

    async def steps(page):
        await sync_to_async(ask)("My scalp is swollen and burning after my color appointment")
        event = await page.receive_json_from(timeout=WAIT)
        assert (event["action"], event["data"]["priority"]) == ("created", "urgent")

    listen(steps)


def test_an_answer_is_announced_for_every_request_it_answers_with_the_answer_and_who_gave_it():
    owner = add_owner()
    first = ask("Do you sell gift vouchers?")
    same = ask("Can I buy a gift card?", OTHER_CALLER)

    async def steps(page):
        await sync_to_async(services.resolve_help_request)(
            first.pk, answer="Yes, at the front desk.", supervisor=owner, learn=False
        )
        events = [await page.receive_json_from(timeout=WAIT) for _ in range(2)]
        assert [(e["action"], e["data"]["id"]) for e in events] == [("resolved", first.pk), ("resolved", same.pk)]
        for event in events:
            assert event["data"]["answer"] == "Yes, at the front desk."
            assert event["data"]["answered_by"] == "Maya Chen"
            assert event["data"]["status"] == "resolved"

    listen(steps)


def test_a_console_user_without_a_supervisor_profile_is_named_by_username():
    add_owner()
    help_request = ask("Do you sell gift vouchers?")

    async def steps(page):
        await sync_to_async(services.resolve_help_request)(help_request.pk, answer="Yes.", actor="user:sam")
        assert (await page.receive_json_from(timeout=WAIT))["data"]["answered_by"] == "sam"

    listen(steps)


def test_a_refused_answer_announces_nothing():
    owner = add_owner()
    help_request = ask("Do you sell gift vouchers?")
    services.resolve_help_request(help_request.pk, answer="Yes.", supervisor=owner)

    async def steps(page):
        with pytest.raises(services.Conflict):
            await sync_to_async(services.resolve_help_request)(help_request.pk, answer="No.", supervisor=owner)

    listen(steps)


def test_the_timeout_sweep_announces_the_requests_it_times_out_together():
    """One event per sweep batch, naming every request: a backlog of thousands must not become
    thousands of websocket messages to every open page."""
    add_owner()
    first = ask("Do you sell gift vouchers?")
    second = ask("Is there a student discount?", OTHER_CALLER)
    HelpRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    async def steps(page):
        assert await sync_to_async(services.expire_help_requests)() == 2
        event = await page.receive_json_from(timeout=WAIT)
        assert (event["action"], sorted(event["data"]["ids"])) == ("timed_out", [first.pk, second.pk])

    listen(steps)
