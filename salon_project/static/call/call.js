// The public "call the salon" page: start a web call, join its LiveKit room with the microphone
// (livekit-client, built into static/vendor by `make install`), play the receptionist, and show
// the live transcript the agent publishes on the room's "lk.transcription" text streams.
(function () {
  "use strict";
  const form = document.getElementById("call-form");
  const callButton = document.getElementById("call-button");
  const hangUp = document.getElementById("hang-up");
  const status = document.getElementById("call-status");
  const transcript = document.getElementById("transcript");
  let room = null;

  function say(text) {
    status.textContent = text;
  }

  // One line per transcription segment; interim text is replaced until the final one arrives.
  function showSegment(segmentId, who, text, final) {
    let line = transcript.querySelector(`li[data-segment="${CSS.escape(segmentId)}"]`);
    if (!line) {
      line = document.createElement("li");
      line.dataset.segment = segmentId;
      line.className = who === "You" ? "you" : "agent";
      line.innerHTML = '<span class="who"></span><span class="text"></span>';
      line.querySelector(".who").textContent = who + ":";
      transcript.appendChild(line);
    }
    line.querySelector(".text").textContent = text;
    line.classList.toggle("interim", !final);
  }

  async function startCall(event) {
    event.preventDefault();
    callButton.disabled = true;
    say("Connecting…");
    const response = await fetch("/api/v1/web-calls", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ caller_name: document.getElementById("caller-name").value }),
    });
    const body = await response.json();
    if (!response.ok) {
      say(body.detail || "The call could not be started.");
      callButton.disabled = false;
      return;
    }
    const { Room, RoomEvent } = window.LivekitClient;
    room = new Room();
    room.on(RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === "audio") document.body.appendChild(track.attach());
    });
    room.on(RoomEvent.Disconnected, () => endCall("The call has ended."));
    room.registerTextStreamHandler("lk.transcription", async (reader, participant) => {
      const attributes = reader.info.attributes || {};
      const who = participant.identity === room.localParticipant.identity ? "You" : "Receptionist";
      const segmentId = attributes["lk.segment_id"] || reader.info.id;
      const final = attributes["lk.transcription_final"] !== "false";
      showSegment(segmentId, who, await reader.readAll(), final);
    });
    try {
      await room.connect(body.livekit_url, body.caller_token);
      await room.localParticipant.setMicrophoneEnabled(true);
      say("Connected: say hello.");
      hangUp.hidden = false;
    } catch (error) {
      endCall("Could not connect: " + error.message);
    }
  }

  function endCall(message) {
    if (room) {
      const leaving = room;
      room = null;
      leaving.disconnect();
    }
    hangUp.hidden = true;
    callButton.disabled = false;
    say(message);
  }

  form.addEventListener("submit", startCall);
  hangUp.addEventListener("click", () => endCall("You hung up."));
})();
