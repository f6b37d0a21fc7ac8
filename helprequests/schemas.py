from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from core.schemas import NonBlank, PatchIn, PhoneNumber, RecordId, named_enum, omittable
from helprequests.models import HelpRequest, InboundText

HelpRequestStatus = named_enum("HelpRequestStatus", HelpRequest.Status.values)
Priority = named_enum("Priority", HelpRequest.Priority.values)
SupervisorName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class PersonRef(Schema):
    id: int
    name: str


class HelpRequestIn(Schema):
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    caller_phone: PhoneNumber
    caller_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    call_id: RecordId | None = None


class HelpRequestOut(Schema):
    id: int
    question: str
    caller_phone: str
    caller_name: str
    call_id: int | None
    status: HelpRequestStatus
    priority: Priority
    tags: list[str]
    assigned_supervisor: PersonRef | None
    answer: str | None
    answered_by: PersonRef | None
    knowledge_entry_id: int | None
    created_at: datetime
    expires_at: datetime
    resolved_at: datetime | None
    duplicate_of: int | None = Field(description="The request this one asks the same as; null for a primary.")
    duplicate_count: int = Field(description="How many requests are attached to this one.")
    # Extra to the contract: when the caller hears back. The deadline is `expires_at`, counted in
    # the salon's open hours; the sentence only in the create response (it is what the agent says).
    answer_expected_by: datetime = Field(description="When the caller hears back at the latest: `expires_at`.")
    answer_expected: str | None = Field(
        None,
        description="Only in the create response: the sentence that tells the caller, e.g. "
        '"We open at 10 tomorrow; you\'ll hear from us by 10:30."',
    )

    @staticmethod
    def resolve_answer_expected_by(obj: HelpRequest) -> datetime:
        return obj.expires_at

    @staticmethod
    def resolve_answer_expected(obj: HelpRequest) -> str | None:
        return getattr(obj, "answer_expected", None)

    @staticmethod
    def resolve_duplicate_of(obj: HelpRequest) -> int | None:
        return obj.duplicate_of_id

    @staticmethod
    def resolve_duplicate_count(obj: HelpRequest) -> int:
        counted = getattr(obj, "duplicate_count", None)  # annotated by with_duplicate_count() in lists
        return obj.duplicates.count() if counted is None else counted


class ResolveIn(Schema):
    answer: NonBlank
    supervisor_id: RecordId | None = None
    learn: bool = True


class SupervisorOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    expertise: list[str]
    available: bool
    is_owner: bool
    open_requests: int = 0


class SupervisorIn(Schema):
    name: SupervisorName
    phone: PhoneNumber
    email: str = ""
    expertise: list[NonBlank] = []
    available: bool = True
    is_owner: bool = False


class SupervisorPatch(PatchIn):
    name: SupervisorName = omittable()
    phone: PhoneNumber = omittable()
    email: str = omittable()
    expertise: list[NonBlank] = omittable()
    available: bool = omittable()
    is_owner: bool = omittable()


InboundTextKind = named_enum("InboundTextKind", InboundText.Kind.values)


class InboundTextOut(Schema):
    id: int
    from_: str = Field(
        validation_alias="from_phone",
        serialization_alias="from",
        description="The sender: E.164 for a phone number, else as Twilio sent it.",
    )
    body: str
    kind: InboundTextKind
    help_request_id: int | None = Field(
        description="The request the text answered (a supervisor's) or opened (a caller's)."
    )
    created_at: datetime
