/* Shared helpers of the monitoring pages: labels, DOM building, polling, actions, sound. */
"use strict";

var Monitor = (function () {
  var labels = JSON.parse(document.getElementById("monitor-labels").textContent);
  var audioContext = null;
  var soundOn = window.localStorage.getItem("monitor-sound") !== "off";

  function t(key) {
    return labels[key] || key;
  }

  // Build an element; text goes through textContent so data can never inject markup.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function formatDistance(metres) {
    if (metres === null || metres === undefined) return "–";
    if (metres < 1000) return Math.round(metres) + " m";
    return (metres / 1000).toFixed(1).replace(".", t("decimal_mark")) + " km";
  }

  function formatEta(minutes) {
    if (minutes === null || minutes === undefined) return "–";
    if (minutes < 1) return t("eta_now");
    return Math.round(minutes) + " min";
  }

  function setLive(ok, when) {
    var node = document.getElementById("live-state");
    if (!node) return;
    node.dataset.state = ok ? "live" : "down";
    node.textContent = ok ? t("live") + " · " + when : t("connection_lost");
  }

  function nowClock() {
    return new Date().toLocaleTimeString(document.documentElement.lang, { timeZone: "Europe/Amsterdam" });
  }

  /*
   * Poll a JSON endpoint every intervalMs. The ETag makes an unchanged answer a
   * bodiless 304; the next poll starts only after the previous one finished, so a
   * slow server never piles up requests. An answer for an outdated URL (the
   * filters changed meanwhile) is dropped.
   */
  function poll(urlFn, intervalMs, onData) {
    var etag = null;
    var etagUrl = null;
    var timer = null;
    var inFlight = false;
    var again = false;
    function finish() {
      inFlight = false;
      window.clearTimeout(timer);
      timer = window.setTimeout(tick, again ? 0 : intervalMs);
      again = false;
    }
    function tick() {
      var url = urlFn();
      var headers = { Accept: "application/json" };
      if (etag && etagUrl === url) headers["If-None-Match"] = etag;
      inFlight = true;
      fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) {
            window.location.reload();
            return;
          }
          setLive(true, nowClock());
          if (response.status === 304 || url !== urlFn()) return;
          if (!response.ok) throw new Error("HTTP " + response.status);
          etag = response.headers.get("ETag");
          etagUrl = url;
          return response.json().then(onData);
        })
        .catch(function () {
          setLive(false);
        })
        .then(finish);
    }
    tick();
    return {
      // Poll at once (after the request in flight, if any).
      now: function () {
        if (inFlight) {
          again = true;
          return;
        }
        window.clearTimeout(timer);
        tick();
      },
    };
  }

  function csrfToken() {
    return document.getElementById("main").dataset.csrfToken;
  }

  // POST an action; resolve with {status, data} whatever the status code.
  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { detail: "HTTP " + response.status };
        })
        .then(function (data) {
          return { status: response.status, data: data };
        });
    });
  }

  // Browsers start audio only after a user gesture: resume on the first one.
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audioContext) audioContext = new Context();
    if (audioContext.state === "suspended") audioContext.resume();
  }
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });

  /* Play a short two-tone beep (no audio file); count it for tests and screen readers. */
  function beep() {
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
    if (!soundOn) return;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audioContext) audioContext = new Context();
    var start = audioContext.currentTime;
    [880, 660].forEach(function (frequency, i) {
      var oscillator = audioContext.createOscillator();
      var gain = audioContext.createGain();
      var at = start + i * 0.18;
      oscillator.type = "square";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
      oscillator.connect(gain).connect(audioContext.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.16);
    });
  }

  function setSound(on) {
    soundOn = on;
    window.localStorage.setItem("monitor-sound", on ? "on" : "off");
  }

  function soundEnabled() {
    return soundOn;
  }

  return {
    t: t,
    el: el,
    clear: clear,
    formatDistance: formatDistance,
    formatEta: formatEta,
    poll: poll,
    postJson: postJson,
    beep: beep,
    setSound: setSound,
    soundEnabled: soundEnabled,
  };
})();
