"""Production refuses to start on a missing or short SECRET_KEY with one sentence and exit status 2
(a usage error), not a traceback: from manage.py, daphne and Celery alike, since each loads the
settings inside `salon_project.env.exit_on_configuration_error`."""

import secrets

import pytest

from salon_project.tests.test_security import python

# Each program as a process manager would start it; each stops while loading the settings.
PROGRAMS = {
    "manage.py": ["manage.py", "check"],
    "daphne": ["-m", "daphne", "-p", "0", "salon_project.asgi:application"],
    "celery": ["-m", "celery", "-A", "salon_project", "worker", "--pool", "solo"],
}


@pytest.mark.parametrize("program", PROGRAMS)
@pytest.mark.parametrize(
    "env, says",
    [
        ({"PRODUCTION": "1"}, "at least 50 random characters."),
        ({"PRODUCTION": "1", "SECRET_KEY": secrets.token_hex(10)}, "the one set has 20."),
        ({"SECRET_KEY": secrets.token_hex(10)}, "the one set has 20."),  # a key of its own means production
    ],
    ids=["production-without-a-key", "production-with-a-20-character-key", "a-20-character-key-of-its-own"],
)
def test_production_without_a_long_secret_key_stops_with_one_sentence_and_status_2(program, env, says):
    result = python(*PROGRAMS[program], **env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [sentence] = result.stderr.strip().splitlines()
    assert sentence.startswith("Production needs a SECRET_KEY of its own") and sentence.endswith(says), sentence


def test_a_long_production_key_starts():
    result = python("manage.py", "check", PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
