"""The salon's profile is hers: checking it, saving it, importing and exporting it.

Every way the profile changes (the profile forms in admin, an uploaded salon file, `seed_salon
PATH`) goes through `apply_profile`, which in one transaction saves the profile, writes its
facts (`knowledge.seed.build_facts`) into the knowledge base as a diff, and brings the
supervisors in line with it:

- an entry whose fact did not change is not touched: it keeps its id, its use counts, and the
  learned answers approved over it (they name it by id);
- a fact that left the profile is switched off (`in_profile` false), and switched back on when
  it returns; an entry a person switched off while its fact stayed stays off;
- an entry a person edited by hand (its words differ from `seeded_question/answer`, what the
  profile last gave) is never overwritten: when the profile's wording of that fact changes, the
  new wording waits in `profile_proposal` and the owner chooses (`resolve_conflict`).

Seeding never overwrites her facts behind her back: `seed_salon` without a file loads the demo
salon only into a database that has no profile yet (see that command).

The supervisors are part of the profile but belong to helprequests, an app above this one that
this app does not know: helprequests registers a `ProfileSection` for the `supervisors` key when
it loads (helprequests/salon_profile.py), which adds its rule for their topics, saves them and
reads them back for an export. Without it, the key is only kept in the profile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core.errors import Conflict, NotFound, get_or_404
from core.phones import InvalidPhoneNumber, normalize_phone
from knowledge.models import KnowledgeEntry, SalonProfile
from knowledge.seed import DAYS, SeedError, build_facts, opening_times, slugify, supervisors_from

# The profile's keys in the order a salon file is written (export); others are kept after them.
ORDER = (
    "name",
    "phone",
    "email",
    "website",
    "address",
    "neighborhood",
    "timezone",
    "hours",
    "holidays",
    "holiday_dates",
    "services",
    "staff",
    "policies",
    "supervisors",
)


# Said to the second of two first-run setups at the same moment: the first one's salon stands.
ALREADY_SET_UP = (
    "A salon was already set up (by another save at the same moment), so this one was not saved: "
    "open the salon's profile to see it and change it there."
)


class ProfileError(SeedError):
    """The profile has mistakes; `problems` holds one sentence per mistake."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


# --- checking one value (the forms use these too) -----------------------------------------------


