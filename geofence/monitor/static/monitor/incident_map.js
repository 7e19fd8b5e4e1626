/* The incident map: zones, protected location, track with accuracy circles, last fix. */
"use strict";

var IncidentMap = (function () {
  // subdomains: "a,b,c" for a {s} in the URL (config/csp.py admits each expanded host).
  function create(container, tileUrl, attribution, subdomains) {
    var map = L.map(container, { zoomSnap: 0.5, attributionControl: Boolean(tileUrl) });
    if (tileUrl) {
      var options = { maxZoom: 19, attribution: attribution };
      if (subdomains) options.subdomains = subdomains.split(",");
      L.tileLayer(tileUrl, options).addTo(map);
    } else {
      // No tile server configured: a plain background, so the map works offline.
      container.classList.add("plain-map");
    }
    map.setView([52.2, 5.3], 7); // the Netherlands, until there is something to fit
    L.control.scale({ imperial: false, maxWidth: 160 }).addTo(map);
    var layers = L.featureGroup().addTo(map);
    return { map: map, layers: layers, fitted: false };
  }

  function zoneLayer(zone) {
    var style = { className: "zone-path zone-" + zone.kind, color: "#b3261e", weight: 2, fillOpacity: 0.08 };
    if (zone.kind === "presence") style.color = "#1d5fbf";
    if (zone.shape === "circle") return L.circle([zone.lat, zone.lon], Object.assign({ radius: zone.radius_m }, style));
    return L.geoJSON(zone.geojson, { style: function () { return style; } });
  }

  function trackLayers(track) {
    var group = [];
    var line = track.map(function (fix) {
      return [fix.lat, fix.lon];
    });
    if (line.length > 1) group.push(L.polyline(line, { className: "track-path", color: "#5b2a86", weight: 3 }));
    track.forEach(function (fix) {
      if (fix.accuracy_m) {
        group.push(
          L.circle([fix.lat, fix.lon], {
            radius: fix.accuracy_m,
            className: "accuracy-path",
            color: "#5b2a86",
            weight: 1,
            opacity: 0.4,
            fillOpacity: 0.06,
            interactive: false,
          })
        );
      }
      group.push(
        L.circleMarker([fix.lat, fix.lon], { radius: 3, className: "fix-point", color: "#5b2a86", fillOpacity: 1 })
          .bindTooltip(fix.at_local + " · ±" + Math.round(fix.accuracy_m || 0) + " m")
      );
    });
    return group;
  }

  function draw(state, data) {
    state.layers.clearLayers();
    data.zones.forEach(function (zone) {
      state.layers.addLayer(zoneLayer(zone).bindTooltip(zone.label));
    });
    if (data.protected) {
      state.layers.addLayer(
        L.circleMarker([data.protected.lat, data.protected.lon], {
          radius: 7,
          className: "protected-point",
          color: "#0b6b3a",
          fillOpacity: 0.9,
        }).bindTooltip(data.protected.label)
      );
    }
    trackLayers(data.track).forEach(function (layer) {
      state.layers.addLayer(layer);
    });
    if (data.last_fix) {
      state.layers.addLayer(
        L.circleMarker([data.last_fix.lat, data.last_fix.lon], {
          radius: 8,
          className: "last-fix-point",
          color: "#111",
          fillColor: "#f2c200",
          fillOpacity: 1,
          weight: 2,
        }).bindTooltip(data.last_fix.label, { permanent: true, direction: "right" })
      );
    }
    // Fit once: later polls must not yank the view away from where the operator zoomed.
    if (!state.fitted && state.layers.getLayers().length) {
      state.map.fitBounds(state.layers.getBounds(), { padding: [20, 20], maxZoom: 16 });
      state.fitted = true;
    }
  }

  return { create: create, draw: draw };
})();
