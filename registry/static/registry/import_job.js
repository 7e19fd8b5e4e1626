// Follow an import job: poll its progress JSON until it has finished, then show the line-numbered report.
(function () {
  "use strict";
  var panel = document.getElementById("import-job");
  if (!panel || panel.dataset.finished === "true") { return; }
  var url = panel.dataset.progressUrl;
  var pollMs = parseInt(panel.dataset.pollMs, 10) || 1000;
  var counts = ["rows_total", "rows_created", "rows_updated", "rows_unchanged", "rows_rejected", "last_line"];

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function showReport(rejected) {
    var body = document.getElementById("report-rows");
    body.textContent = "";
    rejected.forEach(function (row) {
      row.errors.forEach(function (error) {
        var tr = document.createElement("tr");
        tr.dataset.line = error.line;
        tr.append(cell(error.line), cell(error.field || "–"), cell(error.message));
        body.append(tr);
      });
    });
    document.getElementById("report-table").hidden = rejected.length === 0;
    document.getElementById("report-empty").hidden = rejected.length !== 0;
    document.getElementById("import-report").hidden = false;
  }

  function show(job) {
    counts.forEach(function (name) { document.getElementById(name).textContent = job[name]; });
    var status = document.getElementById("job-status");
    status.textContent = job.status_label;
    status.dataset.status = job.status;
    document.getElementById("job-progress").value = job.percent;
    document.getElementById("job-percent").textContent = job.percent;
    var failure = document.getElementById("job-failure");
    failure.textContent = job.failure;
    failure.hidden = !job.failure;
    if (job.finished) {
      panel.dataset.finished = "true";
      showReport(job.rejected || []);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job) { show(job); }
        if (!job || !job.finished) { window.setTimeout(poll, pollMs); }
      })
      .catch(function () { window.setTimeout(poll, pollMs); });
  }

  window.setTimeout(poll, pollMs);
})();
