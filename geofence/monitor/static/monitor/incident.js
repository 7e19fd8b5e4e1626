/* The incident page: poll the incident, draw it, and send operator actions with the seen version. */
"use strict";

(function () {
  var root = document.getElementById("incident");
  var t = Monitor.t;
  var el = Monitor.el;
  var mapState = IncidentMap.create(
    document.getElementById("map"),
    root.dataset.tileUrl,
    root.dataset.tileAttribution,
    root.dataset.tileSubdomains
  );
  var current = null; // the last incident answer shown: its version is what the operator saw
  var ownVersion = null; // the version our own last action produced

  function facts(container, pairs) {
    Monitor.clear(container);
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      container.appendChild(el("dt", { text: pair[0] }));
      container.appendChild(el("dd", { text: String(pair[1]), className: pair[2] }));
    });
  }

  function renderSummary(inc) {
    var state = document.getElementById("inc-state");
    state.textContent = inc.state_label;
    state.className = "badge state-" + inc.state;
    document.getElementById("inc-title").textContent = inc.type_label + " · " + (inc.person || "");
    facts(document.getElementById("inc-facts"), [
      [t("priority"), inc.priority_label, "prio-" + inc.priority_class],
      [t("risk"), inc.risk_label],
      [t("certainty"), inc.certainty_label],
      [t("distance"), Monitor.formatDistance(inc.distance_m)],
      [t("eta"), Monitor.formatEta(inc.eta_min)],
      [t("last_fix"), inc.last_fix_at_local],
      [t("opened"), inc.opened_at_local],
      [t("region"), inc.region_label],
      [t("assigned"), inc.assigned_to || "–"],
    ]);
  }

  function renderDeliveries(deliveries) {
    var list = document.getElementById("inc-deliveries");
    Monitor.clear(list);
    if (!deliveries.length) list.appendChild(el("li", { className: "muted", text: t("no_alerts") }));
    deliveries.forEach(function (d) {
      list.appendChild(
        el("li", { className: "delivery delivery-" + d.state, "data-alert-id": d.alert_id }, [
          el("span", { className: "badge delivery-badge", text: d.state_label }),
          el("span", { text: " " + d.change_label + " · " + d.created_at_local }),
          d.detail ? el("div", { className: "muted small", text: d.detail }) : null,
        ])
      );
    });
  }

  function renderTimeline(events) {
    var list = document.getElementById("inc-timeline");
    Monitor.clear(list);
    events.forEach(function (e) {
      list.appendChild(
        el("li", { "data-kind": e.kind }, [
          el("time", { datetime: e.at, text: e.at_local }),
          el("strong", { text: " " + e.kind_label }),
          el("span", { text: e.actor ? " · " + e.actor : "" }),
          e.text ? el("div", { className: "note", text: e.text }) : null,
        ])
      );
    });
  }

  function renderOperators(operators, assignedId) {
    var select = document.getElementById("assign-operator");
    if (select.dataset.filled === "1" && document.activeElement === select) return;
    Monitor.clear(select);
    operators.forEach(function (op) {
      select.appendChild(el("option", { value: op.id, text: op.name, selected: op.id === assignedId }));
    });
    select.dataset.filled = "1";
  }

  function renderActions(allowed) {
    document.querySelectorAll("#actions [data-action]").forEach(function (node) {
      var enabled = allowed.indexOf(node.dataset.action) !== -1;
      node.querySelectorAll("button, select, textarea").forEach(function (control) {
        control.disabled = !enabled;
      });
      if (node.tagName === "BUTTON") node.disabled = !enabled;
    });
  }

  function noticeChange(data) {
    var notice = document.getElementById("change-notice");
    if (current && data.incident.version !== current.incident.version && data.incident.version !== ownVersion) {
      notice.textContent = data.changed_notice;
      notice.hidden = false;
    }
  }

  function render(data) {
    noticeChange(data);
    current = data;
    renderSummary(data.incident);
    renderDeliveries(data.deliveries);
    renderTimeline(data.timeline);
    renderOperators(data.operators, data.incident.assigned_to_id);
    renderActions(data.allowed_actions);
    facts(document.getElementById("inc-device"), data.device.facts);
    facts(document.getElementById("inc-ban"), data.ban.facts);
    IncidentMap.draw(mapState, data.map);
    root.dataset.version = String(data.incident.version);
    // Position words and the track replay (positions.js, replay.js) follow the same poll.
    document.dispatchEvent(new CustomEvent("monitor:incident", { detail: { data: data, map: mapState.map } }));
  }

  var poller = Monitor.poll(function () {
    return root.dataset.endpoint;
  }, Number(root.dataset.pollMs), render);

  function showError(message) {
    document.getElementById("action-error-text").textContent = message;
    document.getElementById("action-error").hidden = false;
  }

  function act(action, fields) {
    if (!current) return;
    var body = Object.assign({ version: current.incident.version }, fields);
    document.getElementById("action-error").hidden = true;
    return Monitor.postJson(root.dataset.actionBase + action + "/", body).then(function (result) {
      if (result.status === 200) {
        ownVersion = result.data.incident.version;
        document.getElementById("change-notice").hidden = true;
        render(result.data);
        document.dispatchEvent(new CustomEvent("monitor:casework-changed"));
        return true;
      }
      showError(result.data.detail || "HTTP " + result.status);
      return false;
    });
  }

  document.querySelectorAll("#actions button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.action === "escalate" && !window.confirm(t("confirm_escalate"))) return;
      act(button.dataset.action, {});
    });
  });

  document.querySelectorAll("#actions form[data-action]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = Object.fromEntries(new FormData(form).entries());
      act(form.dataset.action, fields).then(function (ok) {
        if (ok && form.dataset.action === "note") form.reset();
      });
    });
  });

  // The casework panel's writes show in the timeline; its own state may follow this page's actions.
  document.addEventListener("monitor:incident-changed", function () {
    poller.now();
  });

  document.getElementById("reload-button").addEventListener("click", function () {
    window.location.reload();
  });
})();
