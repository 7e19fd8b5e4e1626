/* The incident page's casework panel: closing, checklist, revealing the victim's phone, logging contacts. */
"use strict";

(function () {
  var root = document.getElementById("casework");
  if (!root) return;
  var el = Monitor.el;
  var filled = false;

  function byId(id) {
    return document.getElementById(id);
  }

  function showError(message) {
    byId("casework-error-text").textContent = message;
    byId("casework-error").hidden = !message;
  }

  function fillSelect(select, options) {
    if (select.options.length) return;
    options.forEach(function (o) {
      select.appendChild(el("option", { value: o.value, text: o.label }));
    });
  }

  function renderClosure(closure) {
    byId("closure").hidden = !closure;
    if (!closure) return;
    byId("closure-outcome").textContent = closure.outcome_label;
    byId("closure-by").textContent = closure.by;
    byId("closure-at").textContent = closure.at_local;
    byId("closure-note").textContent = closure.note || "–";
  }

  function renderChecklist(list) {
    var ol = byId("checklist");
    Monitor.clear(ol);
    byId("checklist-progress").textContent = "(" + list.progress + ")";
    byId("checklist-bar").max = Math.max(list.total, 1);
    byId("checklist-bar").value = list.done;
    list.steps.forEach(function (step) {
      var box = el("input", { type: "checkbox", "data-item": step.key, checked: step.done, disabled: step.done || !list.can_tick });
      ol.appendChild(
        el("li", { className: step.done ? "done" : "", "data-item": step.key }, [
          el("label", {}, [box, el("span", { text: " " + step.text })]),
          step.done ? el("span", { className: "muted small", text: " · " + step.by + " " + step.at_local }) : null,
        ])
      );
    });
  }

  function renderContacts(contacts) {
    var list = byId("contact-log");
    Monitor.clear(list);
    contacts.forEach(function (c) {
      list.appendChild(
        el("li", { "data-result": c.result }, [
          el("time", { datetime: c.at, text: c.at_local }),
          el("strong", { text: " " + c.result_label }),
          el("span", { text: " · " + c.by + (c.note ? " – " + c.note : "") }),
        ])
      );
    });
  }

  function render(data) {
    fillSelect(byId("reveal-purpose"), data.purposes);
    fillSelect(byId("contact-result"), data.results);
    renderClosure(data.closure);
    renderChecklist(data.checklist);
    renderContacts(data.contacts);
    if (!data.victim.can_reveal) byId("revealed").hidden = true; // a closed or handed-over incident hides it
    byId("casework-handler").textContent = data.handler || "–";
    var refusal = byId("victim-refusal");
    refusal.textContent = data.victim.present ? data.victim.refusal : "";
    refusal.hidden = !refusal.textContent;
    ["reveal-form", "contact-form"].forEach(function (id) {
      byId(id).querySelectorAll("select, input, button").forEach(function (control) {
        control.disabled = !data.victim.can_reveal;
      });
    });
    root.hidden = !data.active && !data.closure;
    if (!filled) byId("contact-at").value = "";
    filled = true;
  }

  var poller = Monitor.poll(function () {
    return root.dataset.endpoint;
  }, Number(root.dataset.pollMs) * 3, render);

  function post(url, body) {
    showError("");
    return Monitor.postJson(url, body).then(function (result) {
      if (result.status !== 200) {
        showError(result.data.detail || "HTTP " + result.status);
        return null;
      }
      render(result.data);
      // The incident's own timeline shows contacts too: ask the incident page to refresh now.
      document.dispatchEvent(new CustomEvent("monitor:incident-changed"));
      return result.data;
    });
  }

  byId("reveal-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var fields = Object.fromEntries(new FormData(event.target).entries());
    post(root.dataset.revealUrl, fields).then(function (data) {
      if (!data) return;
      byId("revealed-name").textContent = data.revealed.name;
      var phone = byId("revealed-phone");
      phone.textContent = data.revealed.phone || "–";
      phone.href = data.revealed.phone ? "tel:" + data.revealed.phone.replace(/\s/g, "") : "#";
      byId("revealed").hidden = false;
    });
  });

  byId("contact-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    post(root.dataset.contactsUrl, Object.fromEntries(new FormData(form).entries())).then(function (data) {
      if (data) byId("contact-note").value = "";
    });
  });

  byId("checklist").addEventListener("change", function (event) {
    var item = event.target.dataset.item;
    if (item) post(root.dataset.checklistUrl, { item: item });
  });

  document.addEventListener("monitor:casework-changed", function () {
    poller.now();
  });
})();
