/* The upload page: each chosen or dropped file is posted to POST /api/runs (with the CSRF header),
   then GET /api/runs/{id} is polled until the upload is done or failed. One row per file shows a
   progress bar (sending, queued, analysing, done), the failure reason, or a link to the run's report. */
(function () {
  "use strict";
  var POLL_MS = 400;
  var STAGES = { queued: 60, analysing: 80, done: 100, failed: 100 };

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function row(name) {
    var item = document.createElement("li");
    item.className = "upload";
    var title = document.createElement("span");
    title.className = "upload-name";
    title.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "progress of " + name);
    var status = document.createElement("span");
    status.className = "upload-status";
    status.textContent = "sending";
    item.append(title, bar, status);
    document.getElementById("uploads").append(item);
    return { item: item, bar: bar, status: status };
  }

  function say(view, stage, text) {
    view.item.dataset.status = stage;
    view.bar.value = STAGES[stage] || view.bar.value;
    view.status.textContent = text;
  }

  function finished(view, data) {
    if (data.status === "failed") {
      say(view, "failed", "failed: " + (data.error || "the file could not be read"));
      return;
    }
    var runs = data.runs || [];
    if (!runs.length) {
      say(view, "done", "nothing new: " + ((data.failed || []).join("; ") || "every run in it is already in your log"));
      return;
    }
    say(view, "done", "");
    var link = document.createElement("a");
    link.href = "/runs/" + runs[0];
    link.className = "upload-report";
    var verdict = data.verdict && data.verdict.details ? data.verdict.details.verdict : "";
    link.textContent = runs.length > 1 ? runs.length + " runs imported; the first one's report" : "the report";
    view.status.append("done: ", link, verdict ? " – " + verdict : "");
    if ((data.failed || []).length) {
      view.status.append(" (" + data.failed.length + " not imported: " + data.failed.join("; ") + ")");
    }
  }

  function poll(view, id) {
    fetch("/api/runs/" + encodeURIComponent(id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (data) { return [response, data]; }); })
      .then(function (pair) {
        var response = pair[0], data = pair[1];
        if (!response.ok) { say(view, "failed", "failed: " + (data.error || response.statusText)); return; }
        if (data.status === "queued" || data.status === "analysing") {
          say(view, data.status, data.status === "queued" ? "waiting for a worker" : "analysing");
          window.setTimeout(function () { poll(view, id); }, POLL_MS);
        } else {
          finished(view, data);
        }
      })
      .catch(function () { say(view, "failed", "failed: the server did not answer; upload it again"); });
  }

  function send(file) {
    var view = row(file.name);
    var body = new FormData();
    body.append("file", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", "/api/runs");
    request.setRequestHeader("X-CSRF-Token", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { view.bar.value = Math.round((event.loaded / event.total) * 50); }
    });
    request.addEventListener("load", function () {
      var data = {};
      try { data = JSON.parse(request.responseText); } catch (ignored) { data = {}; }
      if (request.status !== 202) {
        say(view, "failed", "failed: " + (data.error || "the server refused it (" + request.status + ")"));
        return;
      }
      say(view, data.status || "queued", "queued");
      poll(view, data.id);
    });
    request.addEventListener("error", function () { say(view, "failed", "failed: the upload was interrupted; try again"); });
    request.send(body);
  }

  function sendAll(files) { Array.prototype.forEach.call(files, send); }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("upload-files");
    var zone = document.getElementById("drop-zone");
    var form = document.getElementById("upload-form");
    if (!input || !zone) { return; }
    input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
    form.addEventListener("submit", function (event) { event.preventDefault(); sendAll(input.files); });
    ["dragenter", "dragover"].forEach(function (kind) {
      zone.addEventListener(kind, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (kind) {
      zone.addEventListener(kind, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { sendAll(event.dataTransfer.files); }
    });
  });
})();
