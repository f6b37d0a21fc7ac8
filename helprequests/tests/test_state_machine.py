"""Property tests of the help-request lifecycle: Hypothesis drives random sequences of creates,
resolves (by either of two supervisors, learning or not), the passing of time with the timeout
sweep, and retries (the same Idempotency-Key again, a second resolve), through the services the
API, admin, console and SMS replies all use; after every step the invariants below must hold.

A small reference model (expected status per request, the first request of each key) is checked
against the database too, so a rule that quietly did nothing, or did too much, is caught.

Deterministic (derandomized, no example database) and bounded (30 sequences of up to 25 steps,
about 10 s); each sequence runs in a savepoint rolled back at its end, so every one starts from
the same two supervisors and nothing else. Checked to fail when a caller who asked twice is
texted the answer (or the timeout) twice, or when a resolved request can be answered again.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from core.errors import Conflict
from helprequests import services
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from outbound.models import Message

pytestmark = pytest.mark.django_db

Status = HelpRequest.Status

# Pairs that ask the same thing (so they coalesce), a complaint (joined only by the same caller),
# an emergency (never joined) and one on its own.
QUESTIONS = [
    "Is there parking close by?",
    "Is there parking near the salon?",
    "Do you sell gift vouchers?",
    "Can I buy a gift card?",
    "I want to complain about my last haircut.",
    "My scalp is burning after the colour, what should I do?",
    "Do you do hair tattoos?",
]
CALLERS = ["+14155550150", "+14155550151"]
KEYS = [None, None, "call-1-turn-1", "call-2-turn-1", "call-3-turn-4"]
ANSWERS = ["Yes, on Clay Street.", "No, sorry.", "Ask at the desk; we will sort it out."]


class HelpRequestLifecycle(RuleBasedStateMachine):
    requests = Bundle("requests")

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.supervisors = list(Supervisor.objects.order_by("pk"))
        self.expected: dict[int, str] = {}  # request id → the status the model expects
        self.keys: dict[str, tuple[int, str, str]] = {}  # key → (id, question, caller) of its first use

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- helpers -------------------------------------------------------------------------------

    def _group_ids(self, help_request_id: int) -> list[int]:
        return list(HelpRequest.objects.get(pk=help_request_id).group().values_list("pk", flat=True))

    @staticmethod
    def _outgoing() -> tuple[int, int]:
        return Message.objects.count(), HelpRequestEvent.objects.count()

    # --- rules ---------------------------------------------------------------------------------

    @rule(
        target=requests,
        question=st.sampled_from(QUESTIONS),
        caller=st.sampled_from(CALLERS),
        key=st.sampled_from(KEYS),
    )
    def create(self, question, caller, key):
        first_use = self.keys.get(key) if key else None
        if first_use and (first_use[1], first_use[2]) != (question, caller):
            before = self._outgoing()
            with pytest.raises(Conflict):
                services.create_help_request(question=question, caller_phone=caller, idempotency_key=key)
            assert self._outgoing() == before, "a refused key reuse sends nothing"
            return multiple()
        before = self._outgoing()
        created = services.create_help_request(question=question, caller_phone=caller, idempotency_key=key)
        help_request = created.help_request
        if first_use:
            assert not created.created and help_request.pk == first_use[0]
            assert self._outgoing() == before, "a replayed key creates and sends nothing"
            return help_request.pk
        assert created.created and help_request.status == Status.PENDING
        if help_request.duplicate_of_id:
            primary = HelpRequest.objects.get(pk=help_request.duplicate_of_id)
            assert primary.status == Status.PENDING and primary.duplicate_of_id is None
            assert help_request.expires_at == primary.expires_at
        self.expected[help_request.pk] = Status.PENDING
        if key:
            self.keys[key] = (help_request.pk, question, caller)
        return help_request.pk

    @rule(
        help_request_id=requests,
        supervisor=st.integers(0, 1),
        learn=st.booleans(),
        answer=st.sampled_from(ANSWERS),
    )
    def resolve(self, help_request_id, supervisor, learn, answer):
        group = self._group_ids(help_request_id)
        before = self._outgoing()
        if self.expected[help_request_id] == Status.RESOLVED:
            with pytest.raises(Conflict):
                services.resolve_help_request(
                    help_request_id, answer=answer, supervisor=self.supervisors[supervisor], learn=learn
                )
            assert self._outgoing() == before, "a second resolve sends nothing"
            return
        resolved = services.resolve_help_request(
            help_request_id, answer=answer, supervisor=self.supervisors[supervisor], learn=learn
        )
        assert resolved.status == Status.RESOLVED and resolved.answer == answer
        for member in group:  # the answer serves the whole group
            self.expected[member] = Status.RESOLVED

    @rule(help_request_id=requests, supervisor=st.integers(0, 1))
    def resolve_again(self, help_request_id, supervisor):
        """A retry of an answer that was already given (a double click, a repeated SMS)."""
        if self.expected[help_request_id] != Status.RESOLVED:
            return
        before = self._outgoing()
        with pytest.raises(Conflict):
            services.resolve_help_request(help_request_id, answer="Again.", supervisor=self.supervisors[supervisor])
        assert self._outgoing() == before

    @rule(help_request_id=requests)
    def replay_key(self, help_request_id):
        """The same Idempotency-Key again (a client retry after a lost response)."""
        used = [(key, first) for key, first in self.keys.items() if first[0] == help_request_id]
        if not used:
            return
        key, (_, question, caller) = used[0]
        before = self._outgoing()
        created = services.create_help_request(question=question, caller_phone=caller, idempotency_key=key)
        assert not created.created and created.help_request.pk == help_request_id
        assert self._outgoing() == before

    @rule(minutes=st.sampled_from([5, 20, 31, 90]))
    def time_passes(self, minutes):
        """The clock moves on (every deadline comes `minutes` closer) and the sweep runs."""
        HelpRequest.objects.update(expires_at=F("expires_at") - timedelta(minutes=minutes))
        due = set(HelpRequest.objects.due_to_expire().values_list("pk", flat=True))
        assert due <= {pk for pk, status in self.expected.items() if status == Status.PENDING}
        assert services.expire_help_requests() == len(due)
        for pk in due:
            self.expected[pk] = Status.UNRESOLVED

    @rule(help_request_id=requests)
    def deadline_passes(self, help_request_id):
        """One request's group reaches its deadline (as the sweep sees it) and the sweep runs."""
        group = self._group_ids(help_request_id)
        HelpRequest.objects.filter(pk__in=group).update(expires_at=timezone.now() - timedelta(seconds=1))
        services.expire_help_requests()
        for pk in group:
            if self.expected[pk] == Status.PENDING:
                self.expected[pk] = Status.UNRESOLVED

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def the_model_and_the_database_agree(self):
        actual = dict(HelpRequest.objects.values_list("pk", "status"))
        assert actual == self.expected

    @invariant()
    def each_request_is_in_exactly_one_consistent_state(self):
        for r in HelpRequest.objects.all():
            assert r.status in Status.values
            if r.status == Status.RESOLVED:
                assert r.answer and r.resolved_at is not None and r.answered_by_id is not None
            else:
                assert r.answer is None and r.resolved_at is None and r.answered_by_id is None

    @invariant()
    def the_audit_trail_ends_in_the_current_status(self):
        for r in HelpRequest.objects.prefetch_related("events"):
            events = list(r.events.all())
            assert events and events[0].from_status == "" and events[0].to_status == Status.PENDING
            assert events[-1].to_status == r.status
            for earlier, later in zip(events, events[1:], strict=False):
                assert later.from_status == earlier.to_status, "each change starts where the last ended"

    @invariant()
    def callers_get_at_most_one_answer_and_one_timeout_text(self):
        primary_of = {r.pk: r.primary_pk for r in HelpRequest.objects.all()}
        texts = Counter(
            (primary_of[m.help_request_id], m.to, m.kind) for m in Message.objects.exclude(kind="supervisor_alert")
        )
        assert all(count == 1 for count in texts.values()), texts
        for r in HelpRequest.objects.all():
            # ...and every caller who was answered (or timed out) was told, once per group.
            if r.status == Status.RESOLVED:
                assert texts[(r.primary_pk, r.caller_phone, "caller_followup")] == 1
            if r.status == Status.UNRESOLVED or r.events.filter(to_status=Status.UNRESOLVED).exists():
                assert texts[(r.primary_pk, r.caller_phone, "caller_timeout")] == 1

    @invariant()
    def only_a_groups_primary_alerts_a_supervisor(self):
        alerts = Counter(Message.objects.filter(kind="supervisor_alert").values_list("help_request_id", flat=True))
        for r in HelpRequest.objects.all():
            assert alerts[r.pk] == (0 if r.duplicate_of_id else 1)

    @invariant()
    def coalesced_requests_share_their_primarys_fate(self):
        for r in HelpRequest.objects.filter(duplicate_of__isnull=False).select_related("duplicate_of"):
            primary = r.duplicate_of
            assert primary.duplicate_of_id is None, "groups are one level deep"
            assert (r.status, r.answer, r.answered_by_id) == (primary.status, primary.answer, primary.answered_by_id)
            assert r.expires_at == primary.expires_at


@pytest.fixture
def two_supervisors():
    Supervisor.objects.create(name="Maya Chen", phone="+14155550101", is_owner=True, expertise=["general"])
    Supervisor.objects.create(name="Jordan Lee", phone="+14155550102", expertise=["color", "products"])


def test_help_request_lifecycle_invariants(two_supervisors):
    run_state_machine_as_test(
        HelpRequestLifecycle,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            # No shrinking: a failure is reported at once, as the sequence of steps that found it
            # (add Phase.shrink here to have Hypothesis cut it down to the shortest one).
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
