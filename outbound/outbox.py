"""Side effects that leave the database: texts and webhook events.

Both are written as rows in the same transaction as the change that causes them (an outbox),
then handed to a Celery worker once that transaction commits. If the broker cannot take the job
(Redis down, no worker), the row stays queued and the relay task hands it over later.

This is the service side of the Styleguide's pattern: it imports its tasks and enqueues them
on commit; the tasks import `delivery`, never this module, so nothing here is imported lazily.
"""

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from celery import Task
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.sql import insert_arrays
from outbound.models import Message, WebhookDelivery, WebhookEndpoint
from outbound.tasks import deliver_message, deliver_messages, deliver_webhook, deliver_webhooks

logger = logging.getLogger("salon.outbox")


def enqueue_after_commit(task: Task, argument: int | list[int]) -> None:
    """`task.delay(argument)` once the transaction commits (an id, or a list of ids). A broker
    that cannot take it fails nothing: the rows stay waiting and the relay hands them over."""

    def enqueue() -> None:
        try:
            task.delay(argument)
        except Exception:  # the broker is unreachable: the relay will pick the rows up
            logger.warning("Could not enqueue %s(%s); the relay will retry it.", task.name, argument, exc_info=True)

    transaction.on_commit(enqueue)


def queue_text(to: str, body: str, kind: str, help_request_id: int | None = None, sent_by: str = "") -> Message:
    """Store a text and send it after commit. Call inside the transaction that causes it."""
    message = Message.objects.create(to=to, body=body, kind=kind, help_request_id=help_request_id, sent_by=sent_by)
    enqueue_after_commit(deliver_message, message.pk)
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
        enqueue_after_commit(deliver_messages, ids)
    return ids


def send_again(messages: QuerySet[Message]) -> int:
    """Give the failed texts among `messages` a fresh set of attempts and send them after commit;
    how many. Texts that are queued, sent or skipped are left alone."""
    requeued = 0
    with transaction.atomic():
        for pk in messages.filter(status=Message.Status.FAILED).values_list("pk", flat=True):
            # Conditional, so two supervisors clicking at once queue each text once.
            if Message.objects.filter(pk=pk, status=Message.Status.FAILED).update(
                status=Message.Status.QUEUED, attempts=0, claimed_until=None
            ):
                enqueue_after_commit(deliver_message, pk)
                requeued += 1
    return requeued


def emit_event(event_type: str, data: dict | Callable[[], Iterable[dict]]) -> list[WebhookDelivery]:
    """Record an event of `event_type` for every endpoint that wants it, and deliver after commit.
    Call inside the transaction that causes it: the one way anything emits an event.

    `data` is the event's data, or a function giving the data of many events of the type (the
    timeout sweep's thousands), called only when some endpoint wants the type, so nobody's
    events are described for nobody. One event is handed over one job per endpoint, each
    delivered on its own; many go in one insert and one job.
    """
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(active=True) if endpoint.wants(event_type)]
    if not endpoints:
        return []
    many = callable(data)
    deliveries = []
    for event_data in data() if many else [data]:
        event_id = f"evt_{uuid.uuid4().hex}"
        body = {"id": event_id, "type": event_type, "created_at": timezone.now().isoformat(), "data": event_data}
        deliveries += [
            WebhookDelivery(endpoint=endpoint, event_id=event_id, type=event_type, payload=body)
            for endpoint in endpoints
        ]
    created = WebhookDelivery.objects.bulk_create(deliveries)
    if many and created:
        enqueue_after_commit(deliver_webhooks, [delivery.pk for delivery in created])
    elif not many:
        for delivery in created:
            enqueue_after_commit(deliver_webhook, delivery.pk)
    return created
