/* The device board: every monitored device, silent and tampered ones first. */
"use strict";

(function () {
  var table = document.getElementById("device-table");
  var rows = document.getElementById("device-rows");
  var t = Monitor.t;
  var el = Monitor.el;

  function cell(label, text, className) {
    return el("td", { "data-label": label, text: text === null || text === undefined ? "–" : String(text), className: className });
  }

  function linkCell(label, text, url, className) {
    if (!url || text === null || text === undefined) return cell(label, text, className);
    return el("td", { "data-label": label, className: className }, [el("a", { href: url, text: String(text) })]);
  }

  function renderRow(d) {
    return el("tr", { "data-device": d.device_id, className: "health-" + d.health }, [
      cell(t("device"), d.device_id, "device"),
      linkCell(t("person"), d.person, d.incident && d.incident.url, "person"),
      el("td", { "data-label": t("health"), className: "health" }, [
        el("span", { className: "badge health-badge", text: d.health_label }),
      ]),
      cell(t("last_contact"), d.last_contact_local + (d.silent_for ? " (" + d.silent_for + ")" : ""), "time"),
      cell(t("battery"), d.battery_pct === null ? null : d.battery_pct + "%", "num"),
      cell(t("strap"), d.strap_label, "strap"),
      cell(t("gps"), d.gps_label, "gps"),
      cell(t("vendor"), d.vendor, "vendor"),
      linkCell(t("open_incident"), d.incident ? d.incident.text : null, d.incident && d.incident.url, "incident"),
      linkCell(t("last_position"), d.last_position ? d.last_position.text : null, d.last_position && d.last_position.url, "position"),
    ]);
  }

  Monitor.poll(function () {
    return table.dataset.endpoint;
  }, Number(table.dataset.pollMs), function (data) {
    Monitor.clear(rows);
    data.devices.forEach(function (d) {
      rows.appendChild(renderRow(d));
    });
    document.getElementById("device-count").textContent = "(" + data.devices.length + ")";
    document.getElementById("devices-empty").hidden = data.devices.length > 0;
  });
})();
