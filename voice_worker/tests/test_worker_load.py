"""The load the voice worker reports to LiveKit: the share of its calls in use, not the machine's
CPU. LiveKit's server sends a job only to a worker below full load (it weighs workers by one
minus their load), so a worker reporting a busy machine's CPU got no calls at all."""

from pathlib import Path
from types import SimpleNamespace

from livekit.agents.worker import ServerEnvOption

from voice_worker.config import WorkerConfig
from voice_worker.worker import build_server


def config(max_calls: int) -> WorkerConfig:
    return WorkerConfig(
        api_url="http://127.0.0.1:8000",
        api_token="sfd_test",
        agent_name="salon-receptionist",
        hold_seconds=0,
        pending_writes_dir=Path("/nonexistent"),
        max_calls=max_calls,
    )


def test_the_load_is_the_share_of_calls_in_use_and_full_at_the_maximum():
    server = build_server(config(max_calls=4))
    load = server.load_fnc

    assert [load(SimpleNamespace(active_jobs=[object()] * n)) for n in (0, 1, 2, 4, 6)] == [0, 0.25, 0.5, 1.0, 1.0]
    threshold = server._load_threshold
    assert isinstance(threshold, ServerEnvOption)
    # Full means full, in production as in development: available while below the maximum.
    assert (threshold.dev_default, threshold.prod_default) == (1.0, 1.0)
