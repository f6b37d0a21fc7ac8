"""The fast lane: `pytest -m "not slow"` leaves out what is slow by nature, `make test` runs all.

One rule, here, marks a test `slow` when it drives headless Chromium (the `chromium` fixture),
runs over LiveKit's own server (`livekit_sandbox`, under every `*_over_livekit` fixture), or
lives in a fault or fuzz module (`test_faults_*`: real processes killed and restarted;
`test_fuzz_*`: many generated requests). A module slow for another reason (it starts daphne,
a Celery worker or `manage.py` itself) says so with `pytestmark = pytest.mark.slow`.
Registered by the root conftest.py (`pytest_plugins`); the marker is declared in pyproject.toml.
"""

import pytest

SLOW_FIXTURES = frozenset({"chromium", "livekit_sandbox"})
SLOW_MODULES = ("test_faults_", "test_fuzz_")


def is_slow(fixtures: set[str], module: str) -> bool:
    """Whether a test with these fixtures (all it uses, directly or through others), in the module
    of this dotted name, belongs outside the fast lane."""
    return bool(SLOW_FIXTURES & fixtures) or module.rpartition(".")[2].startswith(SLOW_MODULES)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if is_slow(set(getattr(item, "fixturenames", ())), module.__name__ if module else ""):
            item.add_marker(pytest.mark.slow)
