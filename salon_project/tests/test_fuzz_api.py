"""Fuzzing the API from its own OpenAPI schema (schemathesis), as an integrator with a valid token.

Every operation in /api/v1/openapi.json gets generated requests, valid and invalid, sent through
the WSGI app on a seeded salon with a call, a help request and a transfer in it, and LiveKit
pointing at the test double (calls/tests/livekit_double.py) so web calls and transfers really run.
Each response must:

- not be a server error: no 5xx at all here (with LiveKit and Twilio configured, the documented
  503s "LiveKit/Twilio is not configured" cannot happen, so there is nothing to excuse);
- be a status the operation documents (each operation's errors are in the schema:
  core/openapi.py), so a client generated from it never meets an "unexpected status";
- conform to the schema: the body validates against the documented response's schema, the
  content type and the documented headers match.

Deterministic and bounded: a fixed seed, derandomized Hypothesis, no example database, a few
examples per operation and no coverage/stateful phases, so it runs in well under a minute.
"""

import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from calls.models import Call
from calls.tests.livekit_double import LiveKitTwirpDouble
from calls.tests.support import LIVEKIT
from calls.transfers import start_transfer
from core.models import ApiToken
from helprequests.models import Supervisor
from helprequests.services import create_help_request
from knowledge.models import KnowledgeEntry
from outbound.models import WebhookEndpoint
from salon_project.tests.test_asgi_api import call
from salon_project.wsgi import application

pytestmark = pytest.mark.django_db

SEED = 20240607
# Per operation and strategy; FUZZ_EXAMPLES=200 for a deeper run by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", 20))
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same cases on every run and every machine
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
# Bodies that pass validation, for operations whose generated bodies almost never do (a random
# string is never a phone number or a URL), so their success paths are fuzzed too (headers, query).
VALID_BODIES = {
    "POST /api/v1/help-requests": {"question": "Do you do hair tattoos?", "caller_phone": "415-555-0199"},
    "POST /api/v1/supervisors": {"name": "Sam Rivera", "phone": "+14155550177", "expertise": ["color"]},
    "POST /api/v1/webhook-endpoints": {"url": "https://crm.example/salon-hooks", "events": []},
    "POST /api/v1/calls/{call_id}/transfers": {"reason": "The caller asks for a person.", "kind": "warm"},
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.fixture
def world(settings, salon):
    """A salon with something in it, LiveKit at the test double, Twilio "configured": the token,
    and the id of one existing record per path parameter, so requests also reach real objects."""
    with LiveKitTwirpDouble(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]) as double:
        settings.LIVEKIT_URL = double.url
        settings.LIVEKIT_API_KEY = LIVEKIT["LIVEKIT_API_KEY"]
        settings.LIVEKIT_API_SECRET = LIVEKIT["LIVEKIT_API_SECRET"]
        settings.LIVEKIT_SIP_TRUNK_ID = None
        settings.TWILIO_AUTH_TOKEN = "fuzz-twilio-auth-token"
        call = Call.objects.create(room="sip-fuzz", caller_phone="+14155550150")
        help_request = create_help_request(
            question="Is there parking close by?", caller_phone="+14155550150", call_id=call.pk
        ).help_request
        transfer = start_transfer(call.pk, reason="The caller wants to talk to a person.").transfer
        known = {
            "call_id": call.pk,
            "help_request_id": help_request.pk,
            "transfer_id": transfer.pk,
            "supervisor_id": Supervisor.objects.order_by("pk").first().pk,
            "entry_id": KnowledgeEntry.objects.order_by("pk").first().pk,
            "endpoint_id": WebhookEndpoint.objects.create(url="https://crm.example/hooks").pk,
        }
        # As Django's test client does: requests must not close the test's transaction's connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            yield ApiToken.issue("fuzz")[1], known
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def test_every_operation_answers_within_its_schema_and_never_5xx(world):
    api_token, known = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {api_token}"}
    failures: dict[str, str] = {}
    succeeded: set[str] = set()  # operations that answered 2xx at least once
    # Deletes last, so the records they remove are there for every other operation first.
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: op.method == "delete")
    assert len(operations) > 30

    for operation in operations:
        existing = {name: known[name] for name in re.findall(r"{(\w+)}", operation.path)}
        cases = strategies.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
            *([operation.as_strategy(GenerationMode.POSITIVE, path_parameters=existing)] if existing else []),
            *(
                [operation.as_strategy(GenerationMode.POSITIVE, path_parameters=existing, body=body)]
                if (body := VALID_BODIES.get(operation.label))
                else []
            ),
        )

        @FUZZ
        @given(case=cases)
        def fuzz(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            if response.status_code < 300:
                succeeded.add(case.operation.label)
            if response.status_code >= 400:
                # Every error is the API's JSON `{"detail": ...}`.
                problem = f"{case.method} {case.formatted_path} -> {response.status_code} {response.text[:300]!r}"
                content_type = {name.lower(): values for name, values in response.headers.items()}.get("content-type")
                assert content_type and content_type[0].startswith("application/json"), problem
                assert isinstance(response.json().get("detail"), str | list), problem

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # gather every operation's failure, not only the first
            failures[operation.label] = f"{type(exc).__name__}: {exc}"

    assert not failures, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())
    # The fuzzing reached past authentication and validation: most operations succeeded at least once.
    assert len(succeeded) >= len(operations) - 10, sorted({op.label for op in operations} - succeeded)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1/calls/true", "/api/v1/calls/-1/end", "/api/v1/no-such-thing"])
def test_paths_no_endpoint_has_are_a_json_404_through_wsgi_and_asgi(api_token, method, path):
    """Found by the fuzzing: an id that is not a positive integer matched no route and got the
    site's HTML 404 page (or, for a POST through the WSGI app, the CSRF failure page)."""
    response = getattr(Client(), method.lower())(path, headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert path in response.json()["detail"]
    status, body = call(method, path, {"Authorization": f"Bearer {api_token}"})
    assert status == 404 and path in body["detail"]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/v1/knowledge", '{"question": "Do you sell \\u0000 gift cards?", "answer": "Yes."}'),
        ("post", "/api/v1/help-requests", '{"question": "Parking? \\ud800", "caller_phone": "+14155550150"}'),
        ("post", "/api/v1/knowledge/lookup", '{"question": "hours?", "\\u0000": 1}'),
        ("get", "/api/v1/calls?room=sip%00x", None),
    ],
)
def test_text_no_database_can_store_is_a_422_not_a_500(api_token, method, path, body):
    """Found by the fuzzing on PostgreSQL: a NUL character in a question was a 500 (PostgreSQL
    refuses it in text) and an unpaired surrogate cannot be encoded at all (core/parsing.py)."""
    kwargs = {"data": body, "content_type": "application/json"} if body else {}
    response = getattr(Client(), method)(path, headers={"Authorization": f"Bearer {api_token}"}, **kwargs)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
