"""Small builders shared by the delivery, webhook, relay and worker tests.

They create just what a test needs (one owner to alert) instead of seeding the whole demo
salon, so these tests do not depend on the seed data.
"""

from helprequests.models import Supervisor
from knowledge.models import SalonProfile
from knowledge.opening_hours import WEEKDAYS

CALLER = "+14155550150"
OWNER_PHONE = "+14155550101"


def add_owner(name: str = "Maya Chen", phone: str = OWNER_PHONE) -> Supervisor:
    """The owner receives every request no expert claims, so every help request alerts her."""
    return Supervisor.objects.create(name=name, phone=phone, is_owner=True, available=True)


def create_help_request_via_api(api, question: str = "Do you sell gift vouchers?", caller_phone: str = CALLER, **extra):
    response = api.post("/api/v1/help-requests", {"question": question, "caller_phone": caller_phone, **extra})
    assert response.status_code == 201, response.data
    return response.data


def open_all_hours() -> None:
    """Open the seeded salon around the clock, every day, with no holidays, for a test that counts
    texts but is not about business hours. The suite runs on the real clock, and a question asked
    while the salon is closed also texts the caller when to expect the answer (and is due after
    the opening): such a test would pass by day and fail at night. Business hours are tested on
    a simulated clock (test_business_hours.py)."""
    salon = SalonProfile.current()
    salon.profile = {**salon.profile, "hours": dict.fromkeys(WEEKDAYS, "00:00-24:00"), "holiday_dates": []}
    salon.save(update_fields=["profile", "updated_at"])
