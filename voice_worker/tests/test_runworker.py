"""`manage.py runworker`: it shadows Channels' command, refuses a configuration that cannot work
with one clear sentence (never a traceback), and `console --text` works in a terminal with no
keys at all (driven here through a pseudo-terminal, against the real API on the test server)."""

import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

from core.models import ApiToken
from voice_worker.config import WorkerConfig, WorkerConfigError
from voice_worker.management.commands.runworker import WorkerStartError, check_api

# Outside the fast lane (slow): starts manage.py runworker, many times.
pytestmark = pytest.mark.slow

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
NO_KEYS = {
    "DJANGO_SETTINGS_MODULE": "voice_worker.tests.console_settings",
    "LLM_PROVIDER": "",
    "LLM_BASE_URL": "",
    "LLM_API_KEY": "",
    "OPENAI_API_KEY": "",
    "GROQ_API_KEY": "",
    "OPENROUTER_API_KEY": "",
    "LIVEKIT_URL": "",
    "LIVEKIT_API_KEY": "",
    "LIVEKIT_API_SECRET": "",
    "PYTHONUNBUFFERED": "1",
}


def worker_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **NO_KEYS, "TEST_VOICE_OUTBOX_DIR": str(tmp_path / "outbox"), **extra}
    env.pop("REDIS_URL", None)
    return env


def runworker(tmp_path, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MANAGE, "runworker", *args],
        env=worker_env(tmp_path, **env),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_it_shadows_channels_runworker():
    assert get_commands()["runworker"] == "voice_worker"
    assert load_command_class("voice_worker", "runworker").__module__ == "voice_worker.management.commands.runworker"
    assert settings.INSTALLED_APPS.index("voice_worker") < settings.INSTALLED_APPS.index("channels")


def test_start_without_livekit_exits_non_zero_with_a_clear_message(tmp_path):
    done = runworker(tmp_path, "start", SALON_API_TOKEN="sfd_test")
    assert done.returncode == 2
    assert "LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set" in done.stderr
    assert "livekit.cloud" in done.stderr and "console --text" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_provider_without_its_key_is_refused_before_starting(tmp_path):
    done = runworker(tmp_path, "console", "--text", SALON_API_TOKEN="sfd_test", LLM_PROVIDER="groq")
    assert done.returncode == 2
    assert "LLM_PROVIDER=groq needs an API key: set GROQ_API_KEY" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def _portaudio_missing() -> bool:
    try:
        import sounddevice  # noqa: F401
    except OSError:
        return True
    return False


PORTAUDIO = pytest.mark.skipif(
    _portaudio_missing(), reason="PortAudio is missing: apt-get install libportaudio2 (.ci/run does)"
)


@PORTAUDIO
def test_talking_in_the_console_needs_speech_keys(tmp_path):
    done = runworker(tmp_path, "console", SALON_API_TOKEN="sfd_test")
    assert done.returncode == 2 and "set OPENAI_API_KEY, or type instead with `console --text`" in done.stderr


def test_usage_and_unknown_subcommands(tmp_path):
    usage = runworker(tmp_path)
    assert usage.returncode == 0 and "console" in usage.stdout and "start" in usage.stdout
    unknown = runworker(tmp_path, "serve", SALON_API_TOKEN="sfd_test")
    assert unknown.returncode == 2 and "unknown sub-command" in unknown.stderr


def test_no_token_is_a_clear_message(settings, tmp_path):
    settings.SALON_API_TOKEN = None
    settings.VAR_DIR = tmp_path  # no var/demo-credentials.json from `make run` either
    with pytest.raises(WorkerConfigError, match="SALON_API_TOKEN"):
        WorkerConfig.from_settings().require_token()
    (tmp_path / "demo-credentials.json").write_text('{"token": "sfd_made_by_make_run"}')
    assert WorkerConfig.from_settings().require_token() == "sfd_made_by_make_run"


def test_a_job_process_sets_django_up_itself(tmp_path):
    """What a LiveKit job subprocess runs first: a bare interpreter, then `prewarm`."""
    code = (
        "from livekit.agents import JobExecutorType, JobProcess\n"
        "from voice_worker.worker import prewarm\n"
        "proc = JobProcess(executor_type=JobExecutorType.PROCESS, user_arguments=None, http_proxy=None)\n"
        "prewarm(proc)\n"
        "from django.apps import apps\n"
        "print(apps.ready, proc.userdata['config'].api_url)\n"
    )
    env = worker_env(tmp_path, SALON_API_URL="http://api.example:8000")
    env.pop("DJANGO_SETTINGS_MODULE")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("True http://api.example:8000")


# --- the console in a terminal --------------------------------------------------------------------

ANSI = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]")


