"""GET /api/v1/messages: every text, stored when the change that caused it commits."""

import pytest

from helprequests.tests.support_salon import open_all_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(salon):
    """The seeded salon, open all hours: what these tests count must not depend on the hour they run."""
    open_all_hours()


def test_messages_are_filterable_by_recipient_kind_and_request(
    api, salon, sent_texts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "/api/v1/help-requests", {"question": "Do you do nails?", "caller_phone": "+14155550150"}
        ).data
        api.post(f"/api/v1/help-requests/{created['id']}/resolve", {"answer": "No, hair only."})

    everything = api.get("/api/v1/messages").data
    assert everything["count"] == 2
    alert = api.get("/api/v1/messages?kind=supervisor_alert").data["items"][0]
    assert alert["help_request_id"] == created["id"] and alert["status"] == "sent" and alert["sent_at"]

    for spelling in ["%2B14155550150", "(415)%20555-0150", "+14155550150"]:  # "+" unencoded arrives as a space
        items = api.get(f"/api/v1/messages?to={spelling}").data["items"]
        assert [m["kind"] for m in items] == ["caller_followup"], spelling
    assert api.get(f"/api/v1/messages?help_request_id={created['id']}").data["count"] == 2
    assert [text.to for text in sent_texts] == ["+14155550101", "+14155550150"]  # Maya, then the caller


def test_bad_recipient_filter_is_422(api, salon):
    response = api.get("/api/v1/messages?to=notaphone")
    assert response.status_code == 422 and "notaphone" in response.data["detail"]