def clean_price(value: Any, service: str = "the service") -> int | float | None:
    """A price in dollars as a number: 60, 12.5, "60" or "60.00"; None when there is none.
    "$60" is refused, not read: the answer says the dollar sign itself ("$$60" otherwise)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise SeedError(f"The price of {service} must be a number of dollars, e.g. 60.")
    text = str(value).strip().replace(",", "")
    if "$" in text:
        raise SeedError(f'Write the price of {service} as a number, e.g. 60, without "$": the answer adds it.')
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise SeedError(f"The price of {service} reads {value!r}; write a number of dollars, e.g. 60.") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise SeedError(f"The price of {service} reads {value!r}; write a number of dollars, e.g. 60 or 12.50.")
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def clean_timezone(value: Any) -> str:
    name = str(value or "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SeedError(f"{name!r} is not a timezone; write one like America/Los_Angeles.") from None
    return name


def clean_phone(value: Any, whose: str) -> str:
    """The phone as written, once it is known to be a real number (answers say it as written)."""
    text = str(value or "").strip()
    try:
        normalize_phone(text)
    except InvalidPhoneNumber as exc:
        raise SeedError(f"{whose}: {exc}") from None
    return text


def clean_expertise(topics: list[str], whose: str) -> list[str]:
    """The topics a supervisor gets questions about, checked by the rule of the app that keeps the
    supervisors (helprequests: only topics questions are routed by), kept in one place there."""
    section = _sections.get("supervisors")
    try:
        if section is not None:
            section.check_field("expertise", topics)
    except ValidationError as exc:
        raise SeedError(f"{whose}: {' '.join(exc.messages)}") from None
    return topics


def clean_hours(day: str, value: Any) -> str:
    """ "closed" or "HH:MM-HH:MM" (opening first)."""
    times = opening_times(day, value)
    return f"{times[0]}-{times[1]}" if times else "closed"


def clean_date(value: Any, what: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value or "").strip()).isoformat()
    except ValueError:
        raise SeedError(f"The date of {what} reads {value!r}; write it as YYYY-MM-DD, e.g. 2026-12-25.") from None


def service_key(name: str) -> str:
    """Two services with the same key would be the same entry: "Blowout" and "blowout (long hair)"."""
    return slugify(re.sub(r"\s*\([^)]*\)", "", name))


# --- checking the whole profile -----------------------------------------------------------------


def clean_profile(data: Any) -> dict[str, Any]:
    """The profile, checked and tidied (keys in file order, hours as "HH:MM-HH:MM", prices as
    numbers, holidays sorted); ProfileError listing every mistake found."""
    if not isinstance(data, dict):
        raise ProfileError(["A salon profile must be a mapping of keys (name, hours, services ...)."])
    data = json.loads(json.dumps(data, default=str))  # YAML dates and the like, as JSON stores them
    problems: list[str] = []

    def check(function, *args):
        try:
            return function(*args)
        except SeedError as exc:
            problems.append(str(exc))
            return None

    profile: dict[str, Any] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        problems.append("The salon needs a name.")
    profile["name"] = name
    if str(data.get("phone") or "").strip():
        profile["phone"] = check(clean_phone, data["phone"], "The salon's phone")
    for key in ("email", "website", "address", "neighborhood"):
        if str(data.get(key) or "").strip():
            profile[key] = str(data[key]).strip()
    if "email" in profile:
        try:
            validate_email(profile["email"])
        except ValidationError:
            problems.append(f"The salon's email {profile['email']!r} is not an email address.")
    profile["timezone"] = check(clean_timezone, data.get("timezone"))
    profile["hours"] = _clean_week(data.get("hours"), problems, check)
    if str(data.get("holidays") or "").strip():
        profile["holidays"] = str(data["holidays"]).strip()
    profile["holiday_dates"] = _clean_holidays(data.get("holiday_dates"), problems, check)
    profile["staff"] = _clean_staff(data.get("staff"), problems)
    profile["services"] = _clean_services(data.get("services"), {p["name"] for p in profile["staff"]}, problems, check)
    profile["policies"] = _clean_policies(data.get("policies"), problems)
    if "supervisors" in data:
        profile["supervisors"] = _clean_supervisors(data, problems, check)
    if problems:
        raise ProfileError(problems)
    ordered = {key: profile[key] for key in ORDER if key in profile}
    ordered.update({key: value for key, value in data.items() if key not in ORDER})
    return ordered


def _clean_week(hours: Any, problems: list[str], check) -> dict[str, str]:
    if hours in (None, ""):
        return {}
    if not isinstance(hours, dict):
        problems.append("The hours must list weekdays, e.g. monday: 10:00-19:00 or monday: closed.")
        return {}
    week = {str(day).strip().lower(): value for day, value in hours.items()}
    for day in set(week) - set(DAYS):
        problems.append(f"{day!r} in the hours is not a weekday.")
    return {day: check(clean_hours, day, week[day]) for day in DAYS if day in week}


def _clean_holidays(dates: Any, problems: list[str], check) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    for i, raw in enumerate(dates or [], start=1):
        if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
            problems.append(f"Holiday #{i} needs a date and a name, e.g. {{date: 2026-12-25, name: Christmas Day}}.")
            continue
        holiday = str(raw["name"]).strip()
        day = check(clean_date, raw.get("date"), holiday)
        if day and any(d["date"] == day for d in result):
            problems.append(f"{day} is listed twice among the holidays.")
        elif day:
            result.append({"date": day, "name": holiday})
    return sorted(result, key=lambda d: d["date"])


def _clean_staff(staff: Any, problems: list[str]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for i, raw in enumerate(staff or [], start=1):
        if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
            problems.append(f"Staff member #{i} needs a name.")
            continue
        person = {"name": " ".join(str(raw["name"]).split())}
        if str(raw.get("role") or "").strip():
            person["role"] = str(raw["role"]).strip()
        specialties = [str(s).strip() for s in _as_list(raw.get("specialties")) if str(s).strip()]
        if specialties:
            person["specialties"] = specialties
        if any(slugify(p["name"]) == slugify(person["name"]) for p in result):
            problems.append(f"{person['name']} is listed twice among the staff.")
        result.append(person)
    return result


def _clean_services(services: Any, staff: set[str], problems: list[str], check) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for i, raw in enumerate(services or [], start=1):
        if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
            problems.append(f"Service #{i} needs a name.")
            continue
        name = " ".join(str(raw["name"]).split())
        service: dict[str, Any] = {"name": name}
        if any(service_key(s["name"]) == service_key(name) for s in result):
            problems.append(f"The service {name!r} is listed twice; each service needs its own name.")
        price = check(clean_price, raw.get("price"), name)
        if price is not None:
            service["price"] = price
        if raw.get("from"):
            service["from"] = True
        if raw.get("duration_min") not in (None, ""):
            try:
                minutes = int(str(raw["duration_min"]).strip())
            except ValueError:
                minutes = 0
            if minutes <= 0:
                problems.append(f"The duration of {name} must be a whole number of minutes, e.g. 45.")
            service["duration_min"] = minutes
        performers = [" ".join(str(p).split()) for p in _as_list(raw.get("performed_by")) if str(p).strip()]
        for person in performers:
            if person not in staff:
                problems.append(f"{person} does {name} but is not on the staff list.")
        if performers:
            service["performed_by"] = performers
        result.append(service)
    return result


def _clean_policies(policies: Any, problems: list[str]) -> dict[str, str]:
    if policies in (None, ""):
        return {}
    if not isinstance(policies, dict):
        problems.append("The policies must be a mapping, e.g. cancellation: Please cancel 24 hours ahead.")
        return {}
    result: dict[str, str] = {}
    for key, text in policies.items():
        name = slugify(str(key)).replace("-", "_")
        if not name:
            problems.append(f"The policy {key!r} needs a name of letters, e.g. cancellation.")
        elif name in result:
            problems.append(f"The policy {name!r} is listed twice.")
        elif str(text or "").strip():
            result[name] = str(text).strip()
    return result


def _clean_supervisors(data: dict[str, Any], problems: list[str], check) -> list[dict[str, Any]]:
    try:
        supervisors = supervisors_from(data)
    except SeedError as exc:
        problems.append(str(exc))
        return []
    result, phones = [], set()
    for person in supervisors:
        phone = check(clean_phone, person["phone"], f"Supervisor {person['name']}")
        if phone is None:
            continue
        phone = normalize_phone(phone)  # as the supervisors' table and an export write it
        if phone in phones:
            problems.append(f"The phone {phone} is given to two supervisors.")
        phones.add(phone)
        row = {"name": person["name"], "phone": phone}
        if person["email"]:
            row["email"] = person["email"]
        if person["is_owner"]:
            row["owner"] = True
        row["expertise"] = check(clean_expertise, person["expertise"], f"Supervisor {person['name']}") or []
        result.append(row)
    return result


def _as_list(value: Any) -> list[Any]:
    """A list as a file or a form gives it: a YAML list, or one string of comma-separated items."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return value.split(",")
    return list(value)


