"""Side effects that leave the database: texts and webhook events.

Both are written as rows in the same transaction as the change that causes them (an outbox),
then handed to a Celery worker once that transaction commits. If the broker cannot take the job
(Redis down, no worker), the row stays queued and the relay task hands it over later.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.sql import insert_arrays
from helprequests.models import HelpRequest, Message, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("salon.outbox")


def _enqueue_after_commit(task, argument) -> None:
    """`task.delay(argument)` once the transaction commits (an id, or a list of ids)."""

    def enqueue() -> None:
        try:
            task.delay(argument)
        except Exception:  # the broker is unreachable: the relay will pick the rows up
            logger.warning("Could not enqueue %s(%s); the relay will retry it.", task.name, argument, exc_info=True)

    transaction.on_commit(enqueue)


def queue_text(to: str, body: str, kind: str, help_request: HelpRequest | None = None, sent_by: str = "") -> Message:
    """Store a text and send it after commit. Call inside the transaction that causes it."""
    from helprequests.tasks import deliver_message

    message = Message.objects.create(to=to, body=body, kind=kind, help_request=help_request, sent_by=sent_by)
    _enqueue_after_commit(deliver_message, message.pk)
    return message


@dataclass(frozen=True, slots=True)
class Text:
    """A text to store for sending: what `queue_texts` needs of a `Message`, cheap to make by the
    thousand (a sweep's batch)."""

    to: str
    body: str
    kind: str
    help_request_id: int | None = None


def queue_texts(texts: list[Text]) -> list[int]:
    """Store many texts at once and send them after commit, in one job (the timeout sweep, the
    escalation ladder); their ids."""
    from helprequests.tasks import deliver_messages

    if connection.vendor == "postgresql":
        columns = {"to": "varchar", "body": "text", "kind": "varchar", "help_request_id": "bigint"}
        constants = {"attempts": 0, "last_error": "", "created_at": timezone.now(), "status": Message.Status.QUEUED}
        constants |= {"provider_id": "", "sent_by": ""}
        rows = [(text.to, text.body, text.kind, text.help_request_id) for text in texts]
        ids = insert_arrays(Message._meta.db_table, columns, constants, rows)
    else:
        messages = [Message(to=t.to, body=t.body, kind=t.kind, help_request_id=t.help_request_id) for t in texts]
        ids = [message.pk for message in Message.objects.bulk_create(messages)]
    if ids:
        _enqueue_after_commit(deliver_messages, ids)
    return ids


def emit_events(
    event_type: str, subjects: Callable[[], list], describe: Callable[[Any], dict]
) -> list[WebhookDelivery]:
    """`emit_event` for many subjects at once, in one insert and one job. The subjects are read
    (`subjects()`) and described (`describe(subject)`: each event's data) only when some
    endpoint wants this type."""
    from helprequests.tasks import deliver_webhooks

    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(active=True) if endpoint.wants(event_type)]
    if not endpoints:
        return []
    deliveries = []
    for subject in subjects():
        event_id = f"evt_{uuid.uuid4().hex}"
        body = {"id": event_id, "type": event_type, "created_at": timezone.now().isoformat(), "data": describe(subject)}
        deliveries += [
            WebhookDelivery(endpoint=endpoint, event_id=event_id, type=event_type, payload=body)
            for endpoint in endpoints
        ]
    created = WebhookDelivery.objects.bulk_create(deliveries)
    _enqueue_after_commit(deliver_webhooks, [delivery.pk for delivery in created])
    return created


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
