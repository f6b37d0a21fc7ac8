from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints, field_validator

from core.schemas import named_enum
from outbound.models import EVENT_TYPES, Message, WebhookDelivery

MessageKind = named_enum("MessageKind", Message.Kind.values)
MessageStatus = named_enum("MessageStatus", Message.Status.values)
DeliveryStatus = named_enum("DeliveryStatus", WebhookDelivery.Status.values)


class MessageOut(Schema):
    id: int
    to: str
    body: str
    kind: MessageKind
    help_request_id: int | None
    status: MessageStatus
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    delivered_in_call_at: datetime | None


class WebhookEndpointIn(Schema):
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    events: list[str] = Field(default_factory=list)

    @field_validator("events")
    @classmethod
    def known_events(cls, events: list[str]) -> list[str]:
        unknown = sorted(set(events) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"Unknown event type(s) {unknown}; known: {EVENT_TYPES}.")
        return events


class WebhookEndpointOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str


class WebhookDeliveryOut(Schema):
    id: int
    event_id: str
    type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
