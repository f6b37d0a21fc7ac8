from django.apps import AppConfig


class VoiceWorkerConfig(AppConfig):
    """Registered before `channels` in INSTALLED_APPS so that its `runworker` (the LiveKit voice
    worker) shadows Channels' own `runworker` command."""

    name = "voice_worker"
    verbose_name = "Voice worker"
