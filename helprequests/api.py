"""REST endpoints for help requests, supervisors and texts received (thin: the work happens in
services). The texts sent and the webhook endpoints are `outbound.api`'s."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.auth import actor_of
from core.errors import Conflict, Invalid, get_or_404
from core.pagination import Page
from core.schemas import DetailOut, RecordId, phone_filter
from helprequests import inbound_sms, services
from helprequests.messages import answer_expected
from helprequests.models import HelpRequest, InboundText, Supervisor, validate_topics
from helprequests.schemas import (
    HelpRequestIn,
    HelpRequestOut,
    HelpRequestStatus,
    InboundTextKind,
    InboundTextOut,
    Priority,
    ResolveIn,
    SupervisorIn,
    SupervisorOut,
    SupervisorPatch,
)
from knowledge.opening_hours import Calendar

help_requests = Router(tags=["help requests"])
supervisors = Router(tags=["supervisors"])
sms = Router(tags=["texts"])
inbound_texts = Router(tags=["texts"])

_HELP_REQUEST_RELATED = ("assigned_supervisor", "answered_by")


def _help_requests():
    return HelpRequest.objects.with_duplicate_count().select_related(*_HELP_REQUEST_RELATED)


def _help_request(help_request_id: int) -> HelpRequest:
    return get_or_404(_help_requests(), help_request_id, "help request")


class HelpRequestFilters(Schema):
    status: HelpRequestStatus | None = None
    priority: Priority | None = None
    supervisor_id: RecordId | None = None
    duplicate_of: RecordId | None = None


@help_requests.post("", response={200: HelpRequestOut, 201: HelpRequestOut, 409: DetailOut})
def create_help_request(
    request: HttpRequest,
    payload: HelpRequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """Open a help request: triaged, assigned and the supervisor texted. The same
    `Idempotency-Key` again returns the first request (200) and sends nothing; with another
    question or caller it is a 409. A question that asks the same as a pending one is attached to
    it (`duplicate_of`) and alerts nobody. `expires_at` (also `answer_expected_by`) is the deadline
    in the salon's open hours, and `answer_expected` says it as the caller is told; asked while the
    salon is closed, the caller is texted it too (a `caller_received` message)."""
    result = services.create_help_request(
        question=payload.question,
        caller_phone=payload.caller_phone,
        caller_name=payload.caller_name,
        call_id=payload.call_id,
        idempotency_key=idempotency_key or None,
        actor=actor_of(request),
    )
    # As created, with its supervisor: no second read.
    help_request = result.help_request if result.created else _help_request(result.help_request.pk)
    help_request.answer_expected = answer_expected(help_request, Calendar.current())
    return Status(201 if result.created else 200, help_request)


@help_requests.get("", response=list[HelpRequestOut])
@paginate(Page)
def list_help_requests(request: HttpRequest, filters: Query[HelpRequestFilters]):
    """Pending requests first, most urgent first, then oldest first. `duplicate_of=<id>` lists the
    requests attached to that one (asked the same; answered with it)."""
    queryset = _help_requests()
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    if filters.supervisor_id is not None:
        queryset = queryset.filter(assigned_supervisor_id=filters.supervisor_id)
    if filters.duplicate_of is not None:
        queryset = queryset.filter(duplicate_of_id=filters.duplicate_of)
    return queryset.most_urgent_first()


@help_requests.get("/{int:help_request_id}", response=HelpRequestOut)
def get_help_request(request: HttpRequest, help_request_id: RecordId):
    return _help_request(help_request_id)


@help_requests.post("/{int:help_request_id}/resolve", response={200: HelpRequestOut, 409: DetailOut})
def resolve_help_request(request: HttpRequest, help_request_id: RecordId, payload: ResolveIn):
    """Answer a request: the caller is texted and, with `learn`, the answer is learned.
    Already resolved: 409 and nothing is sent again. The answer serves the request's whole group
    (its primary and every request attached to it): each waiting caller is texted."""
    _help_request(help_request_id)  # 404 before anything else
    supervisor = Supervisor.acting(payload.supervisor_id, getattr(request, "user", None))
    services.resolve_help_request(
        help_request_id, answer=payload.answer, supervisor=supervisor, learn=payload.learn, actor=actor_of(request)
    )
    return _help_request(help_request_id)


# --- Supervisors ------------------------------------------------------------------------------


def _supervisor_out(supervisor_id: int) -> Supervisor:
    return get_or_404(Supervisor.with_open_requests(), supervisor_id, "supervisor")


def _save_supervisor(supervisor: Supervisor) -> None:
    try:
        validate_topics(supervisor.expertise)
    except ValidationError as exc:
        raise Invalid(f"expertise: {' '.join(exc.messages)}") from None
    try:
        with transaction.atomic():
            supervisor.save()
    except IntegrityError:
        raise Conflict(f"Another supervisor already has the phone number {supervisor.phone}.") from None


@supervisors.get("", response=list[SupervisorOut])
@paginate(Page)
def list_supervisors(request: HttpRequest):
    return Supervisor.with_open_requests().order_by("-is_owner", "name", "pk")


@supervisors.post("", response={201: SupervisorOut, 409: DetailOut})
def create_supervisor(request: HttpRequest, payload: SupervisorIn):
    supervisor = Supervisor(**payload.dict())
    _save_supervisor(supervisor)
    return Status(201, _supervisor_out(supervisor.pk))


@supervisors.get("/{int:supervisor_id}", response=SupervisorOut)
def get_supervisor(request: HttpRequest, supervisor_id: RecordId):
    return _supervisor_out(supervisor_id)


@supervisors.patch("/{int:supervisor_id}", response={200: SupervisorOut, 409: DetailOut})
def update_supervisor(request: HttpRequest, supervisor_id: RecordId, payload: SupervisorPatch):
    """Change the fields sent; those left out stay as they are. 409 when the phone is another's."""
    supervisor = get_or_404(Supervisor.objects, supervisor_id, "supervisor")
    for field, value in payload.dict(exclude_unset=True).items():
        setattr(supervisor, field, value)
    _save_supervisor(supervisor)
    return _supervisor_out(supervisor.pk)


