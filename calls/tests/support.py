"""Small builders shared by the calls tests."""

from typing import Any

from helprequests.models import Supervisor

CALLER = "+14155550150"
ROOM = "sip-room-1"
OWNER_PHONE = "+14155550101"

# What `settings` needs for web calls; the secret is a test value, never a real key.
LIVEKIT = {
    "LIVEKIT_URL": "wss://salon-test.livekit.cloud",
    "LIVEKIT_API_KEY": "APItestkey",
    "LIVEKIT_API_SECRET": "test-secret-that-is-long-enough-for-hs256-0123456789",
}


def configure_livekit(settings) -> None:
    for name, value in LIVEKIT.items():
        setattr(settings, name, value)


def start_call(api, room: str | None = ROOM, caller_phone: str | None = CALLER, **extra: Any) -> dict:
    body = {k: v for k, v in {"room": room, "caller_phone": caller_phone, **extra}.items() if v is not None}
    response = api.post("/api/v1/calls", body)
    assert response.status_code == 201, response.data
    return response.data


def add_owner() -> Supervisor:
    """Every help request needs someone to alert; the owner takes whatever no expert claims."""
    return Supervisor.objects.create(name="Maya Chen", phone=OWNER_PHONE, is_owner=True, available=True)


def ask_during_call(api, call_id: int, question: str = "Is there parking near the salon?") -> dict:
    response = api.post("/api/v1/help-requests", {"question": question, "caller_phone": CALLER, "call_id": call_id})
    assert response.status_code == 201, response.data
    return response.data


def resolve(api, help_request_id: int, answer: str = "Yes, the garage on Clay Street.") -> dict:
    response = api.post(f"/api/v1/help-requests/{help_request_id}/resolve", {"answer": answer, "learn": False})
    assert response.status_code == 200, response.data
    return response.data
