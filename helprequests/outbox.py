"""Side effects that leave the database: texts and webhook events.

Both are written as rows in the same transaction as the change that causes them (an outbox),
then handed to a Celery worker once that transaction commits. If the broker cannot take the job
(Redis down, no worker), the row stays queued and the relay task hands it over later.
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from helprequests.models import HelpRequest, Message, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("salon.outbox")


def _enqueue_after_commit(task, object_id: int) -> None:
    def enqueue() -> None:
        try:
            task.delay(object_id)
        except Exception:  # the broker is unreachable: the relay will pick the row up
            logger.warning("Could not enqueue %s(%s); the relay will retry it.", task.name, object_id, exc_info=True)

    transaction.on_commit(enqueue)


def queue_text(to: str, body: str, kind: str, help_request: HelpRequest | None = None) -> Message:
    """Store a text and send it after commit. Call inside the transaction that causes it."""
    from helprequests.tasks import deliver_message

    message = Message.objects.create(to=to, body=body, kind=kind, help_request=help_request)
    _enqueue_after_commit(deliver_message, message.pk)
    return message


def emit_event(event_type: str, data: dict) -> list[WebhookDelivery]:
    """Record the event for every endpoint that wants it and deliver after commit."""
    from helprequests.tasks import deliver_webhook

    event_id = f"evt_{uuid.uuid4().hex}"
    body = {"id": event_id, "type": event_type, "created_at": timezone.now().isoformat(), "data": data}
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        if endpoint.wants(event_type):
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint, event_id=event_id, type=event_type, payload=body
            )
            _enqueue_after_commit(deliver_webhook, delivery.pk)
            deliveries.append(delivery)
    return deliveries
