/* The ban form's zone drawn on a map, and its time-window rows.
 *
 * The map writes what is drawn into the form's own fields: a circle into
 * zone_shape, centre_lat, centre_lon and radius_m; a polygon into zone_shape
 * and the GeoJSON field. The server judges the result with the same
 * validators as the API, so nothing here decides what is valid: the hints
 * only help. Without tiles (no MAP_TILE_URL) the map has a plain background
 * and a scale; the numbers and the GeoJSON stay editable by hand.
 */
(function () {
  "use strict";

  const DECIMALS = 6;

  function round(value) { return Number(value.toFixed(DECIMALS)); }
  function numberIn(input) {
    const value = parseFloat(String(input.value).replace(",", "."));
    return Number.isFinite(value) ? value : null;
  }

  function ZoneEditor(root) {
    const form = root.closest("form");
    const geojson = document.getElementById(root.dataset.field);
    const fields = {
      shape: form.elements.zone_shape,
      lat: form.elements.centre_lat,
      lon: form.elements.centre_lon,
      radius: form.elements.radius_m,
    };
    const hint = root.querySelector(".zone-hint");
    const buttons = {};
    root.querySelectorAll("[data-tool]").forEach((b) => { buttons[b.dataset.tool] = b; });
    const defaultRadius = Number(root.dataset.defaultRadius);
    const tiles = root.dataset.tileUrl;
    const map = L.map(root.querySelector(".zone-canvas"), { attributionControl: Boolean(tiles) });
    if (tiles) L.tileLayer(tiles, { attribution: root.dataset.tileAttribution || "" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    // The admin lays the form out after the map starts: keep Leaflet's idea of its size true, or clicks land off.
    if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize()).observe(map.getContainer());
    const drawn = L.layerGroup().addTo(map);
    let mode = null; // "circle-pick", "polygon-drawing" or null
    let vertices = [];

    function say(key) { hint.textContent = hint.dataset[key] || ""; }
    function setMode(next) {
      mode = next;
      root.dataset.mode = next || "";
      buttons.finish.hidden = buttons.undo.hidden = next !== "polygon-drawing";
      map.getContainer().classList.toggle("zone-picking", Boolean(next));
    }

    // The protected persons' homes: the usual centre of a 5 km zone.
    JSON.parse(root.dataset.homes || "[]").forEach((home) => {
      L.circleMarker([home.lat, home.lon], { radius: 6, className: "zone-home" })
        .bindTooltip(home.name)
        .on("click", (e) => { if (mode === "circle-pick") { L.DomEvent.stop(e); placeCentre(e.latlng, true); } })
        .addTo(map);
    });

    function field(name, value) {
      fields[name].value = value;
      fields[name].dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawCircle(fit) {
      drawn.clearLayers();
      const lat = numberIn(fields.lat), lon = numberIn(fields.lon), radius = numberIn(fields.radius);
      if (lat === null || lon === null) return;
      const centre = L.latLng(lat, lon);
      const circle = L.circle(centre, { radius: radius || defaultRadius, className: "zone-drawn" }).addTo(drawn);
      const marker = L.marker(centre, { draggable: true, keyboard: true, title: "middelpunt" }).addTo(drawn);
      marker.on("drag", (e) => circle.setLatLng(e.target.getLatLng()));
      marker.on("dragend", (e) => placeCentre(e.target.getLatLng(), false));
      if (fit) map.fitBounds(centre.toBounds(2.4 * (radius || defaultRadius)));
    }

    function placeCentre(latlng, fit) {
      field("shape", "circle");
      field("lat", round(latlng.lat));
      field("lon", round(latlng.lng));
      if (numberIn(fields.radius) === null) field("radius", defaultRadius);
      geojson.value = "";
      setMode(null);
      drawCircle(fit);
      say("circleDone");
    }

    function drawPolygon(fit) {
      drawn.clearLayers();
      if (!vertices.length) return;
      const closed = mode !== "polygon-drawing";
      const layer = closed ? L.polygon(vertices, { className: "zone-drawn" }) : L.polyline(vertices, { className: "zone-drawn" });
      layer.addTo(drawn);
      vertices.forEach((vertex, index) => {
        const handle = L.marker(vertex, { draggable: true, title: "hoekpunt " + (index + 1), icon: vertexIcon() }).addTo(drawn);
        handle.on("drag", (e) => { vertices[index] = e.target.getLatLng(); layer.setLatLngs(vertices); });
        handle.on("dragend", () => { if (closed) writePolygon(); });
      });
      if (fit) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    }

    function vertexIcon() { return L.divIcon({ className: "zone-vertex", iconSize: [12, 12] }); }

    function writePolygon() {
      const ring = vertices.map((v) => [round(v.lng), round(v.lat)]);
      ring.push(ring[0]);
      geojson.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      field("shape", "polygon");
      field("lat", "");
      field("lon", "");
      field("radius", "");
    }

    function clearAll() {
      vertices = [];
      drawn.clearLayers();
      geojson.value = "";
      ["shape", "lat", "lon", "radius"].forEach((name) => field(name, ""));
      setMode(null);
      say("cleared");
    }

    map.on("click", (e) => {
      if (mode === "circle-pick") placeCentre(e.latlng, true);
      else if (mode === "polygon-drawing") { vertices.push(e.latlng); drawPolygon(false); }
    });
    buttons.circle.addEventListener("click", () => {
      vertices = [];
      drawn.clearLayers();
      geojson.value = "";
      setMode("circle-pick");
      say("circle");
    });
    buttons.polygon.addEventListener("click", () => {
      vertices = [];
      drawn.clearLayers();
      setMode("polygon-drawing");
      say("polygon");
    });
    buttons.undo.addEventListener("click", () => { vertices.pop(); drawPolygon(false); });
    buttons.finish.addEventListener("click", () => {
      if (vertices.length < 3) { say("polygonShort"); return; }
      setMode(null);
      writePolygon();
      drawPolygon(false);
      say("polygonDone");
    });
    buttons.clear.addEventListener("click", clearAll);
    ["lat", "lon", "radius"].forEach((name) => fields[name].addEventListener("input", () => {
      if (fields.shape.value === "circle" || (name !== "radius" && numberIn(fields.lat) !== null)) drawCircle(false);
    }));
    geojson.addEventListener("change", () => { if (loadPolygon()) drawPolygon(true); });

    function loadPolygon() {
      let data;
      try { data = JSON.parse(geojson.value); } catch (err) { return false; }
      const geometry = data && data.type === "Feature" ? data.geometry : data;
      if (!geometry || geometry.type !== "Polygon" || !Array.isArray(geometry.coordinates[0])) return false;
      vertices = geometry.coordinates[0].slice(0, -1).map(([lon, lat]) => L.latLng(lat, lon));
      return vertices.length >= 3;
    }

    // Show what is stored.
    const start = JSON.parse(root.dataset.start);
    map.setView([start.lat, start.lon], start.zoom);
    if (fields.shape.value === "polygon" && loadPolygon()) drawPolygon(true);
    else if (numberIn(fields.lat) !== null && numberIn(fields.lon) !== null) drawCircle(true);
    else say("cleared");
  }

  function TimeWindows(root) {
    const add = root.querySelector(".add-window");
    add.hidden = false;
    add.addEventListener("click", () => {
      const rows = root.querySelectorAll("tr.time-window");
      const copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input").forEach((input) => { input.value = ""; });
      copy.querySelectorAll("select").forEach((select) => { select.selectedIndex = 0; });
      rows[rows.length - 1].after(copy);
    });
  }

  function start() {
    document.querySelectorAll(".time-windows").forEach(TimeWindows);
    document.querySelectorAll(".zone-editor").forEach((root) => {
      if (typeof L === "undefined") {
        root.querySelector(".zone-hint").textContent = root.querySelector(".zone-hint").dataset.noMap;
        root.querySelector(".zone-raw").open = true;
        return;
      }
      ZoneEditor(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
