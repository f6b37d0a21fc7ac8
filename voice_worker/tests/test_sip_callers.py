"""Who a phone caller is, as LiveKit's SIP bridge says it: `sip.phoneNumber` is the raw SIP From
user, so "anonymous", digits without "+" and extensions arrive as they are. The call must be
recorded whatever arrives, and a caller without a usable number is asked for one."""

import json
import uuid
from types import SimpleNamespace

import pytest
from livekit import rtc

from voice_worker.brain import ESCALATION, OfflineBrain
from voice_worker.tests.support import api_for, hang_up, run, said
from voice_worker.worker import caller_from_participant, start_receptionist

pytestmark = pytest.mark.django_db(transaction=True)


def sip_participant(from_user: str) -> SimpleNamespace:
    """The fields of an rtc.RemoteParticipant the worker reads, as the SIP bridge fills them."""
    return SimpleNamespace(
        kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        attributes={"sip.phoneNumber": from_user, "sip.trunkPhoneNumber": "+14155550100"},
        name=f"Phone {from_user}",
    )


@pytest.mark.parametrize(
    ("from_user", "phone"),
    [
        ("+14155550150", "+14155550150"),
        ("14155550150", "+14155550150"),  # E.164 without its "+"
        ("4155550150", "+14155550150"),  # national, in PHONE_DEFAULT_REGION
        ("442071838750", "+442071838750"),  # international without its "+"
        ("anonymous", None),
        ("1001", None),  # an extension on the salon's own PBX
        ("", None),
    ],
)
def test_a_sip_caller_id_becomes_e164_or_nothing(from_user, phone):
    caller = caller_from_participant(sip_participant(from_user))
    assert caller.channel == "phone" and caller.phone == phone


def test_an_anonymous_caller_is_recorded_and_asked_for_a_callback_number(salon_server, pending_writes):
    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            key = f"test-call-{uuid.uuid4().hex[:10]}"
            call = await start_receptionist(
                api=api,
                caller=caller_from_participant(sip_participant("anonymous")),
                call_key=key,
                room_name=f"room-{key}",
                model=OfflineBrain(),
                capture_greeting=True,
            )
            asked = await call.session.run(user_input="Do you sell gift vouchers?")
            await call.session.run(user_input="It's 415 555 0188")
            confirmed = await call.session.run(user_input="Yes, that's right")
            await hang_up(call)
            return call.call.call_id, asked, said(confirmed)

    call_id, asked, confirmed = run(scenario())

    assert call_id is not None  # recorded, although the caller id was no number
    recorded = salon_server.get(f"/api/v1/calls/{call_id}")
    assert recorded["channel"] == "phone" and recorded["caller_phone"] is None
    assert recorded["transcript"][1]["text"] == "Do you sell gift vouchers?"
    outputs = [json.loads(e.item.output) for e in asked.events if e.type == "function_call_output"]
    assert outputs[-1]["status"] == "need_callback_number"
    assert confirmed.startswith(ESCALATION)
    [request] = salon_server.help_requests()
    assert request["caller_phone"] == "+14155550188" and request["call_id"] == call_id
