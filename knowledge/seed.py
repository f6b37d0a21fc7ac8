"""The salon's business profile, read and spoken: each fact of the profile (a day's hours, a
service's price, a policy, a staff member ...) as one natural question and the answer a
receptionist would give, with a stable key (`build_facts`); and the bundled vocabulary.

Writing the facts into the knowledge base, as a diff that keeps what people did to the entries,
is `knowledge.profile`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import phonenumbers

from core.datafiles import read_yaml
from core.phones import InvalidPhoneNumber, normalize_phone
from knowledge.models import VocabularyTerm
from knowledge.opening_hours import HoursError, parse_hours
from knowledge.vocabulary import DEFAULT_VOCABULARY, VocabularyError, load_terms

DEFAULT_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "salon.yaml"

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# How a caller would ask about each policy of the profile; an unknown policy key still gets a
# plain question ("What is your <key> policy?").
POLICY_QUESTIONS = {
    "booking": "How do I book an appointment, and do you take walk-ins?",
    "cancellation": "What if I need to cancel or reschedule my appointment?",
    "late_arrival": "What if I'm running late for my appointment?",
    "deposit": "Do I need to pay a deposit when I book?",
    "payment": "What payment methods do you accept?",
    "consultation": "Do you do color consultations, and do they cost anything?",
    "patch_test": "Do new color clients need an allergy patch test?",
    "tipping": "Should I tip my stylist?",
}


class SeedError(ValueError):
    """The profile file cannot be read or lacks what seeding needs; the message says which."""


@dataclass(frozen=True)
class Fact:
    key: str
    category: str
    question: str
    answer: str


# --- reading the profile ------------------------------------------------------------------------


def load_profile(path: str | Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    """The business profile in `path` as a dict; SeedError with a sentence when it is unusable."""
    data = read_yaml(path, "salon profile", SeedError)
    if not isinstance(data, dict) or not str(data.get("name") or "").strip():
        raise SeedError(f"The salon profile at {path} must be a mapping with at least a 'name'.")
    return data


def supervisors_from(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The profile's supervisors as clean dicts (name, phone as written, email, expertise, is_owner)."""
    result = []
    for i, raw in enumerate(profile.get("supervisors") or [], start=1):
        if not isinstance(raw, dict) or not raw.get("name") or not raw.get("phone"):
            raise SeedError(f"Supervisor #{i} in the salon profile needs at least a name and a phone.")
        expertise = raw.get("expertise") or []
        result.append(
            {
                "name": str(raw["name"]).strip(),
                "phone": str(raw["phone"]).strip(),
                "email": str(raw.get("email") or "").strip(),
                "expertise": [str(tag).strip().lower() for tag in expertise if str(tag).strip()],
                "is_owner": bool(raw.get("owner", False)),
            }
        )
    return result


# --- speaking the facts -------------------------------------------------------------------------


