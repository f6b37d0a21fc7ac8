"""The API's OpenAPI document: every operation's errors, and one definition per component name.

Two things ninja leaves to each endpoint misled clients generated from `/api/v1/openapi.json`:

- Errors. ninja documents only the statuses in an operation's `response=`, but most errors are
  raised (a DomainError, a refused token, a body that fails validation) and were documented
  nowhere, so a generated client raised "unexpected status" instead of giving the `{"detail"}`.
  Here each operation gets the errors that follow from what it is: 401 when it is authenticated
  (403 too for a write, which a staff session must send with its CSRF token), 404 when its path
  names a record, 422 when it takes any input, 503 always (the database may be unavailable:
  salon_project/api.py). Errors that follow from its work (409 for a state that does
  not allow it, 404 without an id in the path, 429, 502) it declares in its `response=` with
  `DetailOut`; the description of each comes from here either way.
- Names. ninja files a model's definitions under their class names, so two classes of one name
  (`HelpRequest.Status` and `Call.Status`) overwrote each other and the help requests' `status`
  filter offered the calls' values. A second, different definition under a taken name now fails
  the document at once (core/schemas.py `named_enum` gives enums their own names).
  Operation ids are the view functions' names (`create_help_request`, which a generated client
  names its functions after, rather than `helprequests_api_create_help_request`), and one used
  twice fails the document too.
"""

from http.client import responses as reason_phrases
from typing import Any

from ninja import NinjaAPI
from ninja.errors import ConfigError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from core.schemas import DetailOut, InvalidOut

ERRORS: dict[int, tuple[type, str]] = {
    401: (DetailOut, "Not authenticated: send `Authorization: Bearer <token>`, or log in as staff."),
    403: (DetailOut, "Logged in as staff, but the CSRF token (`X-CSRFToken`) is missing or wrong."),
    404: (DetailOut, "Not found: `detail` names what is missing."),
    409: (DetailOut, "Not possible in the current state: `detail` says what that state is; nothing was changed."),
    422: (InvalidOut, "The input cannot be used: `detail` is a sentence, or the list of schema violations."),
    429: (DetailOut, "Too many requests: `detail` says when to try again."),
    502: (DetailOut, "A service this needs (LiveKit) failed: `detail` says what happened."),
    503: (
        DetailOut,
        "Unavailable for now: the database, or a service this needs, is down or not configured; "
        "`detail` says which, and nothing was half-done. Retry later (see `Retry-After`).",
    ),
}
SAFE = {"GET", "HEAD", "OPTIONS"}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}


def standard_errors(operation: Operation) -> set[int]:
    """The error statuses any operation like this one can answer, whatever its work."""
    statuses = {503}
    if operation.auth_callbacks:
        statuses.add(401)
    if any(getattr(auth, "csrf", False) for auth in operation.auth_callbacks) and set(operation.methods) - SAFE:
        statuses.add(403)  # a staff session's write (core/auth.py)
    if "{" in operation.path:
        statuses.add(404)
    if operation.models:
        statuses.add(422)
    return statuses


class SalonOpenAPISchema(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict[str, Any]:
        operation_id = operation.operation_id or self.api.get_openapi_operation_id(operation)
        if operation_id in self.all_operation_ids:
            raise ConfigError(
                f"Two operations have the id {operation_id!r}: rename one view, or give it operation_id=."
            )
        return super().operation_details(operation)

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        documented = super().responses(operation)
        for status in sorted(standard_errors(operation) | set(documented)):
            if status not in ERRORS:
                continue
            model, description = ERRORS[status]
            error = {"application/json": {"schema": self._ref(model)}}
            response = documented.setdefault(status, {"description": description, "content": error})
            if response.get("content") != error:
                continue  # a body of its own, e.g. /health's 503
            if response["description"] == reason_phrases.get(status):
                response["description"] = description  # ninja's default: the bare reason phrase
            if status == 503:
                response["headers"] = RETRY_AFTER
        return dict(sorted(documented.items()))

    def _ref(self, model: type) -> dict[str, str]:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema)
        self.add_schema_definitions({model.__name__: schema})
        return {"$ref": REF_TEMPLATE.format(model=model.__name__)}

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if self.schemas.setdefault(name, definition) != definition:
                raise ConfigError(
                    f"Two different schemas are both named {name!r} in the OpenAPI document; give one "
                    "another name (an enum: core.schemas.named_enum)."
                )


class SalonApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return SalonOpenAPISchema(self, path_prefix)
