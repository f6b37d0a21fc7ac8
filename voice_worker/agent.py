"""The receptionist: instructions built from the salon's profile, and the tools it acts with.

Every fact it states comes from `lookup_answer` (the knowledge base, through the API); what the
knowledge base does not know becomes a help request for a supervisor (`request_help`), whose
answer reaches the caller by text, or at once if they are still on the line (see call.py).
The tools return JSON the model reads: a `status` and, where useful, `instructions`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from typing import Any

import phonenumbers
from django.conf import settings
from livekit import rtc
from livekit.agents import Agent, JobContext, RunContext, function_tool, get_job_context
from livekit.agents.job import DEFAULT_PARTICIPANT_KINDS

from core.phones import phone_or_none
from voice_worker.api_client import ApiError, ApiRejected, ApiUnavailable, SalonApi
from voice_worker.brain import ESCALATION, OFFER_HELP
from voice_worker.call import CallRecord
from voice_worker.pending_writes import Queued, Write
from voice_worker.transfer import Consultation, TransferWatch, default_consultation

logger = logging.getLogger("voice_worker.agent")

FALLBACK_SALON_NAME = "the salon"


def salon_name(profile: dict[str, Any] | None) -> str:
    return ((profile or {}).get("name") or "").strip() or FALLBACK_SALON_NAME


def greeting(profile: dict[str, Any] | None) -> str:
    return f"Hi, thanks for calling {salon_name(profile)}! This is the front desk assistant. How can I help you today?"


def build_instructions(profile: dict[str, Any] | None) -> str:
    """The system prompt. `profile` is `GET /api/v1/salon` (name, phone, timezone, and the seeded
    business profile under `profile`), or None when the API could not be reached."""
    profile = profile or {}
    details = profile.get("profile") if isinstance(profile.get("profile"), dict) else {}
    name = salon_name(profile)
    where = profile.get("address") or details.get("address")
    facts = [f"You are the phone receptionist of {name}" + (f", at {where}" if where else "") + "."]
    if profile.get("phone") or details.get("phone"):
        facts.append(f"The salon's own phone number is {profile.get('phone') or details.get('phone')}.")
    if profile.get("timezone"):
        facts.append(f"The salon is in the {profile['timezone']} time zone.")
    return "\n".join(
        [
            " ".join(facts),
            "",
            "How you speak: warm, friendly and brief, like a real person at the front desk. This is a phone "
            "call: use one or two short spoken sentences at a time, plain words, no lists, no markdown, no "
            "emoji. Ask only one question at a time.",
            "",
            "What you know: only what the lookup_answer tool returns. Before answering any question about the "
            "salon (prices, hours, services, staff, policies, location, anything at all), call lookup_answer "
            "with the caller's question. If it returns an answer, give that answer briefly in your own words "
            "and add nothing to it. Never guess or invent prices, times, names, availability or policies; a "
            "wrong answer is worse than no answer.",
            "",
            "When lookup_answer has no answer or is unavailable, or the caller needs a person (a complaint, a "
            "refund, a reaction or injury after a treatment), call request_help with the caller's question, "
            f'then say exactly: "{ESCALATION}"',
            "If request_help answers need_callback_number, ask for the best number to text them back at, call "
            "save_callback_number with it, read the number back and ask if it is right; when they say yes, "
            "call request_help again with the same question. If it answers queued, apologise: the team "
            "cannot be reached right now, the question is saved and someone will call them back.",
            "",
            "When the caller asks to speak to a person (a human, the manager, someone), when something is "
            "urgent (an injury, a reaction after a treatment), or when you keep failing to help them, call "
            "transfer_to_human with the reason. If it answers ringing, tell the caller you are connecting them "
            "with that person and ask them to hold; then say nothing until you are told the outcome. If it "
            f'answers not_available, apologise and say: "{OFFER_HELP}" If they say yes, call request_help.',
            "",
            "When the caller says goodbye or has nothing else to ask, call end_call and say a short goodbye.",
        ]
    )


class Receptionist(Agent):
    def __init__(self, *, api: SalonApi, call: CallRecord, profile: dict[str, Any] | None = None):
        super().__init__(instructions=build_instructions(profile))
        self.api = api
        self.call = call
        self.profile = profile
        self._callback_number: str | None = None  # given and read back during this call
        self._escalated: dict[str, dict[str, Any]] = {}  # question -> what request_help answered
        self.transfer: TransferWatch | None = None  # the transfer to a person under way, if any
        self.consultation: Consultation | None = None  # where it briefs; by default from the job

    async def on_enter(self) -> None:
        self.session.say(greeting(self.profile))

    # --- tools --------------------------------------------------------------------------------

    @function_tool
    async def lookup_answer(self, context: RunContext, question: str) -> str:
        """Look up the answer to the caller's question in the salon's knowledge base. Call it before
        answering any question about the salon: prices, hours, services, staff, policies, location.

        Args:
            question: The caller's question, in their own words.
        """
        try:
            found = await self.api.lookup(question)
        except ApiUnavailable as exc:
            logger.warning("Lookup failed, the API is unavailable: %s", exc)
            return _result(
                "unavailable",
                instructions="The knowledge base cannot be reached right now. Do not guess: call request_help.",
            )
        except ApiRejected as exc:
            logger.error("The API refused a lookup: %s", exc)
            return _result("unavailable", instructions="Do not guess: call request_help.")
        if found.get("matched") and found.get("answer"):
            return _result(
                "answered",
                answer=found["answer"],
                instructions="Tell the caller this answer briefly, in your own words. Add nothing to it.",
            )
        return _result(
            "unknown",
            instructions="The knowledge base does not know this. Do not guess: call request_help with the question.",
        )

    @function_tool
    async def request_help(self, context: RunContext, question: str) -> str:
        """Ask a human supervisor, who will text the caller the answer. Use it when lookup_answer has
        no answer, or when the caller needs a person's decision.

        Args:
            question: The caller's question, complete enough for a person to answer it.
        """
        question = question.strip()
        key = _question_key(question)
        for earlier, outcome in self._escalated.items():
            if _same_question(key, earlier):
                return _result("already_escalated", **outcome)
        phone = self.call.caller.phone or self._callback_number
        if not phone:
            return _result(
                "need_callback_number",
                instructions="Ask the caller for the best number to text them back at, then call "
                "save_callback_number with it.",
            )
        spoken = spoken_phone(phone)
        body: dict[str, Any] = {"question": question, "caller_phone": phone, "caller_name": self.call.caller.name}
        if self.call.call_id is not None:
            body["call_id"] = self.call.call_id
        turn = sum(1 for item in context.session.history.items if item.type == "message" and item.role == "user")
        write = Write(
            "POST",
            "/api/v1/help-requests",
            body,
            idempotency_key=f"{self.call.key}:turn-{turn}:{hashlib.sha1(key.encode()).hexdigest()[:10]}",
            description=f"the help request {question!r} for {phone}",
            link_refs={"call_id": self.call.key},  # if the call itself is still queued
        )
        try:
            created = await self.api.submit(write)
        except ApiError as exc:
            logger.error("The API refused the help request %r: %s", question, exc)
            return _result(
                "failed",
                instructions="Apologise: the question could not be passed on. Ask the caller to call back later.",
            )
        if isinstance(created, Queued):
            outcome = {"callback_number_spoken": spoken}
            self._escalated[key] = outcome
            return _result(
                "queued",
                **outcome,
                instructions="Apologise: the team cannot be reached right now. The question is saved and "
                "someone will call the caller back at this number. Do not promise a time.",
            )
        holding = self.call.hold_for_answer(created["id"], callback_number_spoken=spoken)
        outcome = {"help_request_id": created["id"], "callback_number_spoken": spoken}
        if created.get("answer_expected"):  # when they will hear back, in the salon's opening hours
            outcome["answer_expected"] = created["answer_expected"]
        self._escalated[key] = outcome
        logger.info("Help request %s opened for %r.", created["id"], question)
        return _result(
            "escalated",
            **outcome,
            holding=holding,
            hold_seconds=self.call.hold_seconds if holding else 0,
            instructions=f'Say exactly: "{ESCALATION}"'
            + (
                " Then say you will stay on the line for a moment in case they answer right away."
                if holding
                else " Then say they will get a text with the answer"
                + (f', and when: "{outcome["answer_expected"]}"' if "answer_expected" in outcome else ".")
            ),
        )

    @function_tool
    async def save_callback_number(self, context: RunContext, phone_number: str) -> str:
        """Keep the phone number the caller wants to be texted back at. Then read the returned number
        back to the caller and ask if it is right; once they confirm, call request_help again.

        Args:
            phone_number: The number as the caller said it, e.g. "415 555 0150".
        """
        number = phone_or_none(phone_number)
        if number is None:
            return _result(
                "invalid",
                instructions="That is not a complete phone number. Ask for it again, with the area code.",
            )
        self._callback_number = number
        return _result(
            "confirm",
            callback_number=number,
            callback_number_spoken=spoken_phone(number),
            instructions="Read the number back digit by digit and ask the caller whether it is right.",
        )

    @function_tool
    async def transfer_to_human(self, context: RunContext, reason: str) -> str:
        """Hand the call to a person at the salon, who is briefed first. Use it when the caller asks
        for a person (a human, the manager, someone), for something urgent (an injury, a reaction
        after a treatment), or when you keep failing to help.

        Args:
            reason: Why a person is needed, with what the caller wants, in a sentence.
        """
        if self.transfer is not None and not self.transfer.done.done():
            return _result("already_transferring", person=self.transfer.person, instructions="Ask them to hold on.")
        if self.call.call_id is None:
            return _not_available("The call is not recorded yet, so nobody can be brought in.")
        turn = sum(1 for item in context.session.history.items if item.type == "message" and item.role == "user")
        try:
            transfer = await self.api.start_transfer(
                self.call.call_id,
                reason.strip() or "The caller asked for a person.",
                idempotency_key=f"{self.call.key}:transfer-{turn}",
            )
        except ApiError as exc:
            logger.error("Could not start a transfer of call %s: %s", self.call.call_id, exc)
            return _not_available("The transfer could not be started.")
        if transfer.get("status") not in ("requested", "ringing"):
            why = transfer.get("outcome_note") or "Nobody can take the call."
            logger.info("Transfer %s of call %s did not start: %s", transfer.get("id"), self.call.call_id, why)
            return _not_available(why)
        self.transfer = TransferWatch(
            self.api,
            context.session,
            transfer,
            consultation=self.consultation or default_consultation(context.session),
            on_connected=self._leave_to_person,
        )
        self.transfer.start()
        person = self.transfer.person
        logger.info("Transfer %s of call %s: ringing %s.", transfer["id"], self.call.call_id, person)
        return _result(
            "ringing",
            person=person,
            instructions=f"Tell the caller you are connecting them with {person} and ask them to hold for a moment. "
            "Say nothing else until you are told how it went.",
        )

    async def _leave_to_person(self) -> None:
        """The person took the call: the receptionist falls silent and the call is recorded as
        ended (`transferred`), but the job stays in the room, as LiveKit's WarmTransferTask does,
        so that when either side leaves, the room (the phone line) is closed for the other."""
        self.call.end_reason = "transferred"
        self.session.shutdown()
        job = get_job_context(required=False)
        if job is not None and not job.is_fake_job():
            end_when_one_leaves(job)

    @function_tool
    async def end_call(self, context: RunContext) -> str:
        """End the call when the caller says goodbye or has nothing else to ask."""
        self.call.end_reason = self.call.end_reason or "goodbye"
        session = context.session

        def hang_up(_: Any) -> None:
            session.shutdown()  # after the goodbye has been said
            job = get_job_context(required=False)
            if job is not None and not job.is_fake_job():
                _background(close_room(job, "goodbye"))  # hangs up a phone caller

        context.speech_handle.add_done_callback(hang_up)
        return _result("ending", instructions="Say a short, warm goodbye and nothing else.")


async def close_room(job: JobContext, reason: str) -> None:
    """Delete the room (every participant leaves; a phone line hangs up), then end the job. The
    deletion is awaited first: the job cancels whatever is still pending when it shuts down."""
    try:
        await job.delete_room()
    finally:
        job.shutdown(reason=reason)


def end_when_one_leaves(job: JobContext) -> None:
    """After a transfer: once the caller or the person leaves the room, close it for the other."""
    room = job.room

    def on_left(participant: rtc.RemoteParticipant) -> None:
        if participant.kind not in DEFAULT_PARTICIPANT_KINDS:
            return
        room.off("participant_disconnected", on_left)
        logger.info("%s left the transferred call in room %s; closing it.", participant.identity, room.name)
        _background(close_room(job, "transferred call over"))

    room.on("participant_disconnected", on_left)


_BACKGROUND: set[asyncio.Task[Any]] = set()


def _background(coroutine: Any) -> None:
    """A task started from a callback, kept referenced until it is done."""
    task = asyncio.get_running_loop().create_task(coroutine)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


def _result(status: str, **fields: Any) -> str:
    return json.dumps({"status": status, **fields})


def _not_available(why: str) -> str:
    return _result(
        "not_available",
        why=why,
        instructions=f'Apologise that nobody can come to the phone right now, then say: "{OFFER_HELP}"',
    )


_FILLER = frozenset(
    "sorry please again so um uh er just hi hello hey and also well ok okay actually one more thing quick "
    "question i wanted to ask can you tell me".split()
)


def _question_key(question: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", question.lower()).strip()


def _same_question(one: str, other: str) -> bool:
    """Whether a caller is asking again what they already asked (in this call)."""
    words, earlier = set(one.split()) - _FILLER, set(other.split()) - _FILLER
    if not words or not earlier:
        return one == other
    return len(words & earlier) / len(words | earlier) >= 0.75


def spoken_phone(number: str) -> str:
    """How to read a number back: national digits in groups, "4 1 5, 5 5 5, 0 1 5 0"."""
    try:
        parsed = phonenumbers.parse(number, settings.PHONE_DEFAULT_REGION)
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        national = number
    groups = re.findall(r"\d+", national)
    return ", ".join(" ".join(group) for group in groups)
