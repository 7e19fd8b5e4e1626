/*
 * Track replay on the incident page: a time slider over the incident's track. The marker and its
 * accuracy circle follow the slider; the readout shows the fix's time, speed, accuracy and place;
 * zone entries and exits and approach pre-alerts are marked on the map and under the slider.
 * Play steps through the track at 10, 60 or 300 times real time. The replay JSON is fetched again
 * only when the incident's poll shows a new last fix.
 */
"use strict";

(function () {
  var root = document.getElementById("replay");
  if (!root) return;
  var t = Monitor.t;
  var el = Monitor.el;
  var slider = document.getElementById("replay-slider");
  var playButton = document.getElementById("replay-play");
  var tempo = document.getElementById("replay-tempo");
  var map = null;
  var layers = null;
  var marker = null;
  var accuracy = null;
  var fixes = [];
  var trackKey = null; // the last fix the replay was fetched for
  var etag = null;
  var follow = true; // at the newest fix until the operator moves the slider
  var timer = null;
  var clock = null; // replay time in ms while playing
  var TICK_MS = 100;

  function formatSpeed(fix) {
    if (fix.speed_kmh === null || fix.speed_kmh === undefined) return "–";
    var text = fix.speed_kmh.toFixed(1).replace(".", t("decimal_mark")) + " " + t("kmh");
    return fix.speed_measured ? text : text + " (" + t("speed_computed") + ")";
  }

  function show(index) {
    var fix = fixes[index];
    if (!fix) return;
    slider.value = String(index);
    root.dataset.index = String(index);
    var at = [fix.lat, fix.lon];
    marker.setLatLng(at);
    accuracy.setLatLng(at).setRadius(fix.accuracy_m || 0);
    document.getElementById("replay-time").textContent = fix.at_local;
    document.getElementById("replay-speed").textContent = formatSpeed(fix);
    document.getElementById("replay-accuracy").textContent = "±" + Math.round(fix.accuracy_m || 0) + " m";
    document.getElementById("replay-place").textContent = (fix.place ? fix.place + " · " : "") + fix.coordinates;
  }

  function markerStyle(kind) {
    var colours = { enter: "#b3261e", exit: "#0b6b3a", approach: "#c25e00" };
    return { radius: 7, className: "replay-event replay-" + kind, color: "#111", weight: 1, fillColor: colours[kind], fillOpacity: 1 };
  }

  function drawEvents(markers) {
    var list = document.getElementById("replay-events");
    var ticks = document.getElementById("replay-ticks");
    Monitor.clear(list);
    Monitor.clear(ticks);
    markers.forEach(function (m) {
      var fix = fixes[m.index];
      layers.addLayer(L.circleMarker([fix.lat, fix.lon], markerStyle(m.kind)).bindTooltip(fix.at_local + " · " + m.label));
      var left = fixes.length > 1 ? (100 * m.index) / (fixes.length - 1) : 0;
      var tick = el("span", { className: "tick tick-" + m.kind, title: m.label });
      tick.style.left = left + "%"; // CSSOM, not a style attribute: the CSP allows no inline style
      ticks.appendChild(tick);
      var item = el("li", { "data-index": m.index, "data-kind": m.kind }, [
        el("button", { type: "button", className: "linkish", text: fix.at_local + " · " + m.label }),
      ]);
      list.appendChild(item);
    });
  }

  function draw(data) {
    fixes = data.fixes;
    root.hidden = fixes.length === 0;
    if (!fixes.length) return;
    if (!layers) {
      layers = L.layerGroup().addTo(map);
      accuracy = L.circle([fixes[0].lat, fixes[0].lon], { radius: 0, className: "replay-accuracy", color: "#1d5fbf", weight: 1, fillOpacity: 0.12, interactive: false }).addTo(map);
      marker = L.circleMarker([fixes[0].lat, fixes[0].lon], { radius: 9, className: "replay-marker", color: "#fff", weight: 3, fillColor: "#1d5fbf", fillOpacity: 1 }).addTo(map);
    }
    layers.clearLayers();
    slider.max = String(fixes.length - 1);
    drawEvents(data.markers);
    show(follow ? fixes.length - 1 : Math.min(Number(slider.value), fixes.length - 1));
  }

  function load() {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(root.dataset.endpoint, { headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status === 304 || !response.ok) return;
      etag = response.headers.get("ETag");
      return response.json().then(draw);
    });
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
    playButton.setAttribute("aria-pressed", "false");
    playButton.textContent = t("replay_play");
  }

  function step() {
    clock += TICK_MS * Number(tempo.value);
    var index = Number(slider.value);
    while (index + 1 < fixes.length && Date.parse(fixes[index + 1].at) <= clock) index += 1;
    show(index);
    if (index >= fixes.length - 1) stop();
  }

  function play() {
    if (!fixes.length) return;
    follow = false;
    if (Number(slider.value) >= fixes.length - 1) show(0);
    clock = Date.parse(fixes[Number(slider.value)].at);
    playButton.setAttribute("aria-pressed", "true");
    playButton.textContent = t("replay_pause");
    timer = window.setInterval(step, TICK_MS);
  }

  slider.addEventListener("input", function () {
    follow = Number(slider.value) >= fixes.length - 1;
    if (timer) stop();
    show(Number(slider.value));
  });

  playButton.addEventListener("click", function () {
    if (timer) stop();
    else play();
  });

  document.getElementById("replay-events").addEventListener("click", function (event) {
    var item = event.target.closest("li[data-index]");
    if (!item) return;
    follow = false;
    if (timer) stop();
    show(Number(item.dataset.index));
  });

  document.addEventListener("monitor:incident", function (event) {
    map = event.detail.map;
    var last = event.detail.data.map.last_fix;
    var key = last ? last.lat + "," + last.lon + "," + last.at_local : "none";
    if (key === trackKey) return;
    trackKey = key;
    load();
  });
})();