def parse_salon_file(text: str) -> dict[str, Any]:
    """The profile in a salon file's text (YAML), unchecked; ProfileError when it is not YAML."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError([f"The salon file is not readable YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ProfileError(["The salon file must be a mapping with at least a 'name'."])
    return data


# --- saving -------------------------------------------------------------------------------------


@dataclass
class ProfileChanges:
    """What saving a profile changed, or would change (a dry run); seed keys and names."""

    dry_run: bool = False
    profile: str = "unchanged"  # created, updated, unchanged
    fields: list[str] = field(default_factory=list)  # the profile's keys whose value changed
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # switched off: the fact left the profile
    restored: list[str] = field(default_factory=list)  # switched back on: the fact returned
    conflicts: list[str] = field(default_factory=list)  # edited by hand, and the profile changed
    unchanged: int = 0
    supervisors_added: list[str] = field(default_factory=list)
    supervisors_changed: list[str] = field(default_factory=list)
    supervisors_removed: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # one line per change, for a person to read

    @property
    def changed(self) -> bool:
        return self.profile != "unchanged" or bool(self.details)

    def summary(self) -> str:
        return (
            f"Knowledge: {len(self.added)} added, {len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{len(self.removed)} switched off, {len(self.restored)} switched back on, "
            f"{len(self.conflicts)} in conflict with a hand edit; salon profile {self.profile}. "
            f"Supervisors: {len(self.supervisors_added)} added, {len(self.supervisors_changed)} changed, "
            f"{len(self.supervisors_removed)} removed."
        )


@dataclass(frozen=True)
class ProfileSection:
    """A key of the profile whose truth lives in the tables of a higher app (the supervisors:
    helprequests). This module checks the key's shape; the section adds its own rules, saves it
    in `apply_profile`'s transaction and reads it back for `export_profile`."""

    check_field: Callable[[str, Any], None]  # (an item's field, its value): ValidationError if refused
    apply: Callable[[Any, ProfileChanges], None]  # save the key's value, recording what changed
    export: Callable[[], Any]  # the key's value as it stands now


