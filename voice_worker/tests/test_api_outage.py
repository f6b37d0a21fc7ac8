"""When the API is down the caller is apologised to and promised a call-back, and nothing the
worker owes the API is lost: it waits in the pending writes on disk and is sent, once, with the same
Idempotency-Key, when the API is back (even by another process)."""

import asyncio
import json
import os

import httpx
import pytest

from voice_worker.api_client import ApiRejected, ApiUnavailable, SalonApi
from voice_worker.brain import ESCALATION
from voice_worker.pending_writes import PendingWrites, Queued, Write
from voice_worker.tests.support import api_for, run, said, start_call
from voice_worker.tests.support_proxy import SwitchableProxy

pytestmark = pytest.mark.django_db(transaction=True)


async def wait_until_sent(pending_writes: PendingWrites, timeout: float = 20.0) -> None:
    async def empty():
        while pending_writes.count():
            await asyncio.sleep(0.1)

    await asyncio.wait_for(empty(), timeout)


def test_an_outage_during_a_call_loses_nothing_and_creates_one_help_request(salon_server, pending_writes):
    async def scenario():
        proxy = SwitchableProxy(salon_server.url)
        await proxy.up()
        async with SalonApi(proxy.url, salon_server.token, pending_writes=pending_writes) as api:
            call = await start_call(api)
            await proxy.down()
            result = await call.session.run(user_input="Is there parking close by?")
            result.expect.contains_function_call(name="request_help")
            during = {
                "reply": said(result),
                "requests": salon_server.help_requests(),
                "queued": [write.path for write in pending_writes.entries()],
            }
            await call.session.run(user_input="Okay, bye!")
            await call.call.aclose()
            await asyncio.sleep(1)  # the API is still down: nothing is dropped meanwhile
            still_queued = pending_writes.count()
            await proxy.up()
            api.start_draining(interval=0.2)
            await wait_until_sent(pending_writes)
            return call.call.call_id, during, still_queued

    call_id, during, still_queued = run(scenario())

    reply = during["reply"]
    assert "sorry" in reply.lower() and "call you back at 4 1 5, 5 5 5, 0 1 5 0" in reply
    assert ESCALATION not in reply  # nobody has been asked yet, so it does not pretend so
    assert during["requests"] == []
    assert "/api/v1/help-requests" in during["queued"]
    assert still_queued == len(during["queued"]) + 3  # and the caller's goodbye, the agent's, the end
    [request] = salon_server.help_requests()
    assert request["question"] == "Is there parking close by?" and request["caller_phone"] == "+14155550150"
    assert request["call_id"] == call_id
    recorded = salon_server.get(f"/api/v1/calls/{call_id}")
    assert recorded["status"] == "ended" and recorded["end_reason"] == "goodbye"
    assert [turn["text"] for turn in recorded["transcript"]][1:3] == ["Is there parking close by?", reply]
    assert pending_writes.failed_entries() == []


def test_a_call_that_starts_while_the_api_is_down_is_recorded_in_order_when_it_is_back(salon_server, pending_writes):
    async def scenario():
        proxy = SwitchableProxy(salon_server.url)  # never up until the call is over
        async with SalonApi(proxy.url, salon_server.token, pending_writes=pending_writes) as api:
            call = await start_call(api, phone="+14155550161")
            first = await call.session.run(user_input="How much is a men's haircut?")
            await call.session.run(user_input="Do you sell gift vouchers?")
            await call.session.run(user_input="Thanks, goodbye")
            await call.call.aclose()
            assert call.call.call_id is None
            await proxy.up()
            assert await api.drain() == 0
            return said(first)

    first_reply = run(scenario())

    assert "sorry" in first_reply.lower()  # even the price could not be looked up: it did not guess
    [recorded] = salon_server.get("/api/v1/calls")["items"]
    texts = [turn["text"] for turn in recorded["transcript"]]
    assert texts[0].startswith("Hi, thanks for calling the salon")  # the profile was unreachable too
    assert texts[1:] and texts.index("How much is a men's haircut?") < texts.index("Do you sell gift vouchers?")
    assert recorded["status"] == "ended"
    requests = salon_server.help_requests()
    assert sorted(request["question"] for request in requests) == [
        "Do you sell gift vouchers?",
        "How much is a men's haircut?",
    ]
    assert {request["call_id"] for request in requests} == {recorded["id"]}  # linked once the call existed


