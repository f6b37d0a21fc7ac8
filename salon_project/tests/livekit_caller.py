"""A caller on LiveKit's own rtc client (the `livekit` wheel), as a process the tests drive.

It runs inside the tests' network namespace (support_livekit), so its WebRTC traffic stays on
the namespace's own address. It joins a room with a token, then reads one JSON command a line on
stdin and writes one JSON event a line on stdout:

    → {"cmd": "say", "text": "..."}          sent on the lk.chat text stream
    → {"cmd": "mic"}                          publish a microphone track (a quiet tone)
    → {"cmd": "hang_up"}                      leave the room and exit
    ← {"event": "connected", "room": ..., "identity": ...}
    ← {"event": "joined" | "left", "identity": ..., "kind": ...}
    ← {"event": "text", "topic": ..., "identity": ..., "text": ..., "attributes": {...}}
    ← {"event": "audio", "identity": ..., "track": ..., "rms": ...}  each 200 ms of a subscribed audio track
    ← {"event": "unsubscribed", "identity": ..., "track": ...}        an audio track's publisher took it away
    ← {"event": "disconnected", "reason": ...} | {"event": "error", "message": ...}

    python -m salon_project.tests.livekit_caller URL TOKEN
"""

import asyncio
import json
import math
import sys

from livekit import rtc

TOPICS = ("lk.transcription", "lk.chat")
SAMPLE_RATE = 48000
FRAME_SAMPLES = 480  # 10 ms


def emit(event: str, **data) -> None:
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


async def listen(track: rtc.Track, identity: str) -> None:
    """The track's energy (RMS of 16-bit samples) over each 200 ms, as the caller hears it."""
    stream = rtc.AudioStream(track, sample_rate=16000, num_channels=1)
    total, count, window = 0.0, 0, 16000 // 5
    async for event in stream:
        samples = event.frame.data
        total += sum(s * s for s in samples)
        count += len(samples)
        if count >= window:
            emit("audio", identity=identity, track=track.name, rms=round(math.sqrt(total / count), 1))
            total, count = 0.0, 0


async def tone(source: rtc.AudioSource) -> None:
    """A quiet 220 Hz hum: a microphone that carries something, without words to transcribe."""
    phase = 0
    while True:
        frame = rtc.AudioFrame.create(SAMPLE_RATE, 1, FRAME_SAMPLES)
        data = frame.data
        for i in range(FRAME_SAMPLES):
            data[i] = int(300 * math.sin(2 * math.pi * 220 * (phase + i) / SAMPLE_RATE))
        phase += FRAME_SAMPLES
        await source.capture_frame(frame)


async def main(url: str, token: str) -> None:
    room = rtc.Room()
    tasks: set[asyncio.Task] = set()
    loop = asyncio.get_running_loop()

    def spawn(coroutine) -> None:
        task = loop.create_task(coroutine)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def on_text(reader: rtc.TextStreamReader, identity: str) -> None:
        async def read() -> None:
            text = await reader.read_all()
            emit("text", topic=reader.info.topic, identity=identity, text=text, attributes=reader.info.attributes)

        spawn(read())

    for topic in TOPICS:
        room.register_text_stream_handler(topic, on_text)
    room.on(
        "participant_connected",
        lambda p: emit("joined", identity=p.identity, kind=rtc.ParticipantKind.Name(p.kind)),
    )
    room.on(
        "participant_disconnected",
        lambda p: emit("left", identity=p.identity, kind=rtc.ParticipantKind.Name(p.kind)),
    )
    room.on(
        "track_subscribed",
        lambda track, pub, p: spawn(listen(track, p.identity)) if track.kind == rtc.TrackKind.KIND_AUDIO else None,
    )
    room.on(
        "track_unsubscribed",
        lambda track, pub, p: (
            emit("unsubscribed", identity=p.identity, track=track.name)
            if track.kind == rtc.TrackKind.KIND_AUDIO
            else None
        ),
    )
    done = asyncio.Event()
    room.on("disconnected", lambda reason: (emit("disconnected", reason=rtc.DisconnectReason.Name(reason)), done.set()))
    try:
        await room.connect(url, token)
    except rtc.ConnectError as exc:
        emit("error", message=str(exc))
        return
    emit("connected", room=room.name, identity=room.local_participant.identity)
    for participant in room.remote_participants.values():
        emit("joined", identity=participant.identity, kind=rtc.ParticipantKind.Name(participant.kind))

    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while not done.is_set():
        line_task = loop.create_task(reader.readline())
        closed = loop.create_task(done.wait())
        finished, _ = await asyncio.wait({line_task, closed}, return_when=asyncio.FIRST_COMPLETED)
        if closed in finished:
            line_task.cancel()
            break
        closed.cancel()
        line = line_task.result()
        if not line:
            break
        command = json.loads(line)
        if command["cmd"] == "say":
            await room.local_participant.send_text(command["text"], topic="lk.chat")
        elif command["cmd"] == "mic":
            source = rtc.AudioSource(SAMPLE_RATE, 1)
            track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
            options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
            await room.local_participant.publish_track(track, options)
            spawn(tone(source))
            emit("published", kind="microphone")
        elif command["cmd"] == "hang_up":
            break
    for task in list(tasks):
        task.cancel()
    await room.disconnect()
    emit("disconnected", reason="hung_up")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
