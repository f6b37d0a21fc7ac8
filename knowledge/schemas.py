"""Request and response shapes of the knowledge API."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from core.schemas import PatchIn, named_enum, omittable
from knowledge.models import KnowledgeEntry

Source = named_enum("KnowledgeSource", KnowledgeEntry.Source.values)
ReviewStatus = named_enum("ReviewStatus", KnowledgeEntry.ReviewStatus.values)
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Answer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]


class LookupIn(Schema):
    question: Question


class LookupOut(Schema):
    matched: bool
    answer: str | None
    entry_id: int | None
    score: float
    source: Source | None
    # Extra to the contract: who chose the entry (or chose none). The answer is an entry's own either way.
    decided_by: str = Field(
        "matcher",
        description='"matcher", or "model" when a configured model chose among the matcher\'s candidates.',
    )
    entry_ids: list[int] = Field(
        default_factory=list,
        description="Every entry the answer is made of, entry_id first: more than one when the caller asked "
        "two or more things at once and each was answered by an entry of its own.",
    )


class EntryIn(Schema):
    question: Question
    answer: Answer
    category: Category = "general"


class EntryPatch(PatchIn):
    question: Question = omittable()
    answer: Answer = omittable()
    category: Category = omittable()
    active: bool = omittable()


class EntryFilters(Schema):
    source: Source | None = None
    q: str | None = None
    review_status: ReviewStatus | None = None


class EntryOut(Schema):
    id: int
    question: str
    answer: str
    category: str
    source: Source
    help_request_id: int | None
    times_used: int
    active: bool
    created_at: datetime
    updated_at: datetime
    # Governance (extra to the contract): where a learned answer came from, and whether it is used.
    answered_by: str = Field(..., alias="answered_by_name", description="Who gave the answer (a name; may be empty).")
    learned_at: datetime | None = Field(None, description="When it was learned (learned entries only).")
    last_used_at: datetime | None
    review_status: ReviewStatus = Field(
        ..., description="Only `live` (and active) entries match; `needs_review` contradicts a seed fact."
    )
    review_note: str = Field(..., description="Why it was held: the seed entries it contradicts, and how.")
    conflicts_with: list[int] = Field(..., description="Ids of the seed entries it contradicts.")
    reviewed_by: str
    reviewed_at: datetime | None
