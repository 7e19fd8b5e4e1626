/*
 * The incident board: poll the open incidents, render them, cue new high-priority ones.
 * Waiting times tick every second; an unacknowledged P1/P2 past its escalate_at turns
 * overdue (banner, sound, supervisor mark) without waiting for the next poll.
 * Undelivered police alerts are a banner with their age and a retry action.
 */
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
  var overdueBanner = document.getElementById("overdue-banner");
  var undeliveredBanner = document.getElementById("undelivered-banner");
  var undeliveredList = document.getElementById("undelivered-list");
  var skewMs = 0; // server clock minus this browser's clock
  var escalated = {}; // incident id -> true once its overdue cue has sounded
  var undeliveredSeen = null; // alert ids shown before; null until the first answer
  var lastData = null;
  var t = Monitor.t;
  var el = Monitor.el;

  function endpoint() {
    var params = new URLSearchParams(new FormData(filters));
    return table.dataset.endpoint + "?" + params.toString();
  }

  function cell(label, text, className) {
    return el("td", { "data-label": label, text: text, className: className });
  }

  function serverNow() {
    return Date.now() + skewMs;
  }

  function formatWait(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s % 60);
  }

  function isOverdue(incident) {
    return Boolean(incident.escalate_at) && serverNow() >= Date.parse(incident.escalate_at);
  }

  function waitingCell(incident) {
    var text = incident.waiting ? formatWait((serverNow() - Date.parse(incident.waiting_since)) / 1000) : "–";
    var node = cell(t("waiting"), text, "num waiting");
    if (incident.waiting) node.dataset.waitingSince = incident.waiting_since;
    return node;
  }

  function deliveryCell(incident) {
    return el("td", { "data-label": t("delivery"), className: "delivery" }, [
      el("span", { className: "badge delivery-" + incident.delivery_state, text: incident.delivery_label }),
    ]);
  }

  function renderRow(incident) {
    var link = el("a", { href: incident.url, text: incident.person || "–" });
    var classes = ["prio-" + incident.priority_class];
    if (freshUntil[incident.id] && freshUntil[incident.id] > Date.now()) classes.push("is-new");
    if (isOverdue(incident)) classes.push("is-overdue");
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
      el("td", { "data-label": t("position"), className: "position" }, [Positions.node(incident.position)]),
      cell(t("region"), incident.region_label, "region"),
      el("td", { "data-label": t("status"), className: "state" }, [
        el("span", { className: "badge state-" + incident.state, text: incident.state_label }),
        isOverdue(incident) ? el("span", { className: "supervisor-mark", text: t("supervisor") }) : null,
      ]),
      waitingCell(incident),
      deliveryCell(incident),
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

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }

  function alertAction(alertId, action) {
    return Monitor.postJson("/api/v1/alerts/" + alertId + "/" + action, {}).then(function () {
      poller.now();
    });
  }

  function renderUndelivered(alerts) {
    Monitor.clear(undeliveredList);
    var fresh = false;
    var known = {};
    alerts.forEach(function (alert) {
      known[alert.alert_id] = true;
      if (undeliveredSeen && !undeliveredSeen[alert.alert_id]) fresh = true;
      var age = (serverNow() - Date.parse(alert.created_at)) / 1000;
      var line = fill(t("undelivered_line"), {
        change: alert.change_label,
        id: alert.incident_id,
        age: formatWait(age),
        attempts: alert.attempts,
      });
      var item = el("li", { "data-alert-id": alert.alert_id, "data-created-at": alert.created_at }, [
        el("a", { href: alert.url, text: line, className: "undelivered-line" }),
        alert.seen_by ? el("span", { text: " · " + fill(t("undelivered_seen"), { who: alert.seen_by }) }) : null,
        el("button", { type: "button", className: "secondary", "data-action": "retry", text: t("retry") }),
        alert.seen_by ? null : el("button", { type: "button", "data-action": "seen", text: t("mark_seen") }),
      ]);
      undeliveredList.appendChild(item);
    });
    if (undeliveredSeen === null && alerts.length) fresh = true;
    undeliveredSeen = known;
    document.getElementById("undelivered-title").textContent = t("undelivered_title") + " (" + alerts.length + ")";
    undeliveredBanner.hidden = alerts.length === 0;
    return fresh;
  }

  // Every second: tick the waiting times and escalate rows whose escalate_at has passed.
  function tickWaiting() {
    if (!lastData) return;
    Array.prototype.forEach.call(rows.querySelectorAll("td.waiting[data-waiting-since]"), function (node) {
      node.textContent = formatWait((serverNow() - Date.parse(node.dataset.waitingSince)) / 1000);
    });
    Array.prototype.forEach.call(undeliveredList.querySelectorAll("li[data-created-at]"), function (item) {
      var link = item.querySelector(".undelivered-line");
      var age = formatWait((serverNow() - Date.parse(item.dataset.createdAt)) / 1000);
      link.textContent = link.textContent.replace(/\d+(:\d\d)+/, age);
    });
    var overdue = lastData.incidents.filter(isOverdue);
    var newly = overdue.filter(function (incident) {
      return !escalated[incident.id];
    });
    newly.forEach(function (incident) {
      escalated[incident.id] = true;
    });
    if (newly.length) {
      renderRows(lastData.incidents);
      Monitor.beep();
    }
    overdueBanner.textContent = t("overdue_banner") + " (" + overdue.length + ")";
    overdueBanner.hidden = overdue.length === 0;
  }

  function renderRows(incidents) {
    Monitor.clear(rows);
    incidents.forEach(function (incident) {
      rows.appendChild(renderRow(incident));
    });
  }

  function render(data) {
    skewMs = data.server_now ? Date.parse(data.server_now) - Date.now() : 0;
    lastData = data;
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
    renderRows(incidents);
    var undeliveredNew = renderUndelivered(data.undelivered || []);
    var unregioned = document.getElementById("unregioned-banner");
    unregioned.textContent = fill(t("unregioned"), { n: data.unregioned || 0 });
    unregioned.hidden = !data.unregioned;
    document.getElementById("incident-count").textContent = "(" + incidents.length + ")";
    document.getElementById("board-empty").hidden = incidents.length > 0;
    if (fresh.length) announce(fresh);
    if (fresh.length || undeliveredNew) Monitor.beep();
    tickWaiting();
  }

  window.setInterval(tickWaiting, 1000);

  undeliveredList.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    button.disabled = true;
    alertAction(button.closest("li").dataset.alertId, button.dataset.action);
  });

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
