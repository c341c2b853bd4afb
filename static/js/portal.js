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

  // Copy buttons ship hidden: without this script the link is a read-only field to select.
  function showCopyButtons(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function copyLink(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    field.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { showCopyButtons(document); });
  document.addEventListener("htmx:load", function (event) { showCopyButtons(event.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (button) {
      copyLink(button);
    }
  });

  // After htmx swaps the step in: errors first; else what the new content asks to focus (the
  // fix that "I'm stuck" opened, further down the page), brought into view; else the heading.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "step-content") {
      return;
    }
    var content = document.getElementById("step-content") || document;
    var wanted = content.querySelector("[autofocus]");
    if (wanted && !content.querySelector(".error-summary")) {
      wanted.focus({ preventScroll: true });
      wanted.scrollIntoView({ block: "start" });
      return;
    }
    focusStep(content);
    window.scrollTo(0, 0);
  });
})();
