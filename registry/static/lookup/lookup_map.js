/* The ban's zone on the officer's phone, and "where am I?" against it.
 *
 * The zones come from a json_script block (never executed); the phone's position
 * stays in the browser: nothing is sent to the server. The answer is judged
 * against the rings as need-to-know gives them (docs/need-to-know.md):
 * inside the inner circle is certainly inside, outside the outer circle
 * certainly outside, in between uncertain; the phone's own accuracy widens
 * the uncertain band.
 */
(function () {
  "use strict";

  const EARTH_RADIUS_M = 6371008.8;
  // Haversine on a sphere differs from the ellipsoid by well under 0.5 %: keep that as margin.
  const SPHERE_MARGIN = 0.005;

  function toRad(deg) { return (deg * Math.PI) / 180; }

  function distanceM(lat1, lon1, lat2, lon2) {
    const dLat = toRad(lat2 - lat1);
    const dLon = toRad(lon2 - lon1);
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  // Metres east/north of a reference point: flat enough for the edge distance of a zone in one city.
  function project(lat, lon, ref) {
    return [toRad(lon - ref[1]) * EARTH_RADIUS_M * Math.cos(toRad(ref[0])), toRad(lat - ref[0]) * EARTH_RADIUS_M];
  }

  function segmentDistance(p, a, b) {
    const dx = b[0] - a[0], dy = b[1] - a[1];
    const length2 = dx * dx + dy * dy;
    const t = length2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2)) : 0;
    return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
  }

  function rings(geometry) {
    if (geometry.type === "Polygon") return geometry.coordinates;
    if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
    return [];
  }

  function geometries(geojson) {
    if (geojson.type === "FeatureCollection") return geojson.features.map((f) => f.geometry);
    if (geojson.type === "Feature") return [geojson.geometry];
    return [geojson];
  }

  // Even-odd rule over all rings (holes included); and the distance to the nearest edge in metres.
  function polygonPosition(geojson, lat, lon) {
    const here = [0, 0];
    let inside = false;
    let edge = Infinity;
    for (const geometry of geometries(geojson)) {
      for (const ring of rings(geometry)) {
        const pts = ring.map(([x, y]) => project(y, x, [lat, lon]));
        for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
          const [xi, yi] = pts[i], [xj, yj] = pts[j];
          if (yi > 0 !== yj > 0 && 0 < ((xj - xi) * (0 - yi)) / (yj - yi) + xi) inside = !inside;
          edge = Math.min(edge, segmentDistance(here, pts[j], pts[i]));
        }
      }
    }
    return { inside, edge };
  }

  /* Return "inside", "outside" or "uncertain" for a position with the given accuracy (m). */
  function judge(zone, lat, lon, accuracy) {
    if (zone.shape === "circle") {
      const c = zone.circle.centre;
      const d = distanceM(lat, lon, c.lat, c.lon);
      const inner = zone.inner_radius_m != null ? zone.inner_radius_m : zone.circle.radius_m;
      const outer = zone.outer_radius_m != null ? zone.outer_radius_m : zone.circle.radius_m;
      if (d + accuracy < inner * (1 - SPHERE_MARGIN)) return "inside";
      if (d - accuracy > outer * (1 + SPHERE_MARGIN)) return "outside";
      return "uncertain";
    }
    const { inside, edge } = polygonPosition(zone.geojson, lat, lon);
    if (edge <= accuracy) return "uncertain";
    if (!inside) return "outside";
    // A coarse box only bounds the real zone from outside: inside the box is "possibly".
    return zone.precision === "coarse" ? "uncertain" : "inside";
  }

  function draw(element, zone) {
    const map = L.map(element, { attributionControl: Boolean(element.dataset.tileUrl), zoomControl: true });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
    // A circle knows its bounds only once on a map with a view: fit to the outer radius first.
    if (zone.shape === "circle") {
      const centre = L.latLng(zone.circle.centre.lat, zone.circle.centre.lon);
      const outer = zone.outer_radius_m != null ? zone.outer_radius_m : zone.circle.radius_m;
      map.fitBounds(centre.toBounds(2 * outer), { padding: [12, 12] });
      if (zone.inner_radius_m != null) {
        L.circle(centre, { radius: zone.outer_radius_m, className: "zone-outer", dashArray: "6 6", weight: 2 }).addTo(map);
        L.circle(centre, { radius: zone.inner_radius_m, className: "zone-inner", weight: 2 }).addTo(map);
      } else {
        L.circle(centre, { radius: zone.circle.radius_m, className: "zone-exact", weight: 2 }).addTo(map);
      }
      return map;
    }
    const style = { weight: 2, className: zone.precision === "coarse" ? "zone-outer" : "zone-exact" };
    const layer = L.geoJSON(zone.geojson, { style: style }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    return map;
  }

  function whereAmI(button, zone, map) {
    const answer = button.parentElement.querySelector(".where-answer");
    const say = (state, text) => {
      answer.className = "where-answer where-" + state;
      answer.textContent = text;
      answer.dataset.state = state;
    };
    if (!navigator.geolocation) {
      say("error", button.dataset.unavailable);
      return;
    }
    say("busy", button.dataset.busy);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude, accuracy } = position.coords;
        const state = judge(zone, latitude, longitude, accuracy || 0);
        say(state, button.dataset[state] + " (± " + Math.round(accuracy || 0) + " m)");
        if (map) {
          if (map._whereMarker) map.removeLayer(map._whereMarker);
          map._whereMarker = L.circleMarker([latitude, longitude], { radius: 7, className: "where-me" }).addTo(map);
        }
      },
      () => say("error", button.dataset.denied),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
    );
  }

  function start() {
    const source = document.getElementById("lookup-zones");
    if (!source) return;
    const zones = JSON.parse(source.textContent);
    document.querySelectorAll(".zone-map").forEach((block) => {
      const zone = zones[block.dataset.ban];
      if (!zone) return;
      const element = block.querySelector(".map");
      const map = typeof L !== "undefined" ? draw(element, zone) : null;
      const button = block.querySelector(".where button");
      button.addEventListener("click", () => whereAmI(button, zone, map));
      button.hidden = false;
    });
  }

  window.banwatchLookupJudge = judge;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
