// The public "call the salon" page: start a web call, join its LiveKit room with the microphone
// (livekit-client, built into static/vendor by `make install`), play the receptionist, and show
// the live transcript the agent publishes on the room's "lk.transcription" text streams. The
// caller may also type: each message goes to the agent on the "lk.chat" text stream, so the page
// works with no microphone and with a text-only receptionist (the offline brain, no keys).
(function () {
  "use strict";
  const form = document.getElementById("call-form");
  const callButton = document.getElementById("call-button");
  const hangUp = document.getElementById("hang-up");
  const status = document.getElementById("call-status");
  const transcript = document.getElementById("transcript");
  const messageForm = document.getElementById("message-form");
  const message = document.getElementById("message");
  let room = null;
  let typed = 0;

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
    const current = new Room();
    room = current;
    room.on(RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === "audio") document.body.appendChild(track.attach());
    });
    // Only when the room ends the call (the receptionist hung up); hanging up here says so itself.
    room.on(RoomEvent.Disconnected, () => {
      if (room === current) endCall("The call has ended.");
    });
    room.registerTextStreamHandler("lk.transcription", async (reader, participant) => {
      const attributes = reader.info.attributes || {};
      const who = participant.identity === room.localParticipant.identity ? "You" : "Receptionist";
      const segmentId = attributes["lk.segment_id"] || reader.info.id;
      let text = "";
      for await (const chunk of reader) {
        text += chunk;
        showSegment(segmentId, who, text, false);
      }
      // The receptionist's words come as one stream per segment, complete when it ends (its
      // header still says "not final"); the caller's transcribed speech as one stream for each
      // version, the last one marked final in its header.
      showSegment(segmentId, who, text, who === "Receptionist" || attributes["lk.transcription_final"] !== "false");
    });
    try {
      await room.connect(body.livekit_url, body.caller_token);
      let speaking = true;
      try {
        await room.localParticipant.setMicrophoneEnabled(true);
      } catch (error) {
        speaking = false; // no microphone, or not allowed: typing still works
      }
      say(speaking ? "Connected: say hello, or type below." : "Connected without a microphone: type below.");
      hangUp.hidden = false;
      messageForm.hidden = false;
      message.focus();
    } catch (error) {
      endCall("Could not connect: " + error.message);
    }
  }

  async function sendMessage(event) {
    event.preventDefault();
    const text = message.value.trim();
    if (!room || !text) return;
    message.value = "";
    typed += 1;
    showSegment(`typed-${typed}`, "You", text, true);
    try {
      await room.localParticipant.sendText(text, { topic: "lk.chat" });
    } catch (error) {
      say("Your message was not sent: " + error.message);
    }
  }

  function endCall(text) {
    if (room) {
      const leaving = room;
      room = null;
      leaving.disconnect();
    }
    hangUp.hidden = true;
    messageForm.hidden = true;
    callButton.disabled = false;
    say(text);
  }

  form.addEventListener("submit", startCall);
  messageForm.addEventListener("submit", sendMessage);
  hangUp.addEventListener("click", () => endCall("You hung up."));
})();
