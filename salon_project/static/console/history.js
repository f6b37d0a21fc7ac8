// History (/console/history/): counts the requests answered or timed out since the page was
// loaded and offers to reload, rather than moving the list under the reader's eyes.
(function () {
  "use strict";
  let handledSince = 0;

  document.addEventListener("console:help_request", (event) => {
    if (event.detail.action !== "resolved" && event.detail.action !== "timed_out") return;
    handledSince += event.detail.data.ids ? event.detail.data.ids.length : 1;  // a sweep sends many
    const news = document.querySelector(".history-news");
    news.querySelector("a").textContent = handledSince + " new — refresh";
    news.hidden = false;
  });
})();
