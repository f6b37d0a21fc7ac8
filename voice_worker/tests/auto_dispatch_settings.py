"""console_settings with an empty VOICE_AGENT_NAME: the worker registers for automatic dispatch,
offered every new room (the environment cannot say so: an empty variable counts as unset)."""

from voice_worker.tests.console_settings import *  # noqa: F403

VOICE_AGENT_NAME = ""
