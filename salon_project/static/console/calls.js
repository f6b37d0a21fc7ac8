// The Calls page re-reads its lists whenever a call starts, speaks or ends (one fetch at a
// time; an event arriving meanwhile asks for one more), and after every reconnect.
(function () {
  "use strict";
  const items = document.getElementById("call-items");
  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    do {
      again = false;
      const response = await fetch(items.dataset.itemsUrl);
      if (response.ok) items.innerHTML = await response.text();
    } while (again);
    busy = false;
  }

  document.addEventListener("console:call", refresh);
  document.addEventListener("console:console", (event) => {
    if (event.detail.action === "connected") refresh();
  });
})();
