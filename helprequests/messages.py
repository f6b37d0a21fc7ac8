"""The wording of every text the system sends, in one place."""

from helprequests.callers import first_name, real_name
from helprequests.models import HelpRequest, Supervisor
from knowledge.models import SalonProfile
from knowledge.opening_hours import Calendar, expectation


def supervisor_alert(help_request: HelpRequest, supervisor: Supervisor) -> str:
    """The caller is named only by a real name: "Console caller" says nothing a phone number doesn't."""
    name = real_name(help_request.caller_name)
    caller = f"{name} ({help_request.caller_phone})" if name else help_request.caller_phone
    return (
        f"Hey {supervisor.first_name}, I need help answering: {help_request.question}\n"
        f"Caller: {caller}. Priority: {help_request.priority}. Request #{help_request.pk}.\n"
        f"{_reply_hint(help_request)}"
    )


def _reply_hint(help_request: HelpRequest) -> str:
    return f"Reply with #{help_request.pk} and your answer, or answer in the console."


def supervisor_reminder(help_request: HelpRequest, supervisor: Supervisor) -> str:
    """The ladder's first step: the same request again, to the same person, marked as a reminder."""
    return (
        f"Reminder, {supervisor.first_name}: a caller is still waiting for an answer to: {help_request.question}\n"
        f"Priority: {help_request.priority}. Request #{help_request.pk}.\n{_reply_hint(help_request)}"
    )


def supervisor_escalation(help_request: HelpRequest, supervisor: Supervisor, assigned: Supervisor | None) -> str:
    """The ladder's later steps: someone else is told who has not answered yet (or that it is urgent)."""
    if help_request.priority == HelpRequest.Priority.URGENT:
        why = "Urgent, and nobody has answered yet"
    else:
        why = f"{assigned.first_name} hasn't answered this yet" if assigned else "Nobody has answered this yet"
    name = real_name(help_request.caller_name)
    caller = f"{name} ({help_request.caller_phone})" if name else help_request.caller_phone
    return (
        f"Hey {supervisor.first_name}, {why}: {help_request.question}\n"
        f"Caller: {caller}. Priority: {help_request.priority}. Request #{help_request.pk}.\n{_reply_hint(help_request)}"
    )


def answer_expected(help_request: HelpRequest, calendar: Calendar | None) -> str:
    """When the caller will hear back, as the agent says it and the texts write it, counted from
    when they asked: "We open at 10 tomorrow; you'll hear from us by 10:30." """
    clause = expectation(help_request.created_at, help_request.expires_at, calendar)
    return clause[0].upper() + clause[1:] + "."


def _greeting(help_request: HelpRequest, salon_name: str | None = None) -> str:
    """ "Hi Ana, this is …", or "Hi, this is …" when the caller gave no real name (the voice
    console records "Console caller", the web call page "Web caller")."""
    name = first_name(help_request.caller_name)
    return f"Hi{' ' + name if name else ''}, this is {salon_name or SalonProfile.display_name()}."


def caller_followup(help_request: HelpRequest) -> str:
    return f'{_greeting(help_request)} About your question "{help_request.question}": {help_request.answer}'


def caller_timeout(help_request: HelpRequest, salon_name: str | None = None) -> str:
    """`salon_name` saves a query per text when many are written at once."""
    return (
        f"{_greeting(help_request, salon_name)} We're sorry we haven't answered your question "
        f'"{help_request.question}" yet. '
        "A member of our team will text you the answer as soon as they can."
    )


def caller_question_received(help_request: HelpRequest, calendar: Calendar | None = None) -> str:
    """The reply to a caller whose text asked something new: what the phone agent says too,
    with when to expect the answer."""
    return (
        f"{_greeting(help_request)} Thanks for your question; we've passed it to our team and "
        f"will text you the answer as soon as we can. {answer_expected(help_request, calendar)}"
    )


def caller_received(help_request: HelpRequest, calendar: Calendar | None) -> str:
    """To a caller who asked while the salon was closed: what the agent told them, in writing,
    since the answer comes hours later."""
    return (
        f'{_greeting(help_request)} We have your question "{help_request.question}" and will text you '
        f"the answer. {answer_expected(help_request, calendar)}"
    )


def salon_help(profile: SalonProfile | None) -> str:
    """The reply to HELP (or INFO): who is texting, how to reach a person, how to stop texts."""
    if profile is None:
        return "This is the salon's front desk. Reply STOP to stop texts."
    phone = f" Call us at {profile.phone}." if profile.phone else ""
    return f"This is {profile.name}.{phone} Reply STOP to stop texts."