def slugify(text: str) -> str:
    """ "Women's haircut" -> "womens-haircut" (a stable key part)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace("\u2019", "")).strip("-")


def spoken_time(hhmm: str) -> str:
    """ "19:00" -> "7 PM", "09:30" -> "9:30 AM", "12:00" -> "12 PM (noon)"."""
    hour, minute = (int(part) for part in hhmm.strip().split(":"))
    if hour == 24:
        return "midnight"
    suffix = "AM" if hour < 12 else "PM"
    twelve = hour % 12 or 12
    text = f"{twelve}:{minute:02d} {suffix}" if minute else f"{twelve} {suffix}"
    if hour == 12 and minute == 0:
        text += " (noon)"
    return text


def spoken_duration(minutes: int) -> str:
    """45 -> "45 minutes", 60 -> "an hour (60 minutes)", 150 -> "2 and a half hours (150 minutes)"."""
    if minutes < 60:
        return f"{minutes} minutes"
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        text = "an hour" if hours == 1 else f"{hours} hours"
    elif rest == 30:
        text = "an hour and a half" if hours == 1 else f"{hours} and a half hours"
    else:
        text = ("an hour" if hours == 1 else f"{hours} hours") + f" and {rest} minutes"
    return f"{text} ({minutes} minutes)"


def join_words(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def opening_times(day: str, value: Any) -> tuple[str, str] | None:
    """A day's hours as ("10:00", "19:00"), or None when closed ("closed", empty), read by the one
    hours parser (`knowledge.opening_hours`); SeedError with its sentence when they cannot be read
    or close before they open."""
    try:
        times = parse_hours(value, day)
    except HoursError as exc:
        raise SeedError(str(exc)) from None
    if times is None:
        return None
    opens, closes = times
    return f"{opens:%H:%M}", "24:00" if closes == time.max else f"{closes:%H:%M}"


def _day_hours(day: str, value: Any) -> tuple[str, str] | None:
    """(opens, closes) spoken, or None when closed."""
    times = opening_times(day, value)
    return (spoken_time(times[0]), spoken_time(times[1])) if times else None


def _hours_facts(hours: dict[str, Any]) -> list[Fact]:
    """One entry per day, and a summary of the week that groups days with the same hours."""
    facts = []
    runs: list[tuple[list[str], tuple[str, str] | None]] = []  # consecutive days with the same hours
    for day in DAYS:
        if day not in hours:
            continue
        name = day.capitalize()
        times = _day_hours(day, hours[day])
        answer = f"On {name}s we're open from {times[0]} to {times[1]}." if times else f"We're closed on {name}s."
        facts.append(Fact(f"hours.{day}", "hours", f"What are your hours on {name}?", answer))
        if runs and runs[-1][1] == times:
            runs[-1][0].append(name)
        else:
            runs.append(([name], times))
    if not facts:
        return facts
    open_parts, closed_days = [], []
    for names, times in runs:
        if times:
            days = join_words(names) if len(names) <= 2 else f"{names[0]} to {names[-1]}"
            open_parts.append(f"{days} from {times[0]} to {times[1]}")
        else:
            closed_days += [f"{name}s" for name in names]
    if not open_parts:
        answer = "We're closed all week."
    else:
        answer = "We're open " + join_words(open_parts)
        answer += f", and we're closed on {join_words(closed_days)}." if closed_days else "."
    facts.append(Fact("hours.week", "hours", "What are your opening hours?", answer))
    return facts


def _holiday_fact(text: str, dates: list[dict[str, str]]) -> Fact:
    """The holidays sentence as written, and the holiday dates (`holiday_dates`) after it; with
    no sentence, the dates alone ("We're closed on Christmas Day, Friday, December 25, 2026.")."""
    text = _sentence(str(text)) if str(text or "").strip() else ""
    if text.lower().startswith("closed"):
        text = "We're c" + text[1:]
    if dates:
        days = join_words([f"{d['name']}, {_spoken_date(d['date'])}" for d in dates])
        text = f"{text} Our holiday closures: {days}." if text else f"We're closed on {days}."
    return Fact("holidays", "hours", "Are you open on holidays?", text)


def _spoken_date(iso: str) -> str:
    """ "2026-12-25" -> "Friday, December 25, 2026"."""
    day = date.fromisoformat(iso)
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def _service_name(service: dict[str, Any]) -> tuple[str, str]:
    """(name for a question, name with its note) — "Children's haircut" and "... (under 12)"."""
    full = str(service["name"]).strip()
    bare = re.sub(r"\s*\([^)]*\)", "", full).strip()
    return bare, full


def _is_plural(name: str) -> bool:
    last = name.split()[-1].lower()
    return last.endswith("s") and not last.endswith(("ss", "us"))


def _price_phrase(service: dict[str, Any], plural: bool) -> str:
    price = service.get("price")
    if price is None:
        return ""
    amount = f"${price:,}" if isinstance(price, int) else f"${price:,.2f}"
    if service.get("from"):
        return f"{'start' if plural else 'starts'} at {amount}"
    return f"{'are' if plural else 'is'} {amount}"


def _service_facts(services: list[dict[str, Any]]) -> list[Fact]:
    """One entry per service (price and duration), the whole menu, and one per kind of service."""
    services = [s for s in services if isinstance(s, dict) and s.get("name")]
    facts = []
    for service in services:
        bare, full = _service_name(service)
        plural = _is_plural(bare)
        said = [_price_phrase(service, plural)]
        if service.get("duration_min"):
            said.append(f"{'take' if plural else 'takes'} about {spoken_duration(int(service['duration_min']))}")
        said = [part for part in said if part]
        answer = f"Our {_lower_first(full)} {' and '.join(said)}." if said else f"Yes, we offer {_lower_first(full)}."
        performers = [str(name).strip() for name in service.get("performed_by") or [] if str(name).strip()]
        if performers:
            does = "does" if len(performers) == 1 else "do"
            answer += f" {join_words(performers)} {does} {'them' if plural else 'it'}."
        if plural:
            question = f"How much are {_lower_first(bare)} and how long do they take?"
        else:
            article = "an" if bare[0].lower() in "aeiou" else "a"
            question = f"How much is {article} {_lower_first(bare)} and how long does it take?"
        facts.append(Fact(f"service.{slugify(bare)}", "services", question, answer))
    if services:
        menu = "Here is our service menu. " + " ".join(_menu_line(service) for service in services)
        facts.append(Fact("services.menu", "services", "What services do you offer?", menu))
        facts += _service_group_facts(services)
    return facts


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _menu_line(service: dict[str, Any]) -> str:
    """ "Full highlights start at $190." — one sentence per service, so items never mix."""
    bare, full = _service_name(service)
    price = _price_phrase(service, _is_plural(bare))
    return f"{full} {price}." if price else f"{full}."


def _service_group_facts(services: list[dict[str, Any]]) -> list[Fact]:
    """One entry per kind of service offered in several versions (haircuts, highlights ...), so
    that "how much is a haircut?" gets all of them instead of one picked at random."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for service in services:
        bare, _ = _service_name(service)
        words = {re.sub(r"'s$", "", w) for w in re.findall(r"[a-z][a-z'-]*", bare.lower())}
        for word in words - {"and", "or", "with", "the", "a", "an", "of", "for"}:
            head = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
            groups.setdefault(head, []).append(service)
    facts = []
    for head, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        lines = " ".join(_menu_line(service) for service in members)
        facts.append(
            Fact(
                f"services.{slugify(head)}",
                "services",
                f"What kinds of {head}s do you offer and how much are they?",
                f"We offer {len(members)} kinds of {head}s. {lines}",
            )
        )
    return facts


