"""Child processes the project starts itself (`manage.py demo`, the tests' servers, `make bench`)."""

import subprocess


def stop(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """Ask a child process to end (SIGTERM), as a supervisor would; kill it if it has not ended
    within `grace_seconds`, so a hung child never holds its caller up."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
