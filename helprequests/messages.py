"""The wording of every text the system sends, in one place."""

from helprequests.models import HelpRequest, Supervisor
from knowledge.models import SalonProfile


def supervisor_alert(help_request: HelpRequest, supervisor: Supervisor) -> str:
    caller = (
        f"{help_request.caller_name} ({help_request.caller_phone})"
        if help_request.caller_name
        else help_request.caller_phone
    )
    return (
        f"Hey {supervisor.first_name}, I need help answering: {help_request.question}\n"
        f"Caller: {caller}. Priority: {help_request.priority}. Request #{help_request.pk}.\n"
        f"Reply with #{help_request.pk} and your answer, or answer in the console."
    )


def _greeting(help_request: HelpRequest, salon_name: str | None = None) -> str:
    name = f" {help_request.caller_name.split()[0]}" if help_request.caller_name.strip() else ""
    return f"Hi{name}, this is {salon_name or SalonProfile.display_name()}."


def caller_followup(help_request: HelpRequest) -> str:
    return f'{_greeting(help_request)} About your question "{help_request.question}": {help_request.answer}'


def caller_timeout(help_request: HelpRequest, salon_name: str | None = None) -> str:
    """`salon_name` saves a query per text when many are written at once."""
    return (
        f"{_greeting(help_request, salon_name)} We're sorry we haven't answered your question "
        f'"{help_request.question}" yet. '
        "A member of our team will text you the answer as soon as they can."
    )
