"""Small builders shared by the delivery, webhook, relay and worker tests.

They create just what a test needs (one owner to alert) instead of seeding the whole demo
salon, so these tests do not depend on the seed data.
"""

from helprequests.models import Supervisor

CALLER = "+14155550150"
OWNER_PHONE = "+14155550101"


def add_owner(name: str = "Maya Chen", phone: str = OWNER_PHONE) -> Supervisor:
    """The owner receives every request no expert claims, so every help request alerts her."""
    return Supervisor.objects.create(name=name, phone=phone, is_owner=True, available=True)


def create_help_request_via_api(api, question: str = "Do you sell gift vouchers?", caller_phone: str = CALLER, **extra):
    response = api.post("/api/v1/help-requests", {"question": question, "caller_phone": caller_phone, **extra})
    assert response.status_code == 201, response.data
    return response.data
