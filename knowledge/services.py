"""Knowledge base operations: lookup, learning, and editing entries.

The API, the admin, the console and helprequests all go through these functions.

Governance: a learned or hand-written answer that contradicts a seed fact (another price, time,
duration, day, or yes where the profile says no; see `knowledge.contradictions`) is stored with
review status `needs_review` instead of going live; a supervisor approves or rejects it. Only
active, live entries match. An approved answer is preferred over the seed facts it contradicts.

The matcher's index of matchable entries is cached per process and rebuilt when the table
changed. "Changed" is checked on every lookup against `KnowledgeVersion`, whose stamp database
triggers move on any change to an entry's indexed columns or to the profile (see that model):
by the lookup's own record statement (`LookupRecord.record`), and by one primary-key read for
everything else (`current_index`). So an answer learned in the web process counts at once in a
Celery worker or another web process too, however the entry was written.

Every lookup is kept as a `LookupRecord` (the console's analytics: answered by the AI or not).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.broadcast import to_console
from core.errors import Conflict, Invalid, get_or_404
from knowledge import grounding
from knowledge.analysis import Vocabulary
from knowledge.contradictions import Contradiction, find_conflicts
from knowledge.matching import Document, Index, Match, matches
from knowledge.models import KnowledgeEntry, KnowledgeVersion, LookupRecord, SalonProfile, VocabularyTerm
from knowledge.vocabulary import Term

Review = KnowledgeEntry.ReviewStatus


@dataclass(frozen=True)
class LookupResult:
    matched: bool
    answer: str | None
    entry_id: int | None
    score: float
    source: str | None
    decided_by: str = grounding.MATCHER  # or grounding.MODEL: it chose among the matcher's candidates
    # Every entry the answer is made of, `entry_id` first: one, or one per part of a turn that
    # asks two or more things at once (`Index.answers_in_parts`), whose answers are said in turn.
    entry_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, decision: Decision) -> LookupResult:
        given = decision.given
        if not given:
            return cls(False, None, None, decision.score, None, decision.decided_by)
        answer = " ".join(document.answer for document in given)
        ids = tuple(document.id for document in given)
        return cls(True, answer, ids[0], decision.score, given[0].source, decision.decided_by, ids)


@dataclass(frozen=True)
class Decision:
    """What a lookup gives: the matcher's best candidate for the whole question (`match`), and the
    entries that answer it (`given`: one, one per part of the turn, or none), and who decided."""

    match: Match
    given: tuple[Document, ...]
    decided_by: str = grounding.MATCHER
    part_scores: tuple[float, ...] = ()  # the matcher's score of each part, when `given` is one per part

    @property
    def score(self) -> float:
        """The matcher's score: of the whole question, or of the weakest part answered."""
        return min(self.part_scores) if self.part_scores else self.match.score


# --- the cached index ---------------------------------------------------------------------------

_lock = threading.Lock()
_cached: tuple[int, Index, dict[int, list[int]]] | None = None
MATCHABLE = Q(active=True, review_status=Review.LIVE)
# What the index reads of an entry, besides MATCHABLE's columns. The database's triggers move the
# knowledge version on a change to exactly these (INDEXED_COLUMNS in knowledge's migrations 0003
# and 0006), which knowledge/tests/test_lookup.py checks against this list.
INDEXED_FIELDS = ("question", "answer", "source", "conflicts_with")


def _build(previous: Index | None) -> tuple[Index, dict[int, list[int]]]:
    """The index of matchable entries, and which approved answers overrule which seed entries.

    Entries unchanged since `previous` are reused, so one learned answer does not re-analyse
    thousands of others while lookups wait on the lock."""
    profile = SalonProfile.current()
    documents = []
    preferred: dict[int, list[int]] = {}
    rows = KnowledgeEntry.objects.filter(MATCHABLE).order_by("id")
    for pk, question, answer, source, conflicts in rows.values_list("id", *INDEXED_FIELDS):
        documents.append(Document(pk, question, answer, source))
        if source != KnowledgeEntry.Source.SEED:
            for seed_id in conflicts or []:
                preferred.setdefault(seed_id, []).append(pk)
    vocabulary = Vocabulary.from_profile(profile.profile if profile else None, terms=_vocabulary_terms())
    index = Index(documents, vocabulary, previous=previous)
    index.prepare_corrections()  # while lookups wait on the rebuild anyway, not on one caller's slip
    return index, preferred


