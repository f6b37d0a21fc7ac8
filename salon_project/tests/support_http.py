"""The salon's API over real HTTP with a bearer token, as the voice worker and integrators call it
(the tests that run daphne in a process of its own, with or without LiveKit's server)."""

from typing import Any

import httpx


class BearerApi:
    """get/post on `api_url` with `token`; mixed into the tests' handles on a running API."""

    api_url: str
    token: str

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_url, headers={"Authorization": f"Bearer {self.token}"}, timeout=10)

    def get(self, path: str, **params: Any) -> Any:
        with self.http() as client:
            response = client.get(path, params=params or None)
            response.raise_for_status()
            return response.json()

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        with self.http() as client:
            return client.post(path, json=body or {})