class Terminal:
    """A pseudo-terminal running a command, read and typed into like a person would."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the command
            os.chdir(settings.BASE_DIR)
            os.execve(argv[0], argv, env)
        self.output = b""
        self.returncode: int | None = None

    def screen(self) -> str:
        return ANSI.sub(b"", self.output).decode(errors="replace")

    def read(self, seconds: float = 0.1) -> bool:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        self.output += data
        return bool(data)

    def expect(self, pattern: str, timeout: float, since: int = 0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.screen()[since:]):
                return True
            if not self.read():
                return bool(re.search(pattern, self.screen()[since:]))
        return False

    def type_line(self, text: str) -> None:
        """Type like a person: the console reads key by key and drops what arrives before it reads."""
        typed = ""
        for char in text:
            typed += char
            for _ in range(3):
                mark = len(self.screen())
                os.write(self.fd, char.encode())
                if self.expect(re.escape("❯ " + typed), 1.0, since=mark):
                    break
        os.write(self.fd, b"\r")

    def wait(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
            elif time.monotonic() >= deadline:
                break
            else:
                self.read()
        return self.returncode

    def close(self) -> None:
        if self.wait(0) is None:
            os.kill(self.pid, signal.SIGINT)
            if self.wait(10) is None:
                os.kill(self.pid, signal.SIGKILL)
                self.wait(10)
        os.close(self.fd)


@PORTAUDIO
@pytest.mark.django_db(transaction=True)
def test_console_text_works_in_a_terminal_with_no_keys(salon_server, tmp_path):
    env = worker_env(
        tmp_path, SALON_API_URL=salon_server.url, SALON_API_TOKEN=salon_server.token, TERM="xterm", COLUMNS="100"
    )
    terminal = Terminal([sys.executable, MANAGE, "runworker", "console", "--text"], env)
    try:
        assert terminal.expect("Type to talk to your agent", timeout=60), terminal.screen()[-3000:]
        mark = len(terminal.screen())
        terminal.type_line("What does a blowout cost?")
        assert terminal.expect(r"lookup_answer", timeout=30, since=mark), terminal.screen()[-3000:]
        assert terminal.expect(r"Our blowout is \$55", timeout=30, since=mark), terminal.screen()[-3000:]
        mark = len(terminal.screen())
        terminal.type_line("Thanks, bye!")
        assert terminal.expect("Goodbye!", timeout=30, since=mark), terminal.screen()[-3000:]
        assert terminal.wait(30) == 0  # the call ended, so the console ends by itself
    finally:
        terminal.close()

    screen = terminal.screen()
    assert "model the offline brain" in screen and "Traceback" not in screen
    [call] = salon_server.get("/api/v1/calls")["items"]
    assert call["channel"] == "web" and call["status"] == "ended" and call["end_reason"] == "goodbye"
    assert [turn["text"] for turn in call["transcript"]][1] == "What does a blowout cost?"


# --- the API is checked before taking calls ------------------------------------------------------

LIVEKIT_SET = {"LIVEKIT_URL": "ws://127.0.0.1:9", "LIVEKIT_API_KEY": "devkey", "LIVEKIT_API_SECRET": "secret"}


@pytest.fixture
def api_server(live_server, transactional_db) -> tuple[str, str]:
    """The real API (no salon needed to authenticate) and a token it knows."""
    return live_server.url, ApiToken.issue("voice-worker-test")[1]


def test_start_refuses_a_token_the_api_does_not_know(api_server, tmp_path):
    url, _ = api_server
    done = runworker(tmp_path, "start", SALON_API_URL=url, SALON_API_TOKEN="sfd_wrong", **LIVEKIT_SET)

    assert done.returncode == 2
    assert f"the salon API at {url} refused the worker's token" in done.stderr
    assert "createapitoken voice-worker" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "registered worker" not in done.stderr.lower()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_start_refuses_an_api_it_cannot_reach():
    config = WorkerConfig(f"http://127.0.0.1:{free_port()}", "sfd_test", "salon-receptionist", 45.0, Path("unused"))

    with pytest.raises(WorkerStartError, match="the salon API cannot be reached .*set SALON_API_URL"):
        check_api("start", config, sys.stderr, retries=(0.01,))


def test_the_check_passes_with_the_real_token_and_the_console_only_warns_when_the_api_is_down(api_server, capsys):
    url, token = api_server
    check_api("start", WorkerConfig(url, token, "", 45.0, Path("unused")), sys.stderr)
    down = WorkerConfig(f"http://127.0.0.1:{free_port()}", "sfd_test", "", 45.0, Path("unused"))
    check_api("console", down, sys.stderr)

    assert "is not answering" in capsys.readouterr().err
