"""A client generated from /api/v1/openapi.json drives the core flow and its errors (issue 13).

openapi-python-client, as an integrator would run it, generates a Python client from the document
a real daphne serves; the client then opens a help request, lists the pending ones by status,
reads and resolves it, and meets each error the contract promises: 409 resolving it again, 404
for an unknown id, 401 without a token (for a write too, not a CSRF 403), 422 for a blank
question, each parsed into the error model the document names, never the generator's "unexpected
status". Then a knowledge lookup and a supervisor PATCH. Had the schema drifted from the server
(an enum under another's name, an error left undocumented, a PATCH field published nullable) this
would fail. The generated code lives in
the test's tmp dir only; generating needs no network (the generator's formatting hooks are off).
"""

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from conftest import serving_daphne
from core.models import ApiToken
from helprequests.models import Supervisor

# Outside the fast lane (slow): starts daphne and generates a client.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

PACKAGE = "salon_client"


@pytest.fixture
def live_api(tmp_path, salon) -> str:
    with serving_daphne(tmp_path / "daphne.log") as base:
        yield f"http://{base}"


def generate_client(document: Path, into: Path) -> None:
    config = into.parent / "generator.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document)]
    command += ["--meta", "none", "--config", str(config), "--output-path", str(into), "--fail-on-warning"]
    generated = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert generated.returncode == 0, generated.stdout + generated.stderr


@pytest.fixture
def salon_client(tmp_path, live_api) -> ModuleType:
    """The package openapi-python-client generates from the live server's document, imported."""
    document = tmp_path / "openapi.json"
    document.write_bytes(httpx.get(f"{live_api}/api/v1/openapi.json", timeout=10).raise_for_status().content)
    generate_client(document, tmp_path / PACKAGE)
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def operation(name: str) -> ModuleType:
    """A generated operation module, e.g. `help_requests.resolve_help_request` (tag.operation id)."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def test_a_generated_client_drives_a_help_request_and_gets_each_error_as_the_documented_model(salon_client, live_api):
    models = importlib.import_module(f"{PACKAGE}.models")
    client = salon_client.AuthenticatedClient(
        base_url=live_api, token=ApiToken.issue("generated client")[1], raise_on_unexpected_status=True
    )

    created = operation("help_requests.create_help_request").sync_detailed(
        client=client, body=models.HelpRequestIn(question="Do you do hair tinsel?", caller_phone="415-555-0150")
    )
    assert created.status_code == 201
    request = created.parsed
    assert isinstance(request, models.HelpRequestOut) and request.status is models.HelpRequestStatus.PENDING
    assert request.caller_phone == "+14155550150" and isinstance(request.priority, models.Priority)

    pending = operation("help_requests.list_help_requests").sync(client=client, status=models.HelpRequestStatus.PENDING)
    assert [item.id for item in pending.items] == [request.id] and pending.count == 1
    resolved_ones = operation("help_requests.list_help_requests").sync(
        client=client, status=models.HelpRequestStatus.RESOLVED
    )
    assert resolved_ones.items == []

    fetched = operation("help_requests.get_help_request").sync(request.id, client=client)
    assert fetched.id == request.id and fetched.question == "Do you do hair tinsel?"

    resolve = operation("help_requests.resolve_help_request")
    answer = models.ResolveIn(answer="Yes, $15 per strand.", learn=False)
    resolved = resolve.sync_detailed(request.id, client=client, body=answer)
    assert resolved.status_code == 200 and resolved.parsed.status is models.HelpRequestStatus.RESOLVED
    assert resolved.parsed.answer == "Yes, $15 per strand."

    again = resolve.sync_detailed(request.id, client=client, body=answer)
    assert again.status_code == 409 and isinstance(again.parsed, models.DetailOut)
    assert "already resolved" in again.parsed.detail

    missing = operation("help_requests.get_help_request").sync_detailed(999999, client=client)
    assert missing.status_code == 404 and isinstance(missing.parsed, models.DetailOut)
    assert missing.parsed.detail == "There is no help request with id 999999."

    anonymous = salon_client.Client(base_url=live_api, raise_on_unexpected_status=True)
    refused = operation("help_requests.list_help_requests").sync_detailed(client=anonymous)
    assert refused.status_code == 401 and isinstance(refused.parsed, models.DetailOut)
    assert refused.parsed.detail.startswith("Authentication required")
    refused_write = operation("help_requests.create_help_request").sync_detailed(
        client=anonymous, body=models.HelpRequestIn(question="Parking?", caller_phone="+14155550150")
    )
    assert refused_write.status_code == 401 and isinstance(refused_write.parsed, models.DetailOut)

    blank = operation("help_requests.create_help_request").sync_detailed(
        client=client, body=models.HelpRequestIn(question="   ", caller_phone="+14155550150")
    )
    assert blank.status_code == 422 and isinstance(blank.parsed, models.InvalidOut)
    assert [problem.additional_properties["loc"][-1] for problem in blank.parsed.detail] == ["question"]

    followups = operation("messages.list_messages").sync(
        client=client, help_request_id=request.id, kind=models.MessageKind.CALLER_FOLLOWUP
    )
    assert [text.to for text in followups.items] == ["+14155550150"]
    assert isinstance(followups.items[0].status, models.MessageStatus)


def test_a_generated_client_looks_up_knowledge_and_patches_a_supervisor(salon_client, live_api):
    models = importlib.import_module(f"{PACKAGE}.models")
    client = salon_client.AuthenticatedClient(
        base_url=live_api, token=ApiToken.issue("generated client")[1], raise_on_unexpected_status=True
    )

    found = operation("knowledge.lookup").sync(
        client=client, body=models.LookupIn(question="How much is a men's haircut?")
    )
    assert found.matched is True and "$45" in found.answer and found.source is models.KnowledgeSource.SEED

    supervisor = Supervisor.objects.filter(available=True).order_by("pk").first()
    update = operation("supervisors.update_supervisor")
    patched = update.sync(supervisor.pk, client=client, body=models.SupervisorPatch(available=False))
    assert patched.available is False and patched.name == supervisor.name and patched.expertise == supervisor.expertise
    supervisor.refresh_from_db()
    assert supervisor.available is False

    unknown = update.sync_detailed(999999, client=client, body=models.SupervisorPatch(available=True))
    assert unknown.status_code == 404 and isinstance(unknown.parsed, models.DetailOut)