def _staff_facts(staff: list[dict[str, Any]]) -> list[Fact]:
    facts = []
    team = []
    for person in staff:
        if not isinstance(person, dict) or not person.get("name"):
            continue
        name = str(person["name"]).strip()
        role = str(person.get("role") or "").strip()
        specialties = [str(s) for s in person.get("specialties") or []]
        first = name.split()[0]
        answer = f"{name} is our {role[0].lower() + role[1:]}" if role else f"{name} is on our team"
        if specialties:
            answer += f", specializing in {join_words(specialties)}"
        answer += "."
        facts.append(
            Fact(f"staff.{slugify(name)}", "staff", f"Who is {name}, and what does {first} specialize in?", answer)
        )
        team.append(f"{name} ({role[0].lower() + role[1:]})" if role else name)
        if "owner" in role.lower():
            facts.append(Fact("staff.owner", "staff", "Who owns the salon?", answer))
    if team:
        answer = f"Our team is {join_words(team)}."
        facts.append(Fact("staff.team", "staff", "Who are the stylists at the salon?", answer))
    return facts


def _contact_facts(profile: dict[str, Any]) -> list[Fact]:
    facts = []
    name = str(profile["name"]).strip()
    if profile.get("address"):
        answer = f"{name} is located at {str(profile['address']).strip()}"
        if profile.get("neighborhood"):
            area, _, detail = str(profile["neighborhood"]).strip().partition(",")
            answer += f", in the {area.strip()} neighborhood" + (f", {detail.strip()}" if detail.strip() else "")
        facts.append(Fact("contact.address", "location", "What's the salon's address?", answer + "."))
    if profile.get("phone"):
        phone = _national_phone(str(profile["phone"]))
        facts.append(
            Fact(
                "contact.phone", "contact", "What number can I call to reach the salon?", f"You can call us at {phone}."
            )
        )
    if profile.get("email"):
        facts.append(
            Fact(
                "contact.email",
                "contact",
                "What's your email?",
                f"You can email us at {str(profile['email']).strip()}.",
            )
        )
    if profile.get("website"):
        facts.append(
            Fact(
                "contact.website",
                "contact",
                "Do you have a website?",
                f"Yes, our website is {str(profile['website']).strip()}.",
            )
        )
    return facts