_sections: dict[str, ProfileSection] = {}


def register_section(key: str, section: ProfileSection) -> None:
    """Let a higher app keep `key` of the profile (from its AppConfig.ready); registering again
    replaces, so a reloaded app adds nothing."""
    _sections[key] = section


def apply_profile(data: Any, *, dry_run: bool = False) -> ProfileChanges:
    """Check `data` and make it the salon's profile, in one transaction; with `dry_run`, only say
    what would change (everything is rolled back). ProfileError when the profile has mistakes.
    A profile without a `supervisors` key leaves the supervisors as they are."""
    profile = clean_profile(data)
    facts = build_facts(profile)
    changes = ProfileChanges(dry_run=dry_run)
    with transaction.atomic():
        _save_profile(profile, changes)
        _write_facts(facts, changes)
        for key, section in _sections.items():
            if key in profile:
                section.apply(profile[key], changes)
        if dry_run:
            transaction.set_rollback(True)
    return changes


def _save_profile(profile: dict[str, Any], changes: ProfileChanges) -> None:
    wanted = {
        "name": profile["name"],
        "phone": _e164_or_blank(profile.get("phone")),
        "timezone": profile["timezone"],
        "profile": profile,
    }
    # Locked: two saves at once are applied one after the other, each diffing the other's result.
    current = SalonProfile.objects.select_for_update().order_by("pk").first()
    if current is None:
        try:
            with transaction.atomic():
                SalonProfile.objects.create(**wanted)
        except IntegrityError:  # the one-row key: another save set a salon up at the same moment
            raise ProfileError([ALREADY_SET_UP]) from None
        changes.profile, changes.fields = "created", list(profile)
        return
    before = current.profile or {}
    changes.fields = [key for key in {**before, **profile} if before.get(key) != profile.get(key)]
    if all(getattr(current, name) == value for name, value in wanted.items()):
        return
    changes.details.append(f"change the profile's {', '.join(changes.fields)}")
    for name, value in wanted.items():
        setattr(current, name, value)
    current.save()
    changes.profile = "updated"


def _e164_or_blank(phone: str | None) -> str:
    return normalize_phone(phone) if phone else ""


def _write_facts(facts, changes: ProfileChanges) -> None:
    existing = {e.seed_key: e for e in KnowledgeEntry.objects.select_for_update().filter(seed_key__isnull=False)}
    for fact in facts:
        entry = existing.pop(fact.key, None)
        if entry is None:
            KnowledgeEntry.objects.create(
                seed_key=fact.key,
                question=fact.question,
                answer=fact.answer,
                seeded_question=fact.question,
                seeded_answer=fact.answer,
                category=fact.category,
                source=KnowledgeEntry.Source.SEED,
                active=True,
            )
            changes.added.append(fact.key)
            changes.details.append(f"add {fact.key}: {fact.answer}")
        elif _write_fact(entry, fact, changes):
            entry.save()
        else:
            changes.unchanged += 1
    for key, entry in existing.items():
        if entry.source == KnowledgeEntry.Source.SEED and entry.in_profile:
            entry.in_profile, entry.active, entry.profile_proposal = False, False, None
            entry.save(update_fields=["in_profile", "active", "profile_proposal", "updated_at"])
            changes.removed.append(key)
            changes.details.append(f"switch off {key} (no longer in the profile): {entry.answer}")