def _vocabulary_terms() -> list[Term] | None:
    """The salon's active vocabulary terms; None (the bundled defaults) when none was ever loaded."""
    rows = list(VocabularyTerm.objects.order_by("id"))
    return [row.as_term() for row in rows if row.active] if rows else None


def _current() -> tuple[int, Index, dict[int, list[int]]]:
    """The index as of the database's knowledge version now (one primary-key read), rebuilt
    if it changed: (its stamp, the index, which approved answers overrule which seed entries)."""
    global _cached
    signature = KnowledgeVersion.current()
    with _lock:
        if _cached is None or _cached[0] != signature:
            _cached = (signature, *_build(previous=_cached[1] if _cached else None))
        return _cached


def current_index() -> Index:
    """The index of active, live entries, rebuilt only when the table (or the profile) changed."""
    return _current()[1]


# --- operations ---------------------------------------------------------------------------------


# A lookup whose index went stale is matched again on the new one; under changes faster than
# that, the last try writes without the version check (the entry's own re-check still holds).
LOOKUP_TRIES = 3


def lookup(question: str) -> LookupResult:
    """The answer to a caller's question, or `matched=False` when no entry truly answers it.

    A wrong answer is worse than none (none escalates to a person), so the matcher abstains when
    in doubt; see `knowledge.matching`. With a model configured, a lookup the matcher is not sure
    about may be decided by the model choosing among stored entries (`knowledge.grounding`); the
    answer is still an entry's own, and `score` the matcher's. A match counts as a use of the entry, and every lookup
    is kept as a LookupRecord (`LookupRecord.record`). The same statement checks that the
    knowledge has not changed since this process's index was built, so an answer learned
    anywhere counts at once, at no extra round trip.
    """
    # Before a model may be asked, the index is made current (one primary-key read): a model's
    # choice among a stale index's entries would be thrown away, and its seconds with it.
    stamp, index, preferred = _current() if grounding.model_configured() else (_cached or _current())
    asked: grounding.Memo = {}
    for attempt in range(1, LOOKUP_TRIES + 1):
        decision = _decide(index, preferred, question, asked)
        ids = [document.id for document in decision.given]
        checked = stamp if attempt < LOOKUP_TRIES else None
        used = LookupRecord.record(
            question,
            ids[0] if ids else None,
            decision.score,
            index_stamp=checked,
            decided_by=decision.decided_by,
            also=ids[1:],
        )
        if used is not None:
            break
        stamp, index, preferred = _current()  # the knowledge changed: rebuild, and match again
    if not used:
        return LookupResult(False, None, None, decision.score, None, decision.decided_by)
    return LookupResult.of(decision)


def _decide(
    index: Index, preferred: dict[int, list[int]], question: str, asked: grounding.Memo, *, ask_model: bool = True
) -> Decision:
    """The matcher's best candidate and what is given: the matcher's decision, an approved answer
    over the seed fact it overrules, (with a model configured and `ask_model`) the model's choice,
    or an entry for each thing a turn asks at once, when none answers the whole turn or the one
    that does answers only one of its questions."""
    match = index.best(question)
    approved = match.matched and match.document is not None and match.document.id in preferred
    if approved:
        match = _approved_instead(index, question, match, preferred[match.document.id])
    if not ask_model:
        chosen = grounding.Decision(match.document if match.matched else None, grounding.MATCHER)
    else:
        chosen = grounding.decide(index, question, match, contestable=not approved, memo=asked)
    parts = [_approved(index, preferred, part) for part in index.answers_in_parts(question)]
    given = tuple(part.document for part in parts)
    # A turn asking two things whose whole reading reached the entry of one of them ("what's a
    # blowout, and when do you open Thursday?" read as its last question) is answered in full.
    if parts and (chosen.document is None or chosen.document in given):
        return Decision(match, given, grounding.MATCHER, tuple(part.score for part in parts))
    if chosen.document is not None:
        return Decision(match, (chosen.document,), chosen.decided_by)
    return Decision(match, (), chosen.decided_by)


