// The Transfers page: incoming warm transfers, re-read on every "transfer" console event, and
// the call panel that joins a LiveKit room in the browser (livekit-client from static/vendor).
(function () {
  "use strict";
  const items = document.getElementById("transfer-items");
  const message = document.getElementById("transfer-message");
  const panel = document.getElementById("call-panel");
  let room = null;

  async function refresh() {
    const response = await fetch(items.dataset.itemsUrl, { headers: { Accept: "text/html" } });
    if (response.ok) items.innerHTML = await response.text();
  }

  async function post(transferId, action, body) {
    const response = await fetch(`/api/v1/transfers/${transferId}/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.consoleCsrfToken() },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.detail || `The ${action} failed (${response.status}).`);
    return data;
  }

  function showPanel(title, status) {
    panel.hidden = false;
    document.getElementById("call-panel-title").textContent = title;
    document.getElementById("call-panel-status").textContent = status;
  }

  // What the receptionist says in the briefing room, as text (lk.chat): read, or heard as well.
  function showBriefing(text) {
    const briefing = document.getElementById("call-panel-briefing");
    briefing.textContent = text;
    briefing.hidden = !text;
  }

  async function leaveRoom() {
    if (room) {
      const leaving = room;
      room = null;
      await leaving.disconnect();
    }
    showBriefing("");
    panel.hidden = true;
  }

  // Join `pass.room` with `pass.token` (minted for that room only) and talk with the microphone.
  async function joinRoom(pass, title) {
    await leaveRoom();
    if (!pass.token || !pass.livekit_url) {
      showPanel(title, "the call was moved to your phone.");
      return;
    }
    showPanel(title, "connecting…");
    const { Room, RoomEvent } = window.LivekitClient;
    room = new Room();
    room.on(RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === "audio") panel.appendChild(track.attach());
    });
    room.on(RoomEvent.Disconnected, () => showPanel(title, "disconnected."));
    room.registerTextStreamHandler("lk.chat", async (reader) => showBriefing(await reader.readAll()));
    try {
      await room.connect(pass.livekit_url, pass.token);
      await room.localParticipant.setMicrophoneEnabled(true);
      showPanel(title, "connected.");
    } catch (error) {
      showPanel(title, "could not join the audio: " + error.message);
    }
  }

  items.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const card = button.closest("[data-transfer-id]");
    const id = card.dataset.transferId;
    const action = button.dataset.action;
    button.disabled = true;
    message.textContent = "";
    try {
      if (action === "join") {
        await joinRoom(await post(id, "join"), "Briefing room");
      } else if (action === "accept") {
        await joinRoom(await post(id, "accept"), "With the caller");
        message.textContent = "You have the caller; the receptionist has left.";
      } else {
        const reason = window.prompt("Why can't you take it? (the caller is not told the reason)", "") || "";
        await post(id, "decline", { reason });
        await leaveRoom();
        message.textContent = "Declined: the receptionist is back with the caller.";
      }
    } catch (error) {
      message.textContent = error.message;
    }
    button.disabled = false;
    refresh();
  });

  document.getElementById("call-panel-leave").addEventListener("click", leaveRoom);
  document.getElementById("call-panel-mute").addEventListener("click", async (event) => {
    if (!room) return;
    const muted = room.localParticipant.isMicrophoneEnabled;
    await room.localParticipant.setMicrophoneEnabled(!muted);
    event.target.textContent = muted ? "Unmute" : "Mute";
  });
  document.addEventListener("console:transfer", refresh);
  document.addEventListener("console:console", (event) => {
    if (event.detail.action === "connected") refresh();
  });
})();
