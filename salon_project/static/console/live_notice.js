// Pages that should not move under the reader's eyes (Learned answers, Calls' ended list) show
// "New changes — refresh" when a console event of one of their kinds arrives; see the element
// `.live-notice[data-live-kinds="kind another_kind"]`.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const notice = document.querySelector(".live-notice");
    if (!notice) return;
    for (const kind of notice.dataset.liveKinds.split(" ")) {
      document.addEventListener("console:" + kind, () => {
        notice.hidden = false;
      });
    }
  });
})();
