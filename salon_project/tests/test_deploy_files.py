"""The deploy files say what the code does: the Procfile's release step migrates and collects the
static files (npm's browser libraries included) and never seeds the demo salon, and every
variable `.env.example` lists is one the settings read."""

import re

from django.conf import settings

BASE = settings.BASE_DIR


def test_the_release_step_migrates_and_collects_static_files_and_never_seeds():
    processes = dict(line.split(":", 1) for line in (BASE / "Procfile").read_text().splitlines() if line.strip())
    release = processes["release"]
    assert release.index("make vendor") < release.index("collectstatic")
    assert "migrate --noinput" in release and "collectstatic --noinput" in release
    assert "seed_salon" not in release and "setup_demo" not in release
    assert "vendor: $(VENDOR_STAMP)" in (BASE / "Makefile").read_text()


def test_every_variable_in_env_example_is_read_by_the_settings():
    names = re.findall(r"^([A-Z][A-Z0-9_]*)=", (BASE / ".env.example").read_text(), re.M)
    read = (BASE / "salon_project" / "settings.py").read_text() + (BASE / "salon_project" / "env.py").read_text()
    production = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SALON_API_TOKEN", "VOICE_OUTBOX_DIR", "SERVE_STATIC"}
    assert production <= set(names)
    assert [name for name in names if f'"{name}"' not in read] == []
