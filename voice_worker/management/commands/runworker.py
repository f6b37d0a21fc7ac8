"""`manage.py runworker`: the LiveKit voice worker (it shadows Channels' own `runworker`).

    manage.py runworker start              take calls: register with LiveKit (production)
    manage.py runworker dev                the same with debug logs (development)
    manage.py runworker console --text     type to the receptionist in this terminal (no keys needed)
    manage.py runworker console            talk to it with your microphone (needs OPENAI_API_KEY)
    manage.py runworker connect --room R   join one existing LiveKit room

Everything after the sub-command goes to LiveKit's own command line (`runworker start --help`
lists its options). Before handing over, the configuration is checked, and a missing LiveKit URL,
API token, model key or audio library is reported in one sentence with exit status 2, instead
of a traceback. So is an API that refuses the token or cannot be reached (one authenticated
`GET /api/v1/ping`): a worker that started anyway would escalate every caller and record no call.
"""

import asyncio
import logging
import os
import sys
import threading
import warnings

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.llm import ProviderConfigError, choose_llm
from voice_worker.api_client import ApiRejected, ApiUnavailable, SalonApi
from voice_worker.config import WorkerConfig, WorkerConfigError
from voice_worker.llm_providers import build_speech
from voice_worker.pending_writes import PendingWrites

SUBCOMMANDS = {
    "start": "take calls: register with LiveKit and run each call in a subprocess (production)",
    "dev": "the same, with debug logs (development)",
    "console": "talk to the receptionist in this terminal; --text to type (no LiveKit, no keys)",
    "connect": "join one existing LiveKit room (--room NAME)",
}
NEEDS_LIVEKIT = ("start", "dev", "connect")
DRAIN_EVERY_SECONDS = 15.0
# How long `start`, `dev` and `connect` wait for the API to answer (it may be starting beside
# them, as in the Procfile) before giving up: the pauses between attempts, about 10 s in all.
API_START_RETRIES = (0.5, 1.0, 2.0, 3.0, 3.5)

LIVEKIT_HELP = (
    "set LIVEKIT_URL (wss://<project>.livekit.cloud for LiveKit Cloud, ws://localhost:7880 for a "
    "self-hosted server), LIVEKIT_API_KEY and LIVEKIT_API_SECRET. To try the receptionist without "
    "LiveKit: manage.py runworker console --text"
)
PORTAUDIO_HELP = (
    "console mode needs the PortAudio library, which is missing: install it with "
    "`sudo apt-get install libportaudio2` (Debian/Ubuntu) or `brew install portaudio` (macOS)."
)


class WorkerStartError(Exception):
    pass


class Command(BaseCommand):
    help = "Run the LiveKit voice receptionist: " + "; ".join(f"{name}: {text}" for name, text in SUBCOMMANDS.items())

    def add_arguments(self, parser):
        parser.add_argument("worker_args", nargs="*", help="start, dev, console [--text] or connect, and its options")

    def run_from_argv(self, argv):
        # LiveKit's command line parses the rest; Django's parser would reject its options.
        code = self._run(argv[2:], prog=f"{os.path.basename(argv[0])} {argv[1]}")
        sys.exit(code)

    def handle(self, *args, worker_args=(), **options):
        code = self._run(list(worker_args) or list(args), prog="manage.py runworker")
        if code:
            raise CommandError(f"runworker exited with status {code}", returncode=code)

    def _run(self, args: list[str], *, prog: str) -> int:
        if not args or args[0] in ("-h", "--help", "help"):
            self.stdout.write(self._usage(prog))
            return 0
        try:
            return launch(args, prog=prog, out=self.stderr)
        except WorkerStartError as exc:
            self.stderr.write(f"{prog} {args[0]}: {exc}")
            return 2

    def _usage(self, prog: str) -> str:
        lines = [f"Usage: {prog} SUBCOMMAND [OPTIONS]", "", "The LiveKit voice receptionist.", ""]
        lines += [f"  {name:<8} {text}" for name, text in SUBCOMMANDS.items()]
        lines += ["", f"`{prog} SUBCOMMAND --help` shows LiveKit's options for it."]
        return "\n".join(lines)


def launch(args: list[str], *, prog: str, out) -> int:
    subcommand = args[0]
    if subcommand not in SUBCOMMANDS:
        raise WorkerStartError(f"unknown sub-command; use one of: {', '.join(SUBCOMMANDS)}.")
    asking_for_help = "--help" in args
    config = WorkerConfig.from_settings()
    if not asking_for_help:
        check_configuration(subcommand, args, config)
    _export_livekit_settings()
    _quiet_known_noise()
    if subcommand == "console" and "--log-level" not in args:
        args = [*args, "--log-level", "WARN"]
    if not asking_for_help:
        out.write(_summary(config))
        check_api(subcommand, config, out)

    from livekit.agents import cli

    from voice_worker.worker import build_server

    # LiveKit's command line sets up logging (the console's own display, JSON lines in production);
    # Django's root handler would print every record a second time.
    logging.getLogger().handlers.clear()
    logging.getLogger("httpx").setLevel(logging.WARNING)

    drainer = PendingWritesSender(config) if not asking_for_help else None
    if drainer:
        drainer.start()
    # LiveKit's console schedules a second shutdown on an event loop that has already closed.
    warnings.filterwarnings("ignore", message="coroutine 'AgentServer.aclose' was never awaited")
    saved_argv = sys.argv
    sys.argv = [prog, *args]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # LiveKit's CLI announces its successor
            cli.run_app(build_server(config))
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved_argv
        if drainer:
            drainer.stop()


