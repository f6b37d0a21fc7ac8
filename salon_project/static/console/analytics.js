// Analytics charts (Chart.js from static/vendor), drawn from the page's #analytics-data JSON.
// New answers or escalations while the page is open reload it (at most every 10 seconds).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("analytics-data").textContent);
  const blue = "#417690", orange = "#e08a3c", red = "#ba2121", grey = "#8a9ba8";
  window.analyticsCharts = {};

  function bar(id, labels, datasets, stacked) {
    window.analyticsCharts[id] = new window.Chart(document.getElementById(id), {
      type: "bar",
      data: { labels, datasets },
      options: {
        responsive: true,
        animation: false,
        scales: { x: { stacked }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  bar("chart-days", data.days, [
    { label: "Answered by the AI", data: data.ai_answered, backgroundColor: blue },
    { label: "Escalated", data: data.escalated, backgroundColor: orange },
    { label: "Timeouts", data: data.timeouts, backgroundColor: red },
  ], false);
  bar("chart-tags", data.tags, [
    { label: "Escalated", data: data.tag_escalated, backgroundColor: orange },
    { label: "Timeouts", data: data.tag_timeouts, backgroundColor: red },
  ], false);
  bar("chart-supervisors", data.supervisors, [
    { label: "Answered", data: data.supervisor_answered, backgroundColor: blue },
    { label: "Median minutes to answer", data: data.supervisor_median, backgroundColor: grey },
  ], false);

  let reloadAt = 0;
  document.addEventListener("console:help_request", () => {
    const now = Date.now();
    if (now < reloadAt) return;
    reloadAt = now + 10000;
    setTimeout(() => location.reload(), 1000);
  });
})();
