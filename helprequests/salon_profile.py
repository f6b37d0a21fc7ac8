"""The supervisors' part of the salon profile, which knowledge.profile checks and saves for
every other key: registered with it as the `supervisors` section when this app loads
(helprequests/apps.py), because knowledge sits below helprequests and does not know Supervisor.

A salon file, the profile forms and `seed_salon` list the supervisors; saving the profile makes
the supervisors' table match that list, and an export lists the table as it is now (supervisors
are also edited on their own admin page).
"""

from typing import Any

from core.phones import normalize_phone
from helprequests.models import Supervisor
from knowledge.profile import ProfileChanges, ProfileSection


def check_field(field: str, value: Any) -> None:
    """A supervisor's field as the profile gives it, checked by the model field's own validators
    (for `expertise`: only topics questions are routed by, `validate_topics`)."""
    Supervisor._meta.get_field(field).run_validators(value)


def sync_supervisors(wanted: list[dict[str, Any]], changes: ProfileChanges) -> None:
    """Add, change and remove supervisors to match the profile's list. Matched by phone, else by
    name (a new number). `available` is the supervisors' own switch: set on creation only."""
    existing = list(Supervisor.objects.select_for_update().order_by("pk"))
    by_phone = {s.phone: s for s in existing}
    kept: set[int] = set()
    pending = []
    for data in wanted:
        phone = normalize_phone(data["phone"])
        supervisor = by_phone.get(phone)
        pending.append((data, phone, supervisor))
        if supervisor is not None:
            kept.add(supervisor.pk)
    for data, phone, supervisor in pending:
        if supervisor is None:
            supervisor = next((s for s in existing if s.pk not in kept and s.name == data["name"]), None)
        fields = {
            "name": data["name"],
            "phone": phone,
            "email": data.get("email", ""),
            "expertise": data.get("expertise", []),
            "is_owner": bool(data.get("owner")),
        }
        if supervisor is None:
            Supervisor.objects.create(available=True, **fields)
            changes.supervisors_added.append(data["name"])
            changes.details.append(f"add supervisor {data['name']} ({phone})")
            continue
        kept.add(supervisor.pk)
        differs = [name for name, value in fields.items() if getattr(supervisor, name) != value]
        if differs:
            for name in differs:
                setattr(supervisor, name, fields[name])
            supervisor.save(update_fields=differs)
            changes.supervisors_changed.append(data["name"])
            changes.details.append(f"change supervisor {data['name']}: {', '.join(differs)}")
    for supervisor in existing:
        if supervisor.pk not in kept:
            supervisor.delete()
            changes.supervisors_removed.append(supervisor.name)
            changes.details.append(f"remove supervisor {supervisor.name} ({supervisor.phone})")


def export_supervisors() -> list[dict[str, Any]]:
    """The supervisors as a salon file lists them."""
    return [
        {
            "name": s.name,
            "phone": s.phone,
            **({"email": s.email} if s.email else {}),
            **({"owner": True} if s.is_owner else {}),
            "expertise": list(s.expertise or []),
        }
        for s in Supervisor.objects.order_by("pk")
    ]


SUPERVISORS = ProfileSection(check_field=check_field, apply=sync_supervisors, export=export_supervisors)