def check_configuration(subcommand: str, args: list[str], config: WorkerConfig) -> None:
    try:
        config.require_token()
        choose_llm()
    except (WorkerConfigError, ProviderConfigError) as exc:
        raise WorkerStartError(str(exc)) from None
    if subcommand in NEEDS_LIVEKIT:
        wanted = {"LIVEKIT_URL": "--url", "LIVEKIT_API_KEY": "--api-key", "LIVEKIT_API_SECRET": "--api-secret"}
        missing = [name for name, flag in wanted.items() if not (getattr(settings, name) or _given(args, flag))]
        if missing:
            names = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
            raise WorkerStartError(f"{names} {'is' if len(missing) == 1 else 'are'} not set: {LIVEKIT_HELP}")
    if subcommand == "console":
        try:
            import sounddevice  # noqa: F401  (LiveKit's console opens audio devices even to type)
        except OSError:
            raise WorkerStartError(PORTAUDIO_HELP) from None
        if "--text" not in args and build_speech() is None:
            raise WorkerStartError(
                "talking needs speech-to-text and text-to-speech: set OPENAI_API_KEY, or type instead with "
                "`console --text`."
            )


def _given(args: list[str], option: str) -> bool:
    return any(arg == option or arg.startswith(option + "=") for arg in args)


def _export_livekit_settings() -> None:
    """LiveKit reads its own environment variables; settings may come from the .env file."""
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        value = getattr(settings, name, None)
        if value and not os.environ.get(name):
            os.environ[name] = value


class _DropMessages(logging.Filter):
    def __init__(self, *prefixes: str):
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefixes)


def _quiet_known_noise() -> None:
    # The default turn detector explains at every session that it runs its local model.
    logging.getLogger("livekit.agents").addFilter(_DropMessages("LIVEKIT_INFERENCE_URL is set but"))


def _summary(config: WorkerConfig) -> str:
    speech = "OpenAI speech-to-text and text-to-speech" if build_speech() else "none (text only)"
    return (
        f"Voice worker: model {choose_llm().describe()}; speech {speech}; salon API {config.api_url}; "
        f"agent name {config.agent_name or '(automatic dispatch)'}; hold for answers {config.hold_seconds:g}s.\n"
    )


def check_api(subcommand: str, config: WorkerConfig, out, retries: tuple[float, ...] = API_START_RETRIES) -> None:
    """One authenticated request to the API: a token it refuses stops every sub-command; an API
    that cannot be reached stops `start`, `dev` and `connect`, and is a warning for the console
    (whose user may start `make run` next)."""

    async def ping() -> None:
        async with SalonApi(config.api_url, config.api_token or "") as api:
            await api.request("GET", "/api/v1/ping", retries=() if subcommand == "console" else retries)

    try:
        asyncio.run(ping())
    except ApiRejected as exc:
        if exc.status_code in (401, 403):
            raise WorkerStartError(
                f"the salon API at {config.api_url} refused the worker's token ({exc}): set SALON_API_TOKEN to a "
                "token from `python manage.py createapitoken voice-worker` on the API's machine."
            ) from None
        raise WorkerStartError(
            f"{config.api_url} answered {exc} to GET /api/v1/ping: set SALON_API_URL to the salon API's address."
        ) from None
    except ApiUnavailable as exc:
        if subcommand != "console":
            raise WorkerStartError(
                f"the salon API cannot be reached ({exc}): start it, or set SALON_API_URL to where it runs."
            ) from None
        out.write(
            f"Warning: the salon API at {config.api_url} is not answering, so the receptionist cannot look "
            "anything up. Start it with `make run` in another terminal (or set SALON_API_URL).\n"
        )


class PendingWritesSender:
    """Sends writes left in the pending writes (by this process or one that died) while the worker runs,
    every DRAIN_EVERY_SECONDS, and once more on the way out."""

    def __init__(self, config: WorkerConfig):
        self.config = config
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="voice-pending-writes", daemon=True)

    def start(self) -> None:
        if self.config.api_token:
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _main(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        pending_writes = PendingWrites(self.config.pending_writes_dir)
        async with SalonApi(self.config.api_url, self.config.api_token or "", pending_writes=pending_writes) as api:
            while True:
                try:
                    await api.drain()
                    pending_writes.forget_old_refs()
                except Exception:  # keep the worker running; the next round tries again
                    logging.getLogger("voice_worker").exception("Sending the voice worker's pending writes failed")
                if self._stop.is_set():
                    return
                await asyncio.get_running_loop().run_in_executor(None, self._stop.wait, DRAIN_EVERY_SECONDS)