def _approved(index: Index, preferred: dict[int, list[int]], part: Match) -> Match:
    """`part`, or an approved answer that overrules its seed fact and answers that fact's own
    question (a part may have no words of its own: "a beard trim" of "a men's cut and a beard trim")."""
    if part.document is None or part.document.id not in preferred:
        return part
    return _approved_instead(index, part.document.question, part, preferred[part.document.id])


@dataclass(frozen=True)
class Preview:
    """What a caller would hear now (`result`), and, when nothing answers, the nearest entry and
    the matcher's reason for passing it over."""

    result: LookupResult
    nearest: Document | None
    reason: str


def preview(question: str, *, ask_model: bool = True) -> Preview:
    """The lookup a caller asking `question` would get now, on a current index, without counting
    a use or keeping a LookupRecord: the console's "What would a caller hear?" must not change
    the analytics it sits beside. `ask_model=False`: the matcher's decision alone, for pages that
    check many questions at once and cannot wait seconds for a model on each."""
    _stamp, index, preferred = _current()
    decision = _decide(index, preferred, question, {}, ask_model=ask_model)
    result = LookupResult.of(decision)
    if not result.matched:
        return Preview(result, decision.match.document, decision.match.reason)
    return Preview(result, None, "")


def _approved_instead(index: Index, question: str, seed_match: Match, approved_ids: list[int]) -> Match:
    """A supervisor approved an answer over this seed fact: when that answer also answers the
    question, it is the one given, whatever the scores (the seed fact is known to be stale)."""
    for match in matches(index, question):
        if match.document is not None and match.document.id in approved_ids:
            return match
    return seed_match


def learn_answer(
    *,
    question: str,
    answer: str,
    help_request_id: int | None,
    category: str = "general",
    answered_by: str = "",
) -> KnowledgeEntry:
    """Remember a supervisor's answer to a caller's question; the next lookup can use it.

    It is held for review (`needs_review`, not matched) when it contradicts a seed fact its
    question reaches; the caller has been told the answer either way.
    """
    return _create(
        question, answer, category, KnowledgeEntry.Source.LEARNED, help_request_id=help_request_id, by=answered_by
    )


def create_entry(*, question: str, answer: str, category: str = "general", answered_by: str = "") -> KnowledgeEntry:
    """An entry added by hand (source `manual`); checked against the seed like a learned one."""
    return _create(question, answer, category, KnowledgeEntry.Source.MANUAL, by=answered_by)


def _create(
    question: str, answer: str, category: str, source: str, help_request_id: int | None = None, by: str = ""
) -> KnowledgeEntry:
    entry = KnowledgeEntry(
        question=_required(question, "question"),
        answer=_required(answer, "answer"),
        category=(category or "general").strip()[:40] or "general",
        source=source,
        help_request_id=help_request_id,
        answered_by_name=(by or "").strip()[:200],
        active=True,
    )
    _apply_check(entry)
    entry.save()
    _announce(entry, "learned" if source == KnowledgeEntry.Source.LEARNED else "created")
    return entry


def _announce(entry: KnowledgeEntry, action: str) -> None:
    """Tell open console pages (Learned answers) after commit."""
    to_console(
        "knowledge_entry",
        action,
        {"id": entry.pk, "source": entry.source, "review_status": entry.review_status, "active": entry.active},
    )


def check_against_seed(question: str, answer: str) -> list[Contradiction]:
    """The seed facts (active ones) that `question` reaches and `answer` contradicts."""
    return find_conflicts(question, answer, current_index())


