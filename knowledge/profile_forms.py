"""The salon's profile as forms for the owner (admin): each field checked where it is typed, with
the same rules a salon file is checked by (`knowledge.profile`), and the whole turned back into
the profile dict that `knowledge.profile.apply_profile` saves."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.forms import formset_factory

from knowledge.profile import clean_expertise, clean_hours, clean_phone, clean_price, service_key
from knowledge.seed import DAYS, SeedError, slugify

TEXT = {"class": "vTextField"}


def _checked(function, *args):
    """A `knowledge.profile` check as a form check: its sentence becomes the field's error."""
    try:
        return function(*args)
    except SeedError as exc:
        raise forms.ValidationError(str(exc)) from None


def _items(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class SalonForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    phone = forms.CharField(required=False, max_length=32, help_text="As callers should hear it, e.g. +1-415-555-0142.")
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs=TEXT))
    website = forms.URLField(required=False, assume_scheme="https", widget=forms.URLInput(attrs=TEXT))
    address = forms.CharField(required=False, max_length=300, widget=forms.TextInput(attrs=TEXT))
    neighborhood = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        help_text="The area, and after a comma how to find it, e.g. “Lower Pacific Heights, near the park”.",
    )
    timezone = forms.ChoiceField(choices=[], initial="UTC", help_text="The salon's own clock.")
    holidays = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="What the receptionist says about holidays, e.g. “Closed on Thanksgiving and Christmas Day.”",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(name, name) for name in sorted(available_timezones())]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        return _checked(clean_phone, phone, "The salon's phone") if phone else ""


class DayForm(forms.Form):
    """One weekday: closed, or open from–to; all blank says nothing about that day."""

    day = forms.CharField(widget=forms.HiddenInput)
    closed = forms.BooleanField(required=False)
    opens = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, opens, closes = data.get("day", ""), data.get("opens"), data.get("closes")
        if data.get("closed") or (opens is None and closes is None):
            data["hours"] = "closed" if data.get("closed") else None
        elif opens is None or closes is None:
            raise forms.ValidationError(f"Give both the opening and the closing time for {day.capitalize()}.")
        else:
            data["hours"] = _checked(clean_hours, day, f"{opens:%H:%M}-{closes:%H:%M}")
        return data


class HolidayForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(max_length=100, help_text="e.g. Christmas Day")


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    price = forms.CharField(required=False, max_length=20, help_text="Dollars, e.g. 60")
    from_price = forms.BooleanField(required=False, label="From", help_text="The price is a starting price.")
    duration_min = forms.IntegerField(required=False, min_value=1, label="Minutes")
    performed_by = forms.CharField(
        required=False, max_length=300, label="Done by", help_text="Staff names, separated by commas; blank: anyone."
    )

    def clean_price(self) -> int | float | None:
        return _checked(clean_price, self.cleaned_data["price"], self.cleaned_data.get("name") or "the service")


class StaffForm(forms.Form):
    name = forms.CharField(max_length=120)
    role = forms.CharField(required=False, max_length=120, help_text="e.g. Senior colorist")
    specialties = forms.CharField(
        required=False, max_length=300, widget=forms.TextInput(attrs=TEXT), help_text="Separated by commas."
    )


class PolicyForm(forms.Form):
    key = forms.CharField(
        max_length=40,
        label="Policy",
        help_text="booking, cancellation, late_arrival, deposit, payment, consultation, patch_test, tipping, or yours",
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 70}))

    def clean_key(self) -> str:
        key = slugify(self.cleaned_data["key"]).replace("-", "_")
        if not key:
            raise forms.ValidationError("Name the policy with letters, e.g. cancellation.")
        return key


class SupervisorForm(forms.Form):
    name = forms.CharField(max_length=120)
    phone = forms.CharField(max_length=32, help_text="Texted when a caller needs a person.")
    email = forms.EmailField(required=False)
    expertise = forms.CharField(
        required=False, max_length=300, help_text="Topics, separated by commas: color, booking, general ..."
    )
    owner = forms.BooleanField(required=False)

    def clean_phone(self) -> str:
        return _checked(clean_phone, self.cleaned_data["phone"], self.cleaned_data.get("name") or "The supervisor")

    def clean_expertise(self) -> str:
        topics = [tag.lower() for tag in _items(self.cleaned_data["expertise"])]
        _checked(clean_expertise, topics, self.cleaned_data.get("name") or "The supervisor")
        return self.cleaned_data["expertise"]


class _UniqueFormSet(forms.BaseFormSet):
    """Rows that would be the same fact (or the same supervisor) are refused with their name."""

    unique_field = "name"
    what = "row"

    def identity(self, value: Any) -> str:
        return slugify(str(value))

    def clean(self) -> None:
        seen: set[str] = set()
        for form in _kept_forms(self):
            value = form.cleaned_data.get(self.unique_field)
            if value and self.identity(value) in seen:
                raise forms.ValidationError(f"The {self.what} {value!r} is listed twice; each needs its own name.")
            seen.add(self.identity(value))


class ServiceFormSet(_UniqueFormSet):
    what = "service"

    def identity(self, value: Any) -> str:
        return service_key(str(value))


class StaffFormSet(_UniqueFormSet):
    what = "staff member"


class PolicyFormSet(_UniqueFormSet):
    unique_field, what = "key", "policy"


