"""The settings of the processes `manage.py demo` starts: the project's own, on the demo's
simulated clock (voice_worker/demo_clock.py)."""

import os
from pathlib import Path

from salon_project.settings import *  # noqa: F403
from voice_worker import demo_clock

demo_clock.install(Path(os.environ["DEMO_CLOCK_FILE"]))
