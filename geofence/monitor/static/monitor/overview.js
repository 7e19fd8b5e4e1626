/*
 * The overview map: open incidents (colour and size by priority) and the devices' last positions
 * (colour by state, faded when older than an hour), filtered by type and region. It polls like the
 * board, with the board's fingerprint ETag: an unchanged map costs a bodiless 304.
 */
"use strict";

(function () {
  var root = document.getElementById("overview");
  var filters = document.getElementById("map-filters");
  var t = Monitor.t;
  var state = IncidentMap.create(
    document.getElementById("overview-map"),
    root.dataset.tileUrl,
    root.dataset.tileAttribution,
    root.dataset.tileSubdomains
  );
  var devices = L.featureGroup().addTo(state.map);
  var incidents = L.featureGroup().addTo(state.map); // added last: incidents draw above devices
  var skewMs = 0;
  var STALE_S = 3600;
  var RADIUS = { critical: 13, high: 11, medium: 9, low: 7 };
  var COLOUR = { critical: "#b3261e", high: "#c25e00", medium: "#f2c200", low: "#5f6b76" };
  var HEALTH_COLOUR = { ok: "#0b6b3a", warning: "#f2c200", silent: "#5f6b76", tampered: "#7b1fa2" };

  function endpoint() {
    return root.dataset.endpoint + "?" + new URLSearchParams(new FormData(filters)).toString();
  }

  function age(device) {
    var seconds = Math.max(0, (Date.now() + skewMs - Date.parse(device.fix_at)) / 1000);
    if (seconds < 90) return Math.round(seconds) + " s";
    if (seconds < 5400) return Math.round(seconds / 60) + " min";
    return Math.round(seconds / 3600) + " " + t("hours");
  }

  function tag(layer, name, value) {
    var node = layer.getElement();
    if (node) node.setAttribute(name, value);
  }

  function drawDevice(device) {
    var stale = device.age_s > STALE_S;
    var layer = L.circleMarker([device.lat, device.lon], {
      radius: device.health === "ok" ? 5 : 7,
      className: "device-point health-" + device.health + (stale ? " is-stale" : ""),
      color: device.health === "tampered" ? "#111" : "#fff",
      weight: device.health === "ok" ? 1 : 2,
      fillColor: HEALTH_COLOUR[device.health],
      fillOpacity: stale ? 0.35 : 0.95,
    }).bindTooltip(function () {
      return [device.device_id, device.person, device.health_label, device.fix_at_local + " (" + age(device) + ")"]
        .filter(Boolean)
        .join(" · ");
    });
    devices.addLayer(layer);
    tag(layer, "data-device-id", device.device_id);
  }

  function drawIncident(incident) {
    var layer = L.circleMarker([incident.lat, incident.lon], {
      radius: RADIUS[incident.priority_class],
      className: "incident-point prio-" + incident.priority_class,
      color: "#111",
      weight: 2,
      fillColor: COLOUR[incident.priority_class],
      fillOpacity: 0.9,
    }).bindTooltip(
      [incident.priority_label + " " + incident.type_label, incident.person, incident.place, incident.at_local]
        .filter(Boolean)
        .join(" · ")
    );
    layer.on("click", function () {
      window.location.href = incident.url;
    });
    incidents.addLayer(layer);
    tag(layer, "data-incident-id", incident.id);
    tag(layer, "data-priority", incident.priority);
  }

  function render(data) {
    skewMs = data.server_now ? Date.parse(data.server_now) - Date.now() : 0;
    incidents.clearLayers();
    devices.clearLayers();
    data.devices.forEach(drawDevice);
    // Lowest priority first, so P1 lies on top where markers overlap.
    data.incidents.slice().reverse().forEach(drawIncident);
    var text = data.incidents.length + " " + t("incidents");
    if (data.unplaced) text += " (" + data.unplaced + " " + t("without_position") + ")";
    document.getElementById("map-counts").textContent = "(" + text + " · " + data.devices.length + " " + t("devices") + ")";
    root.dataset.incidents = String(data.incidents.length);
    root.dataset.devices = String(data.devices.length);
    if (!state.fitted && (data.incidents.length || data.devices.length)) {
      var bounds = L.featureGroup([incidents, devices]).getBounds();
      state.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 13, animate: false });
      state.fitted = true;
    }
  }

  var poller = Monitor.poll(endpoint, Number(root.dataset.pollMs), render);

  filters.addEventListener("change", function () {
    window.history.replaceState(null, "", "?" + new URLSearchParams(new FormData(filters)).toString());
    poller.now();
  });
})();