class SupervisorFormSet(_UniqueFormSet):
    unique_field, what = "phone", "supervisor phone"

    def identity(self, value: Any) -> str:
        return "".join(ch for ch in str(value) if ch.isdigit())


class ProfileForms:
    """Every form of the profile page, read from and turned back into a profile dict."""

    def __init__(self, profile: dict[str, Any], data=None):
        self.base = profile
        kinds = {
            "days": (DayForm, forms.BaseFormSet, 0),
            "holiday_dates": (HolidayForm, forms.BaseFormSet, 2),
            "services": (ServiceForm, ServiceFormSet, 3),
            "staff": (StaffForm, StaffFormSet, 2),
            "policies": (PolicyForm, PolicyFormSet, 2),
            "supervisors": (SupervisorForm, SupervisorFormSet, 2),
        }
        self.salon = SalonForm(data, initial=_salon_initial(profile), prefix="salon")
        initial = _row_initials(profile)
        self.formsets = {
            name: formset_factory(form, formset=base, extra=extra, can_delete=name != "days")(
                data, initial=initial[name], prefix=name
            )
            for name, (form, base, extra) in kinds.items()
        }

    def is_valid(self) -> bool:
        valid = self.salon.is_valid()
        return all([fs.is_valid() for fs in self.formsets.values()]) and valid

    def profile(self) -> dict[str, Any]:
        """The profile the forms say (call after `is_valid`); keys no form shows are kept."""
        profile = dict(self.base)
        salon = self.salon.cleaned_data
        for key in ("name", "phone", "email", "website", "address", "neighborhood", "holidays"):
            profile[key] = salon[key].strip()
        profile["timezone"] = salon["timezone"]
        profile["hours"] = {
            row["day"]: row["hours"] for row in self._rows("days") if row.get("hours") is not None and row.get("day")
        }
        profile["holiday_dates"] = [
            {"date": row["date"].isoformat(), "name": row["name"].strip()} for row in self._rows("holiday_dates")
        ]
        profile["services"] = [
            {
                "name": row["name"],
                "price": row["price"],
                "from": row["from_price"],
                "duration_min": row["duration_min"],
                "performed_by": _items(row["performed_by"]),
            }
            for row in self._rows("services")
        ]
        profile["staff"] = [
            {"name": row["name"], "role": row["role"], "specialties": _items(row["specialties"])}
            for row in self._rows("staff")
        ]
        profile["policies"] = {row["key"]: row["text"] for row in self._rows("policies")}
        profile["supervisors"] = [
            {
                "name": row["name"],
                "phone": row["phone"],
                "email": row["email"],
                "owner": row["owner"],
                "expertise": [tag.lower() for tag in _items(row["expertise"])],
            }
            for row in self._rows("supervisors")
        ]
        return profile

    def _rows(self, name: str) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in _kept_forms(self.formsets[name])]


def _kept_forms(formset: forms.BaseFormSet) -> list[forms.Form]:
    """The rows that stay: every shown row not marked "Delete", and the blank rows filled in."""
    return [
        form
        for i, form in enumerate(formset.forms)
        if (i < formset.initial_form_count() or form.has_changed())
        and not formset._should_delete_form(form)
        and getattr(form, "cleaned_data", None)
    ]


def _salon_initial(profile: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "phone", "email", "website", "address", "neighborhood", "holidays")
    return {**{key: profile.get(key, "") for key in keys}, "timezone": profile.get("timezone") or "UTC"}


def _row_initials(profile: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    hours = profile.get("hours") or {}
    days = []
    for day in DAYS:
        value = str(hours.get(day) or "")
        opens, _, closes = value.partition("-") if value != "closed" else ("", "", "")
        days.append({"day": day, "closed": value == "closed", "opens": opens or None, "closes": closes or None})
    return {
        "days": days,
        "holiday_dates": list(profile.get("holiday_dates") or []),
        "services": [
            {
                "name": s.get("name", ""),
                "price": "" if s.get("price") is None else s["price"],
                "from_price": bool(s.get("from")),
                "duration_min": s.get("duration_min"),
                "performed_by": ", ".join(s.get("performed_by") or []),
            }
            for s in profile.get("services") or []
        ],
        "staff": [
            {"name": p.get("name", ""), "role": p.get("role", ""), "specialties": ", ".join(p.get("specialties") or [])}
            for p in profile.get("staff") or []
        ],
        "policies": [{"key": key, "text": text} for key, text in (profile.get("policies") or {}).items()],
        "supervisors": [
            {
                "name": s.get("name", ""),
                "phone": s.get("phone", ""),
                "email": s.get("email", ""),
                "expertise": ", ".join(s.get("expertise") or []),
                "owner": bool(s.get("owner")),
            }
            for s in profile.get("supervisors") or []
        ],
    }


class SalonFileForm(forms.Form):
    """A salon file to load (the format is in the README). After "Show what would change", the
    file's text rides along in `text`, so "Load it" loads exactly what was shown."""

    file = forms.FileField(label="Salon file (YAML)", required=False)
    text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            if not data.get("text"):
                raise forms.ValidationError("Choose a salon file to load.")
            return data
        if upload.size > 1_000_000:
            raise forms.ValidationError("A salon file is a few kilobytes; this one is over a megabyte.")
        try:
            data["text"] = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The salon file must be text (YAML in UTF-8).") from None
        return data
