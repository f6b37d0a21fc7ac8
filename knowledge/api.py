"""REST endpoints of the knowledge base (thin: the work happens in `knowledge.services`)."""

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from core.auth import actor_of
from core.pagination import Page
from core.schemas import DetailOut, RecordId
from knowledge import services
from knowledge.schemas import EntryFilters, EntryIn, EntryOut, EntryPatch, LookupIn, LookupOut

router = Router(tags=["knowledge"])


@router.post("/lookup", response=LookupOut)
def lookup(request: HttpRequest, payload: LookupIn):
    """The answer to a caller's question. `matched` is true only when an entry truly answers it;
    otherwise the caller's question should become a help request."""
    return services.lookup(payload.question)


@router.get("", response=list[EntryOut])
@paginate(Page)
def list_entries(request: HttpRequest, filters: Query[EntryFilters]):
    """Entries, oldest first; `source` filters by origin, `review_status` by review state (e.g.
    `needs_review`: answers held because they contradict a seed fact), `q` searches the text."""
    return services.list_entries(source=filters.source, q=filters.q, review_status=filters.review_status)


@router.post("", response={201: EntryOut})
def create_entry(request: HttpRequest, payload: EntryIn):
    """Add an entry by hand (source `manual`); it counts for the next lookup, unless it contradicts a
    seed fact: then it is created with `review_status: needs_review` and waits for approval."""
    entry = services.create_entry(question=payload.question, answer=payload.answer, category=payload.category)
    return Status(201, entry)


@router.get("/{int:entry_id}", response=EntryOut)
def get_entry(request: HttpRequest, entry_id: RecordId):
    return services.get_entry(entry_id)


@router.patch("/{int:entry_id}", response=EntryOut)
def update_entry(request: HttpRequest, entry_id: RecordId, payload: EntryPatch):
    """Change the question, answer, category or `active`; fields left out stay as they are. A new
    question or answer of a learned or manual entry is checked against the seed facts again."""
    return services.update_entry(entry_id, **payload.dict(exclude_unset=True))


@router.delete("/{int:entry_id}", response={204: None})
def deactivate_entry(request: HttpRequest, entry_id: RecordId):
    """Deactivate the entry: it stops matching at once, and stays listed with `active: false`."""
    services.deactivate_entry(entry_id)
    return Status(204, None)


@router.post("/{int:entry_id}/approve", response={200: EntryOut, 409: DetailOut})
def approve_entry(request: HttpRequest, entry_id: RecordId):
    """Approve an entry held for review: it goes live and is preferred over the seed facts it
    contradicts. 409 unless it is `needs_review`."""
    return services.approve_entry(entry_id, reviewed_by=actor_of(request))


@router.post("/{int:entry_id}/reject", response={200: EntryOut, 409: DetailOut})
def reject_entry(request: HttpRequest, entry_id: RecordId):
    """Reject an entry held for review: it never matches (it stays listed). 409 unless it is
    `needs_review`."""
    return services.reject_entry(entry_id, reviewed_by=actor_of(request))
