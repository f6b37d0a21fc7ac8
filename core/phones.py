"""Phone numbers in one spelling: E.164."""

import re

import phonenumbers
from django.conf import settings


class InvalidPhoneNumber(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """Return `raw` as E.164 (+14155550142); read without a country code in PHONE_DEFAULT_REGION."""
    try:
        number = phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"{raw!r} is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_or_none(raw: str | None) -> str | None:
    """E.164 for a number as a caller or the phone network gives it, else None.

    A SIP From user (LiveKit's `sip.phoneNumber`) is whatever the carrier sent: "+14155550142",
    "14155550142" without the plus, "anonymous", an extension such as "1001"; a caller says "415
    555 0142". Digits the default region cannot read are tried once more as international
    (E.164 without its "+"). Anything that is not then a valid number is None: the call is
    recorded without one, and the agent asks for a callback number when it needs one."""
    text = (raw or "").strip()
    if text.lower().startswith(("sip:", "tel:")):
        text = text.split(":", 1)[1].split("@", 1)[0]
    digits = re.sub(r"[^\d+]", "", text)
    if not digits or len(digits.lstrip("+")) < 7:
        return None
    for candidate in (digits, "+" + digits.lstrip("+")):
        try:
            return normalize_phone(candidate)
        except InvalidPhoneNumber:
            continue
    return None
