// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary (GOV.UK pattern) or to the new heading after htmx swaps
  // the step, so screen reader and keyboard users land where the page changed.
  function focusStep(root) {
    var target = root.querySelector(".error-summary") || root.querySelector("h1");
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "step-content") {
      focusStep(document.getElementById("step-content") || document);
      window.scrollTo(0, 0);
    }
  });
})();
