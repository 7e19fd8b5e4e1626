/* The incident board: poll the open incidents, render them, cue new high-priority ones. */
"use strict";

(function () {
  var table = document.getElementById("incident-table");
  var rows = document.getElementById("incident-rows");
  var filters = document.getElementById("board-filters");
  var banner = document.getElementById("new-banner");
  var soundButton = document.getElementById("sound-toggle");
  var loadedAt = table.dataset.loadedAt;
  var seen = null; // ids shown before; null until the first answer
  var quiet = false; // after a filter change, the next answer is not "new"
  var freshUntil = {}; // id -> time until which the row stays highlighted
  var HIGHLIGHT_MS = 15000;
  var t = Monitor.t;
  var el = Monitor.el;

  function endpoint() {
    var params = new URLSearchParams(new FormData(filters));
    return table.dataset.endpoint + "?" + params.toString();
  }

  function cell(label, text, className) {
    return el("td", { "data-label": label, text: text, className: className });
  }

  function renderRow(incident) {
    var link = el("a", { href: incident.url, text: incident.person || "–" });
    var classes = ["prio-" + incident.priority_class];
    if (freshUntil[incident.id] && freshUntil[incident.id] > Date.now()) classes.push("is-new");
    var row = el("tr", { "data-incident-id": incident.id, "data-url": incident.url, className: classes.join(" ") }, [
      el("td", { "data-label": t("priority"), className: "prio" }, [
        el("span", { className: "prio-badge", text: incident.priority_label }),
      ]),
      cell(t("type"), incident.type_label, "type"),
      el("td", { "data-label": t("person"), className: "person" }, [link]),
      cell(t("risk"), incident.risk_label, "risk risk-" + incident.risk),
      cell(t("certainty"), incident.certainty_label, "certainty"),
      cell(t("distance"), Monitor.formatDistance(incident.distance_m), "num"),
      cell(t("eta"), Monitor.formatEta(incident.eta_min), "num"),
      cell(t("region"), incident.region_label, "region"),
      el("td", { "data-label": t("status"), className: "state" }, [
        el("span", { className: "badge state-" + incident.state, text: incident.state_label }),
      ]),
      cell(t("opened"), incident.opened_at_local, "time"),
      cell(t("assigned"), incident.assigned_to || "–", "assigned"),
    ]);
    return row;
  }

  function announce(incidents) {
    var names = incidents.map(function (i) {
      return i.type_label + " – " + (i.person || "?");
    });
    banner.textContent = t("new_incident") + ": " + names.join("; ");
    banner.hidden = false;
    document.title = "(" + incidents.length + ") " + document.title.replace(/^\(\d+\) /, "");
  }

  function render(data) {
    var incidents = data.incidents;
    var fresh = [];
    incidents.forEach(function (incident) {
      // Before the first answer, "new" means opened after the page was served.
      var isNew = quiet ? false : seen ? !seen[incident.id] : incident.opened_at > loadedAt;
      if (isNew) {
        freshUntil[incident.id] = Date.now() + HIGHLIGHT_MS;
        if (incident.is_high_priority) fresh.push(incident);
      }
    });
    quiet = false;
    seen = {};
    incidents.forEach(function (incident) {
      seen[incident.id] = true;
    });
    Monitor.clear(rows);
    incidents.forEach(function (incident) {
      rows.appendChild(renderRow(incident));
    });
    document.getElementById("incident-count").textContent = "(" + incidents.length + ")";
    document.getElementById("board-empty").hidden = incidents.length > 0;
    if (fresh.length) {
      announce(fresh);
      Monitor.beep();
    }
  }

  var poller = Monitor.poll(endpoint, Number(table.dataset.pollMs), render);

  filters.addEventListener("change", function () {
    var query = new URLSearchParams(new FormData(filters)).toString();
    window.history.replaceState(null, "", "?" + query);
    quiet = true;
    poller.now();
  });

  rows.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-url]");
    if (row && !event.target.closest("a")) window.location.href = row.dataset.url;
  });

  banner.addEventListener("click", function () {
    banner.hidden = true;
    document.title = document.title.replace(/^\(\d+\) /, "");
  });

  function showSound() {
    var on = Monitor.soundEnabled();
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    soundButton.textContent = on ? t("sound_on") : t("sound_off");
  }
  soundButton.addEventListener("click", function () {
    Monitor.setSound(!Monitor.soundEnabled());
    showSound();
  });
  showSound();
})();
