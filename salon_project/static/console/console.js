// The console's one websocket (/ws/console/), shared by every console page.
//
// Each server event {kind, action, data} is re-dispatched on `document` as a CustomEvent named
// "console:<kind>" (e.g. "console:help_request") whose `detail` is the whole event. After every
// (re)connect a "console:console" event with action "connected" fires: pages reload their state
// from the server then, so whatever happened while the line was down is shown.
// The connection state is shown on <body data-live="connecting|live|offline">.
(function () {
  "use strict";
  let delay = 500;
  let pingTimer = null;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/console/");
    document.body.dataset.live = "connecting";

    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.kind === "console" && event.action === "connected") {
        document.body.dataset.live = "live";
        delay = 500;
      }
      document.dispatchEvent(new CustomEvent("console:" + event.kind, { detail: event }));
    });
    socket.addEventListener("open", () => {
      pingTimer = setInterval(() => socket.send(JSON.stringify({ type: "ping" })), 25000);
    });
    socket.addEventListener("close", (closed) => {
      clearInterval(pingTimer);
      document.body.dataset.live = "offline";
      if (closed.code === 4401 || closed.code === 4403) {
        location.href = "/admin/login/?next=" + encodeURIComponent(location.pathname);
        return;
      }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    });
  }

  // The CSRF token for fetch() calls to the API with the session (Django's csrftoken cookie).
  window.consoleCsrfToken = function () {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };

  // A caller waiting for a person is urgent on every console page: a banner linking to Transfers.
  document.addEventListener("console:transfer", (event) => {
    const transfer = event.detail.data;
    let banner = document.getElementById("incoming-transfer");
    if (event.detail.action !== "ringing") {
      if (banner && banner.dataset.transferId === String(transfer.id)) banner.remove();
      return;
    }
    if (!banner) {
      banner = document.createElement("a");
      banner.id = "incoming-transfer";
      banner.className = "incoming-transfer";
      banner.href = "/console/transfers/";
      document.querySelector(".console-tabs").after(banner);
    }
    banner.dataset.transferId = transfer.id;
    banner.textContent = "A caller is waiting for a person: " + (transfer.reason || "") + " — open Transfers";
  });

  document.addEventListener("DOMContentLoaded", connect);
})();