def _write_fact(entry: KnowledgeEntry, fact, changes: ProfileChanges) -> bool:
    """Bring one existing entry in line with its fact; whether anything changed."""
    new = (fact.question, fact.answer)
    current = (entry.question, entry.answer)
    base = (entry.seeded_question, entry.seeded_answer)
    proposal = entry.profile_proposal
    touched = False
    if not entry.in_profile:  # its fact is back
        entry.in_profile, entry.active = True, True
        changes.restored.append(fact.key)
        changes.details.append(f"switch {fact.key} back on: {fact.answer}")
        touched = True
    if entry.category != fact.category or entry.source != KnowledgeEntry.Source.SEED:
        entry.category, entry.source = fact.category, KnowledgeEntry.Source.SEED
        touched = True
    if new == current:
        if base != new or proposal is not None:  # the profile now says what the hand edit said
            entry.seeded_question, entry.seeded_answer, entry.profile_proposal = *new, None
            touched = True
    elif new == base:
        if proposal is not None:  # the profile went back to the wording the hand edit started from
            entry.profile_proposal = None
            touched = True
    elif current == base:
        entry.question, entry.answer = new
        entry.seeded_question, entry.seeded_answer = new
        changes.updated.append(fact.key)
        changes.details.append(f"update {fact.key}: {current[1]} → {fact.answer}")
        touched = True
    elif proposal != {"question": fact.question, "answer": fact.answer}:
        entry.profile_proposal = {"question": fact.question, "answer": fact.answer}
        changes.conflicts.append(fact.key)
        changes.details.append(
            f"conflict at {fact.key}: edited by hand to {current[1]!r}; the profile now says {fact.answer!r}"
        )
        touched = True
    return touched


# --- conflicts between a hand edit and the profile ----------------------------------------------


def conflicts():
    """Seed entries a person edited by hand whose fact the profile has since changed."""
    return KnowledgeEntry.objects.filter(profile_proposal__isnull=False).order_by("seed_key")


def resolve_conflict(entry_id: int, *, keep: Literal["profile", "hand_edit"]) -> KnowledgeEntry:
    """The owner's choice: the profile's new wording replaces the hand edit, or the hand edit stays
    (and the profile's wording counts as seen, so the same change does not ask again)."""
    with transaction.atomic():
        entry = get_or_404(KnowledgeEntry.objects.select_for_update(), entry_id, "knowledge entry")
        if entry.profile_proposal is None:
            raise Conflict(f"Knowledge entry {entry_id} has no conflict with the profile to decide (any more).")
        proposal = (entry.profile_proposal["question"], entry.profile_proposal["answer"])
        if keep == "profile":
            entry.question, entry.answer = proposal
        entry.seeded_question, entry.seeded_answer = proposal
        entry.profile_proposal = None
        entry.save()
    return entry


# --- export -------------------------------------------------------------------------------------


def export_profile() -> dict[str, Any]:
    """The salon's profile as a salon file holds it, the supervisors as the console has them now
    (they are also edited in their own admin page); NotFound when there is no profile yet."""
    current = SalonProfile.current()
    if current is None:
        raise NotFound("The salon has not been set up yet: there is no profile to export.")
    profile = dict(current.profile or {})
    for key, section in _sections.items():
        profile[key] = section.export()
    ordered = {key: profile[key] for key in ORDER if key in profile}
    ordered.update({key: value for key, value in profile.items() if key not in ORDER})
    return ordered


def export_yaml() -> str:
    """The salon file to download: `seed_salon` and the admin's upload read it back as it is."""
    return yaml.safe_dump(export_profile(), sort_keys=False, allow_unicode=True, width=100)