# --- Inbound texts (Twilio's Messaging webhook) -----------------------------------------------

_TWILIO_FIELDS = {
    "MessageSid": "Twilio's id of the text; a retry repeats it.",
    "From": "The sender's number (E.164): a supervisor, a caller or anyone.",
    "To": "The salon's Twilio number.",
    "Body": 'The text, e.g. "#42 Yes, we do." from a supervisor or "STOP".',
    "AccountSid": "The Twilio account.",
    "NumMedia": "Attachments (ignored).",
}
_ERROR = {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}}


@sms.post(
    "/inbound",
    auth=None,
    summary="Receive a text sent to the salon's number (Twilio webhook)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["MessageSid", "From"],
                        "properties": {
                            name: {"type": "string", "description": description}
                            for name, description in _TWILIO_FIELDS.items()
                        },
                    }
                }
            },
        },
        "parameters": [
            {
                "in": "header",
                "name": "X-Twilio-Signature",
                "required": True,
                "schema": {"type": "string"},
                "description": "base64 HMAC-SHA1 of the URL and the sorted fields, keyed with TWILIO_AUTH_TOKEN.",
            }
        ],
        "responses": {
            200: {
                "description": "TwiML: the reply to text back, or an empty <Response/> for none.",
                "content": {"text/xml": {"schema": {"type": "string"}}},
            },
            403: {"description": "Not signed by Twilio (a bad or missing X-Twilio-Signature).", "content": _ERROR},
            422: {"description": "Not a Twilio text (no MessageSid or From).", "content": _ERROR},
            503: {"description": "TWILIO_AUTH_TOKEN is not set: inbound texts are off.", "content": _ERROR},
        },
    },
)
def receive_inbound_sms(request: HttpRequest):
    """Point the salon number's Messaging webhook ("A message comes in", HTTP POST) here. Every
    text Twilio signed is stored once per MessageSid, whoever sent it, and acted on by its
    sender: a supervisor's "#42 Yes, we do" answers request 42 (without an id, the only pending
    request assigned to them; with several pending, nothing is answered and the reply lists
    them); a known caller's question opens a help request; STOP and Twilio's other opt-out words
    stop all texts to that number until START; HELP gets the salon's name and phone; a text
    from an unknown number is kept and never answered. Authenticated by Twilio's signature
    instead of a token. A retried MessageSid gets the same reply and changes nothing."""
    inbound_sms.check_twilio_signature(request)
    reply = inbound_sms.receive_text(inbound_sms.read_form(request.POST))
    return HttpResponse(inbound_sms.twiml(reply), content_type="text/xml")


class InboundTextFilters(Schema):
    from_: str | None = Field(None, alias="from", description="The sender's number; any spelling of it.")
    kind: InboundTextKind | None = None


@inbound_texts.get("", response=list[InboundTextOut], by_alias=True)
@paginate(Page)
def list_inbound_texts(request: HttpRequest, filters: Query[InboundTextFilters]):
    """Every text the salon's number received, newest first, with what kind of sender it came
    from and the help request it answered or opened."""
    queryset = InboundText.objects.all()
    if filters.from_:
        queryset = queryset.filter(from_phone=phone_filter(filters.from_))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset.order_by("-created_at", "-id")