def _national_phone(raw: str) -> str:
    """ "+1-415-555-0142" -> "(415) 555-0142" for a US number; other numbers in international form."""
    try:
        number = phonenumbers.parse(normalize_phone(raw))
    except (InvalidPhoneNumber, phonenumbers.NumberParseException):
        return raw.strip()
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def build_facts(profile: dict[str, Any]) -> list[Fact]:
    """Every fact of the profile as a natural question and a spoken answer, with a stable key."""
    facts: list[Fact] = []
    if isinstance(profile.get("hours"), dict):
        facts += _hours_facts({str(k).lower(): v for k, v in profile["hours"].items()})
    if profile.get("holidays") or profile.get("holiday_dates"):
        facts.append(_holiday_fact(profile.get("holidays") or "", list(profile.get("holiday_dates") or [])))
    facts += _service_facts(list(profile.get("services") or []))
    facts += _staff_facts(list(profile.get("staff") or []))
    facts += _contact_facts(profile)
    for key, text in (profile.get("policies") or {}).items():
        if not str(text or "").strip():
            continue
        question = POLICY_QUESTIONS.get(key) or f"What is your {str(key).replace('_', ' ')} policy?"
        facts.append(Fact(f"policy.{slugify(str(key))}", "policies", question, _sentence(str(text))))
    keys = [f.key for f in facts]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise SeedError(f"Two facts of the salon profile share the key(s) {', '.join(sorted(duplicates))}.")
    return facts


# --- the bundled vocabulary -------------------------------------------------------------------


def seed_vocabulary(path: str | Path = DEFAULT_VOCABULARY) -> tuple[int, int]:
    """Load the default vocabulary terms: (added, updated). A term the salon added or edited
    (source `manual`) is left as it is, and `active` is set only when a term is created, so a
    term the salon switched off stays off."""
    try:
        terms = load_terms(path)
    except VocabularyError as exc:
        raise SeedError(str(exc)) from None
    existing = {row.phrase: row for row in VocabularyTerm.objects.filter(phrase__in=[t.phrase for t in terms])}
    added = [
        VocabularyTerm(phrase=t.phrase, means=t.means, asking_who=t.asking_who, source=VocabularyTerm.Source.SEED)
        for t in terms
        if t.phrase not in existing
    ]
    VocabularyTerm.objects.bulk_create(added)
    updated = 0
    for term in terms:
        row = existing.get(term.phrase)
        if row is not None and row.source == VocabularyTerm.Source.SEED and row.as_term() != term:
            row.means, row.asking_who = term.means, term.asking_who
            row.save(update_fields=["means", "asking_who", "updated_at"])
            updated += 1
    return len(added), updated