def _apply_check(entry: KnowledgeEntry) -> None:
    """Set the review state of a new or re-worded entry: live, or held with a note saying why."""
    conflicts = check_against_seed(entry.question, entry.answer)
    entry.review_status = Review.NEEDS_REVIEW if conflicts else Review.LIVE
    entry.conflicts_with = [c.seed.id for c in conflicts]
    entry.review_note = "\n".join(c.describe() for c in conflicts)
    entry.reviewed_by, entry.reviewed_at = "", None


def approve_entry(entry_id: int, *, reviewed_by: str = "") -> KnowledgeEntry:
    """Let a held answer go live; from now on it is preferred over the seed facts it contradicts."""
    return _review(entry_id, Review.LIVE, reviewed_by, "approved")


def reject_entry(entry_id: int, *, reviewed_by: str = "") -> KnowledgeEntry:
    """Keep a held answer out of the lookup for good (it stays listed, as `rejected`)."""
    return _review(entry_id, Review.REJECTED, reviewed_by, "rejected")


def _review(entry_id: int, status: str, reviewed_by: str, verb: str) -> KnowledgeEntry:
    """One conditional UPDATE, so of two supervisors deciding at once exactly one wins."""
    now = timezone.now()
    changed = KnowledgeEntry.objects.filter(pk=entry_id, review_status=Review.NEEDS_REVIEW).update(
        review_status=status, reviewed_by=(reviewed_by or "").strip()[:200], reviewed_at=now, updated_at=now
    )
    entry = get_entry(entry_id)
    if not changed:
        decided = f" (decided by {entry.reviewed_by})" if entry.reviewed_by else ""
        raise Conflict(
            f"Knowledge entry {entry_id} is {entry.get_review_status_display().lower()}{decided}, not waiting "
            f"for review; only an entry that needs review can be {verb}."
        )
    _announce(entry, verb)
    return entry


def get_entry(entry_id: int) -> KnowledgeEntry:
    return get_or_404(KnowledgeEntry.objects, entry_id, "knowledge entry")


def list_entries(
    *, source: str | None = None, q: str | None = None, review_status: str | None = None
) -> QuerySet[KnowledgeEntry]:
    """Entries, oldest first; `q` searches question and answer."""
    entries = KnowledgeEntry.objects.order_by("id")
    if source:
        entries = entries.filter(source=source)
    if review_status:
        entries = entries.filter(review_status=review_status)
    if q and q.strip():
        entries = entries.filter(Q(question__icontains=q.strip()) | Q(answer__icontains=q.strip()))
    return entries


EDITABLE_FIELDS = ("question", "answer", "category", "active")


def update_entry(entry_id: int, **changes: Any) -> KnowledgeEntry:
    """Change an entry's question, answer, category or active flag; other keys are refused.

    A new wording of a learned or manual entry is checked against the seed again, like a new
    entry: it goes live, or is held for review (even if an earlier wording was approved or
    rejected: that decision was about other words).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    entry = get_entry(entry_id)
    before = (entry.question, entry.answer)
    for name, value in changes.items():
        if name in ("question", "answer"):
            value = _required(value, name)
        elif name == "category":
            value = (value or "general").strip()[:40] or "general"
        elif name == "active":
            if not isinstance(value, bool):
                raise Invalid("active must be true or false.")
        setattr(entry, name, value)
    if not changes:
        return entry
    reworded = (entry.question, entry.answer) != before
    if reworded and entry.source != KnowledgeEntry.Source.SEED:
        _apply_check(entry)
    entry.save()
    _announce(entry, "updated")
    return entry


def deactivate_entry(entry_id: int) -> KnowledgeEntry:
    """Stop an entry from matching (kept for history; `update_entry(id, active=True)` brings it back)."""
    entry = get_entry(entry_id)
    if entry.active:
        entry.active = False
        entry.save(update_fields=["active", "updated_at"])
        _announce(entry, "deactivated")
    return entry


def _required(value: Any, name: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise Invalid(f"The {name} must not be blank.")
    return text
