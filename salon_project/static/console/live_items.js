// A console list the server renders and this script keeps current: every element
// `[data-items-url][data-live-kinds="call inbound_text …"]` is re-read from its items URL whenever
// a console event of one of those kinds arrives (one fetch at a time; an event arriving meanwhile
// asks for one more), and after every reconnect. Used by Calls and the caller conversation page.
(function () {
  "use strict";

  function keepCurrent(items) {
    let busy = false;
    let again = false;

    async function refresh() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const response = await fetch(items.dataset.itemsUrl, { headers: { Accept: "text/html" } });
          if (response.ok) items.innerHTML = await response.text();
        } while (again);
      } catch (error) {
        // offline: the next "connected" refreshes
      } finally {
        busy = false;
      }
    }

    for (const kind of items.dataset.liveKinds.split(" ")) {
      document.addEventListener("console:" + kind, refresh);
    }
    document.addEventListener("console:console", (event) => {
      if (event.detail.action === "connected") refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-items-url][data-live-kinds]").forEach(keepCurrent);
  });
})();
