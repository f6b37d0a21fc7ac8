// The live queue (/console/).
//
// The server renders the cards; on every "console:help_request" event (and after every
// reconnect) this script re-reads them from data-items-url and merges them in: new cards
// appear, handled ones leave, the order follows urgency, and a card's answer form (with the
// draft and focus in it) is kept. A card someone else answered, or that timed out, moves to
// "Just handled" with a notice saying so. An urgent request beeps and shows in the tab's title.
(function () {
  "use strict";

  const AUTO_DISMISS_MS = 60000; // a handled card without a draft of ours leaves after this
  const baseTitle = document.title;
  const urgent = new Set(); // ids of urgent requests that arrived here and are not seen or handled yet
  const sending = new Set(); // ids this page is answering right now
  let root, list, handled, status;

  // --- Reading the list ----------------------------------------------------------------------

  let refreshing = null;
  let refreshAgain = false;

  // One refresh at a time; events arriving meanwhile ask for exactly one more.
  function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = fetch(root.dataset.itemsUrl, { headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html !== null) merge(html);
      })
      .catch(() => {}) // offline: the next "connected" refreshes
      .finally(() => {
        refreshing = null;
        if (refreshAgain) {
          refreshAgain = false;
          refresh();
        }
      });
  }

  function merge(html) {
    const fresh = document.createElement("div");
    fresh.innerHTML = html;
    const active = document.activeElement;
    const selection = active && active.tagName === "TEXTAREA" ? [active.selectionStart, active.selectionEnd] : null;
    const nextIds = new Set(Array.from(fresh.querySelectorAll(".queue-card"), (card) => card.dataset.id));
    for (const card of list.querySelectorAll(".queue-card")) {
      if (!nextIds.has(card.dataset.id) && draftOf(card) && !sending.has(card.dataset.id)) {
        hold(card, "This request is no longer waiting (answered or timed out elsewhere); see History.", false);
      }
    }
    const cards = Array.from(fresh.children, (card) => {
      const kept = card.dataset.id && findCard(list, card.dataset.id);
      if (!kept) return card;
      kept.querySelector(".queue-card-info").replaceWith(card.querySelector(".queue-card-info"));
      kept.className = card.className;
      return kept;
    });
    list.replaceChildren(...cards);
    if (active && active.isConnected && document.activeElement !== active) {
      active.focus();
      if (selection) active.setSelectionRange(selection[0], selection[1]);
    }
    tick();
  }

  function findCard(where, id) {
    return where.querySelector('.queue-card[data-id="' + id + '"]');
  }

  function draftOf(card) {
    const textarea = card.querySelector("textarea");
    return textarea ? textarea.value.trim() : "";
  }

  // --- Handled cards ---------------------------------------------------------------------------

  // Move `card` to "Just handled" with `message`; `closed` disables its form (answered already).
  function hold(card, message, closed) {
    card.classList.add("is-handled");
    card.querySelectorAll("textarea, input, button[type=submit]").forEach((field) => (field.disabled = closed));
    notice(card, message);
    if (!card.querySelector(".queue-dismiss")) {
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button queue-dismiss";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", () => forget(card));
      card.querySelector(".queue-card-head").append(dismiss);
    }
    handled.prepend(card);
    handled.hidden = false;
    clearTimeout(card.dismissTimer);
    card.dismissTimer = setTimeout(() => {
      if (!draftOf(card) || closed) forget(card);
    }, AUTO_DISMISS_MS);
  }

  function forget(card) {
    clearTimeout(card.dismissTimer);
    card.remove();
    handled.hidden = !handled.querySelector(".queue-card");
  }

  function notice(card, message) {
    const paragraph = card.querySelector(".queue-notice");
    paragraph.textContent = message;
    paragraph.hidden = !message;
  }

  // --- Answering ---------------------------------------------------------------------------

  async function submitAnswer(form) {
    const card = form.closest(".queue-card");
    const id = card.dataset.id;
    const button = form.querySelector("button[type=submit]");
    sending.add(id);
    button.disabled = true;
    notice(card, "");
    let response = null;
    let body = {};
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": window.consoleCsrfToken(), Accept: "application/json" },
      });
      if ((response.headers.get("Content-Type") || "").includes("application/json")) body = await response.json();
    } catch (error) {
      response = null;
    }
    sending.delete(id);
    button.disabled = false;
    if (response && response.ok && body.detail) {
      forget(card);
      status.textContent = body.detail;
      handle(id);
      refresh();
    } else if (response && response.status === 409) {
      hold(card, body.detail, true);
    } else if (response && body.detail) {
      notice(card, body.detail);
    } else {
      notice(card, "The answer was not sent: the server could not be reached or your login expired. Reload the page and try again.");
    }
  }

  // --- Urgent alerts -----------------------------------------------------------------------------

  let audio = null;

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.25, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.7);
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.7);
    } catch (error) {
      // No sound (no audio device, or autoplay refused): the title still says it.
    }
  }

  function alertUrgent(data) {
    urgent.add(String(data.id));
    showUrgentCount();
    beep();
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      new Notification("Urgent help request #" + data.id, { body: data.question });
    }
  }

  function handle(id) {
    urgent.delete(String(id));
    showUrgentCount();
  }

  function showUrgentCount() {
    document.title = urgent.size ? "(" + urgent.size + ") URGENT — " + baseTitle : baseTitle;
  }

  function offerDesktopAlerts() {
    const button = root.querySelector(".queue-notify");
    if (!("Notification" in window) || Notification.permission !== "default") return;
    button.hidden = false;
    button.addEventListener("click", () => {
      beep(); // a click lets the page play sound from now on
      Notification.requestPermission().finally(() => (button.hidden = true));
    });
  }

  // --- Countdown ---------------------------------------------------------------------------------

  function tick() {
    for (const clock of list.querySelectorAll(".queue-countdown")) {
      if (clock.dataset.paused) continue; // the salon is closed: working time stands still
      if (clock.dataset.countingUntil && !clock.dataset.closes) {
        clock.dataset.closes = Date.now() + Number(clock.dataset.countingUntil) * 1000;
      }
      if (clock.dataset.closes && Date.now() >= Number(clock.dataset.closes)) {
        clock.dataset.paused = "1";
        refresh(); // closing time: the server shows the clock stopped until the next opening
        return;
      }
      if (!clock.dataset.deadline) clock.dataset.deadline = Date.now() + Number(clock.dataset.secondsLeft) * 1000;
      const seconds = Math.max(0, Math.round((Number(clock.dataset.deadline) - Date.now()) / 1000));
      clock.textContent = seconds ? timeLeft(seconds) + " left" : "timing out…";
      clock.classList.toggle("is-due-soon", seconds < 300);
    }
  }

  function timeLeft(seconds) {
    const minutes = Math.floor(seconds / 60);
    if (minutes >= 60) return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min";
    return minutes + ":" + String(seconds % 60).padStart(2, "0");
  }

  // --- Wiring ------------------------------------------------------------------------------------

  document.addEventListener("console:help_request", (event) => {
    const { action, data } = event.detail;
    if (action === "created" && data.priority === "urgent") alertUrgent(data);
    // One sweep times out many requests in one event (`ids`); everything else is one (`id`).
    const ids = action === "timed_out" ? data.ids.map(String) : [String(data.id)];
    if (action === "resolved" || action === "timed_out") {
      for (const id of ids) {
        handle(id);
        const card = !sending.has(id) && (findCard(list, id) || findCard(handled, id));
        if (card && action === "resolved") {
          hold(card, "Answered by " + data.answered_by + ": “" + data.answer + "”", true);
        } else if (card) {
          hold(card, "Timed out: the caller was told we would get back to them. A late answer is still texted to them.", false);
        }
      }
    }
    refresh();
  });

  document.addEventListener("console:console", (event) => {
    if (event.detail.action === "connected") refresh();
  });

  document.addEventListener("DOMContentLoaded", () => {
    root = document.querySelector(".queue");
    list = root.querySelector(".queue-items");
    handled = root.querySelector(".queue-handled");
    status = root.querySelector(".queue-status");
    root.addEventListener("submit", (event) => {
      if (!event.target.matches(".queue-answer")) return;
      event.preventDefault();
      submitAnswer(event.target);
    });
    window.addEventListener("focus", () => {
      urgent.clear();
      showUrgentCount();
    });
    offerDesktopAlerts();
    tick();
    setInterval(tick, 1000);
  });
})();
