"""REST endpoints for the texts the system sends and the webhook endpoints events go to (thin:
the work happens in the outbox and delivery). Mounted by salon_project/api.py."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from core.errors import Invalid, get_or_404
from core.pagination import Page
from core.schemas import RecordId, phone_filter
from outbound.delivery import UnsafeUrl, check_webhook_url
from outbound.models import Message, WebhookDelivery, WebhookEndpoint
from outbound.schemas import (
    MessageKind,
    MessageOut,
    WebhookDeliveryOut,
    WebhookEndpointCreated,
    WebhookEndpointIn,
    WebhookEndpointOut,
)

messages = Router(tags=["messages"])
webhooks = Router(tags=["webhooks"])


# --- Messages -------------------------------------------------------------------------------


class MessageFilters(Schema):
    to: str | None = None
    kind: MessageKind | None = None
    help_request_id: RecordId | None = None


@messages.get("", response=list[MessageOut])
@paginate(Page)
def list_messages(request: HttpRequest, filters: Query[MessageFilters]):
    """Every text the system sent or will send, newest first."""
    queryset = Message.objects.all()
    if filters.to:
        queryset = queryset.filter(to=phone_filter(filters.to))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.help_request_id is not None:
        queryset = queryset.filter(help_request_id=filters.help_request_id)
    return queryset.order_by("-created_at", "-id")


# --- Webhook endpoints ----------------------------------------------------------------------


@webhooks.post("", response={201: WebhookEndpointCreated})
def create_webhook_endpoint(request: HttpRequest, payload: WebhookEndpointIn):
    """Subscribe a URL to events (empty `events` = all). The signing secret is shown only here."""
    try:
        check_webhook_url(payload.url)
    except UnsafeUrl as exc:
        raise Invalid(str(exc)) from None
    endpoint = WebhookEndpoint.objects.create(url=payload.url, events=payload.events)
    return Status(201, endpoint)


@webhooks.get("", response=list[WebhookEndpointOut])
@paginate(Page)
def list_webhook_endpoints(request: HttpRequest):
    return WebhookEndpoint.objects.order_by("pk")


@webhooks.delete("/{int:endpoint_id}", response={204: None})
def delete_webhook_endpoint(request: HttpRequest, endpoint_id: RecordId):
    get_or_404(WebhookEndpoint.objects, endpoint_id, "webhook endpoint").delete()
    return Status(204, None)


@webhooks.get("/{int:endpoint_id}/deliveries", response=list[WebhookDeliveryOut])
@paginate(Page)
def list_webhook_deliveries(request: HttpRequest, endpoint_id: RecordId):
    endpoint = get_or_404(WebhookEndpoint.objects, endpoint_id, "webhook endpoint")
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
