"""Celery tasks: thin, idempotent wrappers that load by id and call the delivery code.

`delivery` imports no outbox and no task, so it is imported here at module level: the outbox
imports these tasks, these import `delivery`, and nothing imports back.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from outbound import delivery
from outbound.models import Message, WebhookDelivery

logger = logging.getLogger("salon.tasks")


@shared_task
def deliver_message(message_id: int) -> None:
    retry_in = delivery.deliver_message(message_id)
    if retry_in is not None:
        deliver_message.apply_async((message_id,), countdown=retry_in)


@shared_task
def deliver_webhook(delivery_id: int) -> None:
    retry_in = delivery.deliver_webhook(delivery_id)
    if retry_in is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=retry_in)


@shared_task
def deliver_messages(message_ids: list[int]) -> None:
    """Many texts queued together (the timeout sweep): each delivered, and retried, on its own."""
    for message_id in message_ids:
        deliver_message(message_id)


@shared_task
def deliver_webhooks(delivery_ids: list[int]) -> None:
    """Many webhook deliveries queued together: each delivered, and retried, on its own."""
    for delivery_id in delivery_ids:
        deliver_webhook(delivery_id)


@shared_task
def relay_undelivered() -> int:
    """Hand over again whatever is still waiting a while after it should have gone out.

    Covers a broker that was down at commit time, a worker that died mid-delivery (its lease
    ran out) and a lost retry. Delivery is idempotent, so a duplicate hand-over sends nothing.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.RELAY_AFTER_SECONDS)
    message_ids = list(
        Message.objects.filter(Message.claimable(), status=Message.Status.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    delivery_ids = list(
        WebhookDelivery.objects.filter(
            WebhookDelivery.claimable(), status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for message_id in message_ids:
        deliver_message.delay(message_id)
    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)
    if message_ids or delivery_ids:
        logger.info("Relayed %d text(s) and %d webhook(s).", len(message_ids), len(delivery_ids))
    return len(message_ids) + len(delivery_ids)
