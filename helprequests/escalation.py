"""The escalation ladder: a question the assigned supervisor has not answered reaches more people.

- First step (`LADDER_REMIND_AFTER_WORKING_MINUTES`): the assigned supervisor is reminded, by a
  text marked as a reminder.
- Second step (`LADDER_ESCALATE_AFTER_WORKING_MINUTES`): the next supervisor the routing rule
  would choose if the assigned one were not there (`services.pick_supervisor`), and the owner,
  are told.
- An urgent request went to the owner at once; its one step
  (`LADDER_URGENT_EVERYONE_AFTER_WORKING_MINUTES`) tells everyone available.

The times are fixed when the request is created, in the salon's working time
(helprequests/deadlines.py), so a question asked at night climbs the ladder the next morning.
Only primaries climb it (an attached request is answered with its primary).

Each step is one compare-and-swap per request (`HelpRequestQuerySet.step_ladder`), in the same
transaction as its audit event and its texts (outbox rows, sent after commit; the relay sends
them if a worker dies, delivery skips opted-out numbers). So the beat running twice takes each
step once, an answer holding the request's row wins, and once a request is answered (or timed
out) it leaves the ladder: a reminder written just before the answer is not sent either
(`delivery.deliver_message`).
"""

import logging
from functools import cached_property

from django.db import transaction
from django.utils import timezone

from core.broadcast import to_console
from helprequests import deadlines
from helprequests import messages as texts
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from helprequests.services import pick_supervisor, routing_pool
from outbound.models import Message
from outbound.outbox import Text, queue_texts

logger = logging.getLogger("salon.escalation")

LADDER_BATCH = 2000
ACTOR = "system:ladder"


def climb_ladder() -> int:
    """Take every ladder step that is due, LADDER_BATCH requests per transaction; how many."""
    taken, people = 0, _People()
    while stepped := _ladder_batch(people):
        taken += stepped
    if taken:
        logger.info("Took %d escalation step(s).", taken)
    return taken


class _People:
    """The supervisors as one run of the ladder sees them: read once (when a step is due), not
    once per request."""

    @cached_property
    def pool(self) -> tuple[list[Supervisor], Supervisor | None]:
        return routing_pool()

    @cached_property
    def by_id(self) -> dict[int, Supervisor]:
        return {supervisor.pk: supervisor for supervisor in Supervisor.objects.all()}

    def told_on(self, help_request: HelpRequest) -> tuple[str, list[Supervisor]]:
        """What this step does to `help_request`, as the audit note's verb, and whom it texts."""
        (available, owner), assigned = self.pool, self.by_id.get(help_request.assigned_supervisor_id)
        others = [supervisor for supervisor in available if supervisor != assigned]
        if help_request.priority == HelpRequest.Priority.URGENT:
            return "told everyone available", others
        if help_request.ladder_step == deadlines.REMIND:
            return "reminded", [assigned] if assigned else []
        owner = owner if owner != assigned else None
        # The routing rule, as if the assigned supervisor were not there: the next expert, else anyone.
        following = pick_supervisor(others, None, help_request.priority, help_request.tags)
        return "escalated to", list(dict.fromkeys(person for person in (following, owner) if person))


def _named(people: list[Supervisor]) -> str:
    names = [f"{person.name} (owner)" if person.is_owner else person.name for person in people]
    return ", ".join(names) if names else "nobody (no other supervisor is available)"


def _ladder_batch(people: _People) -> int:
    with transaction.atomic():
        batch = HelpRequest.objects.step_ladder(LADDER_BATCH)
        if not batch:
            return 0
        events, messages, now = [], [], timezone.now()
        for help_request in batch:
            verb, told = people.told_on(help_request)
            note = f"{verb} {_named(told)}" if verb != "reminded" or told else "no supervisor to remind"
            events.append(
                HelpRequestEvent(
                    help_request_id=help_request.pk,
                    from_status=HelpRequest.Status.PENDING,
                    to_status=HelpRequest.Status.PENDING,
                    actor=ACTOR,
                    note=note[:300],
                    at=now,
                )
            )
            for person in told:
                if verb == "reminded":
                    body, kind = texts.supervisor_reminder(help_request, person), Message.Kind.SUPERVISOR_REMINDER
                else:
                    assigned = people.by_id.get(help_request.assigned_supervisor_id)
                    body = texts.supervisor_escalation(help_request, person, assigned)
                    kind = Message.Kind.SUPERVISOR_ESCALATION
                messages.append(Text(person.phone, body, kind, help_request.pk))
        HelpRequestEvent.insert_many(events)
        queue_texts(messages)
        to_console("help_request", "escalated", {"ids": [help_request.pk for help_request in batch]})
    return len(batch)
