"""`text_due`: the app a text is about may say it is no longer wanted, just before it would be
sent; the text is then closed as skipped with that sentence and never handed to the backend."""

import pytest

from outbound import delivery
from outbound.delivery import text_due
from outbound.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def unwanted_alerts():
    def receiver(sender, message: Message, **kwargs) -> str | None:
        return "Not sent: nobody waits for it." if message.kind == Message.Kind.TRANSFER_ALERT else None

    text_due.connect(receiver, sender=Message, dispatch_uid="test.unwanted_alerts")
    yield
    text_due.disconnect(sender=Message, dispatch_uid="test.unwanted_alerts")


def test_a_text_a_receiver_no_longer_wants_is_skipped_with_its_reason(unwanted_alerts, sent_texts):
    alert = Message.objects.create(to="+14155550188", body="Take the call?", kind=Message.Kind.TRANSFER_ALERT)
    assert delivery.deliver_message(alert.pk) is None
    alert.refresh_from_db()
    assert (alert.status, alert.last_error) == (Message.Status.SKIPPED, "Not sent: nobody waits for it.")
    assert sent_texts == []


def test_a_text_no_receiver_objects_to_is_sent(unwanted_alerts, sent_texts):
    reply = Message.objects.create(to="+14155550188", body="See you at 2.", kind=Message.Kind.CALLER_REPLY)
    delivery.deliver_message(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.SENT and [text.body for text in sent_texts] == ["See you at 2."]
