/*
 * Positions in words: the nearest place ("2,3 km NO van Gouda") and the coordinates with a copy
 * button, on the board (Positions.node) and on the incident page (its poll's "monitor:incident" event).
 */
"use strict";

var Positions = (function () {
  var t = Monitor.t;
  var el = Monitor.el;

  // The clipboard API needs a secure context (HTTPS or localhost); elsewhere fall back to a selection copy.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { className: "copy-buffer", readonly: true });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      (ok ? resolve : reject)();
    });
  }

  function copyButton(text) {
    return el("button", { type: "button", className: "secondary copy-button", "data-copy": text, title: t("copy_coordinates"), text: t("copy") });
  }

  // One cell's content: the place in words, the coordinates and a copy button; "–" without a position.
  function node(position) {
    if (!position) return el("span", { className: "muted", text: "–" });
    return el("span", { className: "position-words" }, [
      el("span", { className: "position-place", text: position.place || t("no_place") }),
      el("code", { className: "position-coordinates", text: position.coordinates }),
      copyButton(position.coordinates),
    ]);
  }

  // Capture phase: a copy click inside a board row must not also open the incident.
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest("button[data-copy]");
      if (!button || !button.dataset.copy) return;
      event.stopPropagation();
      event.preventDefault();
      copyText(button.dataset.copy).then(
        function () {
          button.dataset.copied = "true";
          button.textContent = t("copied");
          window.setTimeout(function () {
            button.textContent = t("copy");
            delete button.dataset.copied;
          }, 2000);
        },
        function () {
          button.textContent = t("copy_failed");
        }
      );
    },
    true
  );

  // The incident page: show the incident's last position beside its facts.
  document.addEventListener("monitor:incident", function (event) {
    var panel = document.getElementById("inc-position");
    if (!panel) return;
    var incident = event.detail.data.incident;
    var position = incident.position;
    panel.hidden = !position;
    if (!position) return;
    document.getElementById("inc-position-place").textContent = position.place || t("no_place");
    document.getElementById("inc-position-coordinates").textContent = position.coordinates;
    document.getElementById("inc-position-at").textContent = incident.last_fix_at_local;
    var button = document.getElementById("inc-position-copy");
    if (!button.dataset.copied) button.dataset.copy = position.coordinates;
  });

  return { node: node, copyText: copyText };
})();
