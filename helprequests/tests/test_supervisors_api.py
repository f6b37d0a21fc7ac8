"""GET/POST/PATCH /api/v1/supervisors."""

import pytest

from helprequests import services

pytestmark = pytest.mark.django_db


def test_list_shows_the_seeded_team_with_open_request_counts(api, salon):
    services.create_help_request(question="What shampoo brands do you carry?", caller_phone="+14155550150")
    body = api.get("/api/v1/supervisors").data

    assert body["count"] == 4
    by_name = {s["name"]: s for s in body["items"]}
    assert by_name["Maya Chen"]["is_owner"] and by_name["Maya Chen"]["phone"] == "+14155550101"
    assert by_name["Jordan Alvarez"]["expertise"] == ["color", "products"]
    assert by_name["Jordan Alvarez"]["open_requests"] == 1 and by_name["Sam Okafor"]["open_requests"] == 0


def test_create_normalises_the_phone_and_refuses_a_duplicate(api, salon):
    created = api.post("/api/v1/supervisors", {"name": "Lee Park", "phone": "415 555 0199", "expertise": ["color"]})
    assert created.status_code == 201
    assert created.data["phone"] == "+14155550199" and created.data["available"] and not created.data["is_owner"]

    duplicate = api.post("/api/v1/supervisors", {"name": "Lee Again", "phone": "+14155550199"})
    assert duplicate.status_code == 409 and "+14155550199" in duplicate.data["detail"]
    assert api.post("/api/v1/supervisors", {"name": "", "phone": "+14155550198"}).status_code == 422
    assert api.post("/api/v1/supervisors", {"name": "X", "phone": "nope"}).status_code == 422


def test_patch_changes_only_what_is_sent(api, salon):
    sam = next(s for s in api.get("/api/v1/supervisors").data["items"] if s["name"] == "Sam Okafor")
    patched = api.patch(f"/api/v1/supervisors/{sam['id']}", {"available": False}).data
    assert patched["available"] is False and patched["expertise"] == sam["expertise"]
    assert api.get(f"/api/v1/supervisors/{sam['id']}").data["available"] is False

    assert api.patch(f"/api/v1/supervisors/{sam['id']}", {"available": None}).status_code == 422
    missing = api.patch("/api/v1/supervisors/9999", {"available": True})
    assert missing.status_code == 404 and "9999" in missing.data["detail"]


def test_expert_with_fewest_open_requests_gets_the_next_one(api, salon):
    api.post("/api/v1/supervisors", {"name": "Lee Park", "phone": "+14155550199", "expertise": ["products"]})
    first = services.create_help_request(question="Which shampoo brands do you sell?", caller_phone="+14155550150")
    second = services.create_help_request(question="Do you sell hair serum?", caller_phone="+14155550151")
    assert {first.help_request.assigned_supervisor.name, second.help_request.assigned_supervisor.name} == {
        "Jordan Alvarez",
        "Lee Park",
    }
