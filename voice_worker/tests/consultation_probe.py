"""The agent's side of a consultation room (voice_worker.transfer.LiveKitConsultation) as a
process the tests drive, run inside the tests' network namespace like livekit_caller.py. Its
"TTS" is a tone, so the test can tell when the first words were spoken and who could hear them.

    python -m voice_worker.tests.consultation_probe URL TOKEN
    ← {"event": "joined", "published": [track names]}
    → {"cmd": "brief", "text": "..."}
    ← {"event": "briefed", "heard_from_the_first_word": bool}
"""

import asyncio
import json
import math
import sys
from types import SimpleNamespace

from livekit import rtc

from voice_worker.transfer import LiveKitConsultation

SAMPLE_RATE = 48000
FRAME_SAMPLES = 480  # 10 ms


def emit(event: str, **data) -> None:
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


class ToneTTS:
    """What LiveKitConsultation uses of a TTS: its format and `synthesize(text)`, a stream of
    frames; it notes whether someone had subscribed to the briefing when the first frame went."""

    sample_rate = SAMPLE_RATE
    num_channels = 1

    def __init__(self):
        self.subscribed = False
        self.subscribed_at_first_frame: bool | None = None

    def synthesize(self, text: str) -> "ToneTTS":
        return self

    async def __aenter__(self) -> "ToneTTS":
        return self

    async def __aexit__(self, *exc_info) -> None:
        return None

    async def __aiter__(self):
        for index in range(100):  # one second
            if self.subscribed_at_first_frame is None:
                self.subscribed_at_first_frame = self.subscribed
            frame = rtc.AudioFrame.create(SAMPLE_RATE, 1, FRAME_SAMPLES)
            for i in range(FRAME_SAMPLES):
                frame.data[i] = int(3000 * math.sin(2 * math.pi * 440 * (index * FRAME_SAMPLES + i) / SAMPLE_RATE))
            yield SimpleNamespace(frame=frame)


async def main(url: str, token: str) -> None:
    tts = ToneTTS()
    consultation = LiveKitConsultation(SimpleNamespace(tts=tts))
    await consultation.join(url, token)
    room = consultation._room
    room.on("local_track_subscribed", lambda _track: setattr(tts, "subscribed", True))
    emit("joined", published=[pub.name for pub in room.local_participant.track_publications.values()])
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    command = json.loads(line)
    await consultation.brief(command["text"])
    emit("briefed", heard_from_the_first_word=tts.subscribed_at_first_frame)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # until told to go
    await consultation.leave()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
