"""The production settings, with the voice worker's pending writes in a folder the test chooses (so a
`runworker` started by a test never touches the project's var/)."""

import os

from salon_project.settings import *  # noqa: F403

VOICE_OUTBOX_DIR = os.environ["TEST_VOICE_OUTBOX_DIR"]
