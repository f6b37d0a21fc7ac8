"""Knowledge base operations: lookup, learning, and editing entries.

The API, the admin, the console and helprequests all go through these functions.

The matcher's index of active entries is cached per process and rebuilt when the table changed.
"Changed" is read from the database on every lookup (one aggregate query: count of entries, count
of active ones, newest `updated_at`, plus the profile's `updated_at`), so an answer learned in the
web process counts at once in a Celery worker or another web process too. Anything that edits
entries must therefore move `updated_at` (use `save()`, or set it in `update()`); the helpers
here do.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from knowledge.matching import Document, Index, Vocabulary
from knowledge.models import KnowledgeEntry, SalonProfile
from salon_project.errors import Invalid, NotFound


@dataclass(frozen=True)
class LookupResult:
    matched: bool
    answer: str | None
    entry_id: int | None
    score: float
    source: str | None


# --- the cached index ---------------------------------------------------------------------------

_lock = threading.Lock()
_cached: tuple[tuple, Index] | None = None


def _signature() -> tuple:
    entries = KnowledgeEntry.objects.aggregate(
        total=Count("id"), active=Count("id", filter=Q(active=True)), latest=Max("updated_at")
    )
    profile = SalonProfile.objects.aggregate(total=Count("id"), latest=Max("updated_at"))
    return entries["total"], entries["active"], entries["latest"], profile["total"], profile["latest"]


def _build_index() -> Index:
    profile = SalonProfile.current()
    documents = [
        Document(pk, question, answer, source)
        for pk, question, answer, source in KnowledgeEntry.objects.filter(active=True)
        .order_by("id")
        .values_list("id", "question", "answer", "source")
    ]
    return Index(documents, Vocabulary.from_profile(profile.profile if profile else None))


def current_index() -> Index:
    """The index of active entries, rebuilt only when the table (or the profile) changed."""
    global _cached
    signature = _signature()
    with _lock:
        if _cached is None or _cached[0] != signature:
            _cached = (signature, _build_index())
        return _cached[1]


# --- operations ---------------------------------------------------------------------------------


def lookup(question: str) -> LookupResult:
    """The answer to a caller's question, or `matched=False` when no entry truly answers it.

    A wrong answer is worse than none (none escalates to a person), so the matcher abstains when
    in doubt; see `knowledge.matching`. A match counts as a use of the entry.
    """
    match = current_index().best(question)
    if not match.matched or match.document is None:
        return LookupResult(False, None, None, match.score, None)
    entry = KnowledgeEntry.objects.filter(pk=match.document.id, active=True).first()
    if entry is None:  # deactivated or deleted since the index was read
        return LookupResult(False, None, None, match.score, None)
    entry.record_use()
    return LookupResult(True, entry.answer, entry.pk, match.score, entry.source)


def learn_answer(
    *, question: str, answer: str, help_request_id: int | None, category: str = "general"
) -> KnowledgeEntry:
    """Remember a supervisor's answer to a caller's question; the next lookup can use it."""
    return _create(question, answer, category, KnowledgeEntry.Source.LEARNED, help_request_id=help_request_id)


def create_entry(*, question: str, answer: str, category: str = "general") -> KnowledgeEntry:
    """An entry added by hand (source `manual`)."""
    return _create(question, answer, category, KnowledgeEntry.Source.MANUAL)


def _create(question: str, answer: str, category: str, source: str, help_request_id: int | None = None):
    return KnowledgeEntry.objects.create(
        question=_required(question, "question"),
        answer=_required(answer, "answer"),
        category=(category or "general").strip()[:40] or "general",
        source=source,
        help_request_id=help_request_id,
        active=True,
    )


def get_entry(entry_id: int) -> KnowledgeEntry:
    entry = KnowledgeEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(f"There is no knowledge entry with id {entry_id}.")
    return entry


def list_entries(*, source: str | None = None, q: str | None = None) -> QuerySet[KnowledgeEntry]:
    """Entries, oldest first; `q` searches question and answer."""
    entries = KnowledgeEntry.objects.order_by("id")
    if source:
        entries = entries.filter(source=source)
    if q and q.strip():
        entries = entries.filter(Q(question__icontains=q.strip()) | Q(answer__icontains=q.strip()))
    return entries


EDITABLE_FIELDS = ("question", "answer", "category", "active")


def update_entry(entry_id: int, **changes: Any) -> KnowledgeEntry:
    """Change an entry's question, answer, category or active flag; other keys are refused."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    entry = get_entry(entry_id)
    for name, value in changes.items():
        if name in ("question", "answer"):
            value = _required(value, name)
        elif name == "category":
            value = (value or "general").strip()[:40] or "general"
        elif name == "active":
            if not isinstance(value, bool):
                raise Invalid("active must be true or false.")
        setattr(entry, name, value)
    if changes:
        entry.save()
    return entry


def deactivate_entry(entry_id: int) -> KnowledgeEntry:
    """Stop an entry from matching (kept for history; `update_entry(id, active=True)` brings it back)."""
    entry = get_entry(entry_id)
    if entry.active:
        entry.active = False
        entry.save(update_fields=["active", "updated_at"])
    return entry


def _required(value: Any, name: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise Invalid(f"The {name} must not be blank.")
    return text
