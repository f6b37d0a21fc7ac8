"""LiveKit's own open-source server (`make livekit` builds it into var/bin/livekit-server), run in
development mode on this machine: by `manage.py serve` when no LIVEKIT_URL is set, and by the
tests that go over a real server.

Development mode means the well-known key pair devkey / secret, so it is bound to loopback only,
and it advertises 127.0.0.1 as its only media address (loopback ICE candidates on), so calls
between processes of this machine never touch a network interface. Every port is a free one,
so several servers (tests, a `make run`) can run side by side.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from django.conf import settings

from core import processes

DEV_KEY = "devkey"
DEV_SECRET = "secret"
VERSION = "v1.13.5"  # what `make livekit` builds (LIVEKIT_VERSION in the Makefile)
DEV_PORT = 7880  # `livekit-server --dev`'s own, when it is free


def binary() -> Path:
    return Path(settings.BASE_DIR) / "var" / "bin" / "livekit-server"


def built() -> bool:
    return binary().is_file() and binary().stat().st_mode & 0o111 != 0


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def dev_config(port: int, tcp_port: int, udp_port: int, host: str = "127.0.0.1", log_level: str = "info") -> str:
    """The server's YAML: bound to `host` only, media on `host` (loopback candidates on), and no
    STUN lookup of a public address. All media on one UDP port (LiveKit's UDP mux): with a range
    of 40 ports, `make bench` left callers unanswered at 32 calls at once; on one port, none."""
    return "\n".join(
        [
            f"port: {port}",
            f"bind_addresses: [{host}]",
            "rtc:",
            f"  tcp_port: {tcp_port}",
            f"  udp_port: {udp_port}",
            "  use_external_ip: false",
            "  enable_loopback_candidate: true",
            "  ips:",
            f"    includes: [{host}/32]",
            "logging:",
            f"  level: {log_level}",
            "",
        ]
    )


class LiveKitDevServer:
    """One livekit-server process in development mode; `start()` returns once it answers.

    `host` is the one address it binds and advertises (127.0.0.1 by default); `prefix` runs it
    through another command, such as `ip netns exec NAME` (the tests' network namespace)."""

    def __init__(
        self,
        log_path: Path | None = None,
        start_seconds: float = 30,
        host: str = "127.0.0.1",
        prefix: tuple[str, ...] = (),
        port: int | None = None,
        log_level: str = "info",
    ):
        self.host, self.prefix, self.log_level = host, prefix, log_level
        self.port = port if port is not None and _free(port) else free_port()
        self.tcp_port = free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.url = f"ws://{host}:{self.port}"
        self.http_url = f"http://{host}:{self.port}"
        self.api_key, self.api_secret = DEV_KEY, DEV_SECRET
        self.start_seconds = start_seconds
        self._dir = tempfile.TemporaryDirectory(prefix="livekit-")
        self.log_path = log_path or Path(self._dir.name) / "livekit-server.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        config = Path(self._dir.name) / "livekit.yaml"
        config.write_text(dev_config(self.port, self.tcp_port, self.udp_port, self.host, self.log_level))
        server = [str(binary()), "--dev", "--config", str(config), "--bind", self.host, "--node-ip", self.host]
        return [*self.prefix, *server]

    def start(self) -> LiveKitDevServer:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        try:
            self.wait_until_ready(self.process)
        except RuntimeError:
            log = self.log()
            self.stop()
            raise RuntimeError(f"livekit-server did not start:\n{log[-4000:]}") from None
        return self

    def wait_until_ready(self, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + self.start_seconds
        while not self.ready():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("livekit-server did not start.")
            time.sleep(0.1)

    def ready(self) -> bool:
        try:
            return httpx.get(self.http_url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process)
            self.process = None
        self.cleanup()

    def cleanup(self) -> None:
        """Remove the generated configuration (and the log, unless it was put elsewhere)."""
        self._dir.cleanup()

    def __enter__(self) -> LiveKitDevServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
