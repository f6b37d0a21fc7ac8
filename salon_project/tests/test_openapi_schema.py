"""What /api/v1/openapi.json promises a generated client, checked against the server (issue 13).

Each enum is one named component; every operation documents the errors it can answer; a PATCH
body publishes what it accepts (fields to leave out, none nullable); a body that is not JSON is a
documented 422. The client generated from the document is driven in test_generated_client.py.
"""

import re
from enum import Enum

import pytest
from django.test import Client
from ninja import Router, Schema
from ninja.errors import ConfigError

from calls.models import Call, TranscriptTurn, Transfer
from core.openapi import SalonApi
from helprequests.models import HelpRequest, Supervisor
from helprequests.services import create_help_request
from knowledge.models import KnowledgeEntry
from outbound.models import Message, WebhookDelivery

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(anonymous) -> dict:
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.data


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def inline_enums(node, where: str = ""):
    """Every `enum` that is not a component of its own, with where it is."""
    if isinstance(node, dict):
        if "enum" in node and not re.fullmatch(r"/components/schemas/[^/]+", where):
            yield where
        for key, value in node.items():
            yield from inline_enums(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from inline_enums(value, f"{where}/{index}")


def ref_of(schema: dict) -> str | None:
    """The component a (possibly nullable) schema refers to."""
    for option in [schema, *schema.get("anyOf", [])]:
        if "$ref" in option:
            return option["$ref"].rsplit("/", 1)[-1]
    return None


def test_every_enum_is_a_component_of_its_own_with_the_models_values(document):
    assert list(inline_enums(document)) == []
    schemas = document["components"]["schemas"]
    for name, values in {
        "HelpRequestStatus": HelpRequest.Status.values,
        "Priority": HelpRequest.Priority.values,
        "CallStatus": Call.Status.values,
        "CallChannel": Call.Channel.values,
        "TurnRole": TranscriptTurn.Role.values,
        "MessageKind": Message.Kind.values,
        "MessageStatus": Message.Status.values,
        "DeliveryStatus": WebhookDelivery.Status.values,
        "TransferStatus": Transfer.Status.values,
        "TransferKind": Transfer.Kind.values,
        "KnowledgeSource": KnowledgeEntry.Source.values,
        "ReviewStatus": KnowledgeEntry.ReviewStatus.values,
    }.items():
        assert schemas[name]["enum"] == values, name
    assert "Status" not in schemas  # the name both HelpRequest.Status and Call.Status were published under


def test_each_list_filter_offers_its_own_resources_statuses(document):
    def filter_of(path: str, name: str) -> str | None:
        parameters = document["paths"][path]["get"]["parameters"]
        return ref_of(next(p for p in parameters if p["name"] == name)["schema"])

    assert filter_of("/api/v1/help-requests", "status") == "HelpRequestStatus"
    assert filter_of("/api/v1/calls", "status") == "CallStatus"
    assert filter_of("/api/v1/messages", "kind") == "MessageKind"


def test_the_server_takes_the_documented_help_request_statuses_and_refuses_the_calls_ones(api, salon):
    pending = create_help_request(question="Do you do hair tinsel?", caller_phone="+14155550150").help_request
    listed = api.get("/api/v1/help-requests?status=pending")
    assert listed.status_code == 200 and [item["id"] for item in listed.data["items"]] == [pending.pk]
    refused = api.get("/api/v1/help-requests?status=active")
    assert refused.status_code == 422 and "pending" in str(refused.data["detail"])


def test_two_different_schemas_of_one_name_fail_the_document_instead_of_overwriting_each_other():
    # As HelpRequest.Status and Call.Status: two enums whose classes are both named Status.
    first_status = Enum("Status", {"PENDING": "pending", "RESOLVED": "resolved"}, type=str)
    second_status = Enum("Status", {"ACTIVE": "active", "ENDED": "ended"}, type=str)

    class FirstFilters(Schema):
        status: first_status | None = None

    class SecondFilters(Schema):
        status: second_status | None = None

    router = Router()

    @router.post("/first")
    def first(request, payload: FirstFilters):  # pragma: no cover - only documented
        return {}

    @router.post("/second")
    def second(request, payload: SecondFilters):  # pragma: no cover - only documented
        return {}

    api = SalonApi(urls_namespace="collision-test")
    api.add_router("/", router)
    with pytest.raises(ConfigError, match="'Status'"):
        api.get_openapi_schema(path_prefix="")


def test_every_operation_documents_the_errors_it_can_answer(document):
    for method, path, operation in operations(document):
        label = f"{method.upper()} {path}"
        documented = {int(status) for status in operation["responses"]}
        expected = {503}
        if operation.get("security"):
            expected.add(401)
            if method != "get":
                expected.add(403)  # a staff session's write without its CSRF token
        if "{" in path:
            expected.add(404)
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add(422)
        assert expected <= documented, (label, sorted(expected - documented))
        for status in documented - {200, 201, 204}:
            response = operation["responses"][str(status)]
            assert response["description"], (label, status)
            assert "application/json" in response["content"], (label, status)


@pytest.mark.parametrize(
    "label",
    [
        "POST /api/v1/help-requests",
        "POST /api/v1/help-requests/{help_request_id}/resolve",
        "POST /api/v1/supervisors",
        "PATCH /api/v1/supervisors/{supervisor_id}",
        "POST /api/v1/knowledge/{entry_id}/approve",
        "POST /api/v1/knowledge/{entry_id}/reject",
        "POST /api/v1/calls/{call_id}/end",
        "POST /api/v1/transfers/{transfer_id}/accept",
    ],
)
def test_operations_whose_state_can_conflict_document_409_as_the_detail_shape(document, label):
    method, path = label.split(" ")
    conflict = document["paths"][path][method.lower()]["responses"]["409"]
    assert ref_of(conflict["content"]["application/json"]["schema"]) == "DetailOut"


def test_every_authenticated_operation_answers_a_documented_401_without_credentials(document, anonymous):
    anonymous.client = Client(enforce_csrf_checks=True)  # as any HTTP client: nothing exempts it from CSRF
    authenticated = [(m, p, op) for m, p, op in operations(document) if op.get("security")]
    assert len(authenticated) > 30
    for method, path, operation in authenticated:
        response = anonymous.request(method, re.sub(r"{\w+}", "1", path), {} if method != "get" else None)
        assert response.status_code == 401, (method, path, response.status_code)
        assert "401" in operation["responses"] and response.data["detail"].startswith("Authentication required")


def test_a_staff_sessions_write_without_csrf_is_the_documented_403(document, django_user_model):
    django_user_model.objects.create_user("maya", password="pw", is_staff=True)
    staff = Client(enforce_csrf_checks=True)
    staff.login(username="maya", password="pw")
    response = staff.post("/api/v1/knowledge/lookup", {"question": "hours?"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"]
    assert "403" in document["paths"]["/api/v1/knowledge/lookup"]["post"]["responses"]
    assert "403" not in document["paths"]["/api/v1/knowledge"]["get"]["responses"]


def test_the_database_unavailable_answer_documents_its_retry_header(document):
    unavailable = document["paths"]["/api/v1/help-requests"]["post"]["responses"]["503"]
    assert ref_of(unavailable["content"]["application/json"]["schema"]) == "DetailOut"
    assert "Retry-After" in unavailable["headers"]


@pytest.mark.parametrize(
    "body, words",
    [(b"{not json", "must be JSON"), (b"question=Parking", "must be JSON"), (b"\xff\xfe{}", "must be JSON")],
)
def test_a_body_that_is_not_json_is_a_422_with_a_sentence(api, salon, body, words):
    response = api.client.post("/api/v1/help-requests", data=body, content_type="application/json", headers=api.headers)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, str) and words in detail and detail.endswith(".")
    assert HelpRequest.objects.count() == 0


def patch_bodies(document: dict):
    for method, path, operation in operations(document):
        if method == "patch":
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            yield path, document["components"]["schemas"][ref_of(schema)]


def test_patch_bodies_publish_optional_fields_that_are_never_null(document):
    bodies = dict(patch_bodies(document))
    assert {"/api/v1/knowledge/{entry_id}", "/api/v1/supervisors/{supervisor_id}"} <= set(bodies)
    for path, body in bodies.items():
        assert not body.get("required"), path  # every field may be left out
        for name, field in body["properties"].items():
            assert "null" not in str(field) and "default" not in field, (path, name, field)


@pytest.mark.parametrize(
    "path_of, body, field",
    [
        (lambda: f"/api/v1/knowledge/{KnowledgeEntry.objects.order_by('pk').first().pk}", {"answer": None}, "answer"),
        (lambda: f"/api/v1/knowledge/{KnowledgeEntry.objects.order_by('pk').first().pk}", {"active": None}, "active"),
        (lambda: f"/api/v1/supervisors/{Supervisor.objects.order_by('pk').first().pk}", {"name": None}, "name"),
        (
            lambda: f"/api/v1/supervisors/{Supervisor.objects.order_by('pk').first().pk}",
            {"available": False, "expertise": None, "phone": None},
            "phone",  # the first, in the schema's order
        ),
    ],
)
def test_a_null_in_a_patch_is_a_422_sentence_and_changes_nothing(api, salon, path_of, body, field):
    path = path_of()
    before = api.get(path).data
    response = api.patch(path, body)
    assert response.status_code == 422
    assert response.data["detail"] == f"{field} cannot be null: leave it out to keep it as it is."
    assert api.get(path).data == before


def test_a_patch_leaves_out_fields_it_does_not_send(api, salon):
    entry = KnowledgeEntry.objects.order_by("pk").first()
    patched = api.patch(f"/api/v1/knowledge/{entry.pk}", {"category": "hours"})
    assert patched.status_code == 200
    assert (patched.data["category"], patched.data["answer"], patched.data["active"]) == ("hours", entry.answer, True)