def test_a_lost_response_is_retried_with_the_same_key_and_creates_nothing_twice(salon_server, pending_writes):
    sent_keys = []

    class LoseFirstResponse(httpx.AsyncBaseTransport):
        """Forwards every request; the first help request's response never comes back."""

        def __init__(self):
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request):
            response = await self.inner.handle_async_request(request)
            if request.url.path == "/api/v1/help-requests":
                sent_keys.append(request.headers.get("Idempotency-Key"))
                if len(sent_keys) == 1:
                    await response.aread()
                    raise httpx.ReadError("connection reset after the request was sent")
            return response

    async def scenario():
        async with api_for(salon_server, pending_writes, transport=LoseFirstResponse()) as api:
            call = await start_call(api)
            result = await call.session.run(user_input="Do you have wifi for clients?")
            await call.session.aclose()
            await call.call.aclose()
            return said(result)

    reply = run(scenario())

    assert reply.startswith(ESCALATION)
    assert len(sent_keys) == 2 and sent_keys[0] == sent_keys[1] and sent_keys[0]
    assert len(salon_server.help_requests()) == 1


def test_pending_writes_are_a_file_that_another_process_sends(salon_server, tmp_path):
    folder = tmp_path / "pending-writes"
    write = Write(
        "POST",
        "/api/v1/help-requests",
        {"question": "Is it okay to bring my dog along?", "caller_phone": "+14155550170"},
        idempotency_key="call-9:turn-3:dog",
        description="a help request",
    )

    async def queue_while_down():
        async with SalonApi("http://127.0.0.1:9", salon_server.token, pending_writes=PendingWrites(folder)) as api:
            return await api.submit(write)

    assert isinstance(run(queue_while_down()), Queued)
    [name] = os.listdir(folder / "pending")
    # The process that was sending it died mid-send: its claim is released and it is sent again.
    os.rename(folder / "pending" / name, folder / "pending" / f"{name}.claim-999999999-dead")

    async def later_in_another_worker():
        async with SalonApi(salon_server.url, salon_server.token, pending_writes=PendingWrites(folder)) as api:
            return await api.drain()

    assert run(later_in_another_worker()) == 0
    [request] = salon_server.help_requests()
    assert request["question"] == "Is it okay to bring my dog along?"
    assert os.listdir(folder / "pending") == []


def test_a_write_the_api_refuses_is_set_aside_not_retried_forever(salon_server, pending_writes):
    async def scenario():
        async with SalonApi("http://127.0.0.1:9", salon_server.token, pending_writes=pending_writes) as down:
            await down.submit(Write("POST", "/api/v1/help-requests", {"question": "Hi?", "caller_phone": "12"}))
            await down.submit(Write("POST", "/api/v1/calls/424242/end", {"reason": "goodbye"}, accept=(404,)))
        async with api_for(salon_server, pending_writes) as api:
            remaining = await api.drain()
            with pytest.raises(ApiRejected):
                await api.submit(Write("POST", "/api/v1/help-requests", {"question": "Hi?", "caller_phone": "12"}))
            return remaining

    assert run(scenario()) == 0
    [failed] = pending_writes.failed_entries()
    assert failed["write"]["path"] == "/api/v1/help-requests" and "422" in failed["last_error"]
    assert salon_server.help_requests() == []


def test_reads_give_up_quickly_when_the_api_is_down(salon_server):
    async def scenario():
        async with SalonApi("http://127.0.0.1:9", salon_server.token) as api:
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(ApiUnavailable):
                await api.lookup("What does a blowout cost?")
            first = loop.time() - started
            started = loop.time()
            with pytest.raises(ApiUnavailable):
                await api.lookup("What does a blowout cost?")
            return first, loop.time() - started, await api.salon()

    first, second, profile = run(scenario())
    assert first < 3 and second < 0.5  # known to be down: no retries while a caller waits
    assert profile is None


def test_pending_writes_are_readable_json(pending_writes):
    pending_writes.put(Write("POST", "/api/v1/calls", {"room": "r1"}, idempotency_key="k1", group="g"), "down")
    [name] = os.listdir(pending_writes.pending)
    data = json.loads((pending_writes.pending / name).read_text())
    assert data["write"]["idempotency_key"] == "k1" and data["last_error"] == "down"
    assert pending_writes.has_pending("g") and not pending_writes.has_pending("other")
