import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(anonymous):
    body = anonymous.get("/api/v1/health").data
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] == ("embedded" if settings.EMBEDDED else "ok")


def test_broker_down_is_reported_not_a_500(anonymous, settings):
    settings.EMBEDDED = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = anonymous.get("/api/v1/health")
    assert response.status_code == 200 and response.data["broker"] == "down"


def test_openapi_documents_every_contract_path(anonymous):
    paths = anonymous.client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/health",
        "/api/v1/knowledge/lookup",
        "/api/v1/knowledge",
        "/api/v1/knowledge/{entry_id}",
        "/api/v1/help-requests",
        "/api/v1/help-requests/{help_request_id}",
        "/api/v1/help-requests/{help_request_id}/resolve",
        "/api/v1/supervisors",
        "/api/v1/supervisors/{supervisor_id}",
        "/api/v1/messages",
        "/api/v1/webhook-endpoints",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        "/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
    ]:
        assert path in paths, path


def test_salon_profile_is_served_once_seeded(api):
    assert api.get("/api/v1/salon").status_code == 404
    call_command("seed_salon", verbosity=0)
    body = api.get("/api/v1/salon").data
    assert body["name"] == "Glow & Shear Salon" and body["phone"] == "+14155550142"
    assert body["profile"]["hours"]["monday"] == "closed"
