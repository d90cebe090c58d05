// The report job page updates itself: it asks the job's JSON state until the job is finished, then shows the
// download (or the error and the "Tạo lại" button) without reloading the page.
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var url = box.dataset.statusUrl;
  function part(name) {
    return box.querySelector("[data-job-" + name + "]");
  }
  function show(state) {
    var kept = document.querySelector("[data-job-kept]");
    if (kept && !state.kept) {
      kept.classList.add("d-none");
    }
    part("label").textContent = state.label;
    part("progress").textContent = state.progress ? state.progress[0] + "/" + state.progress[1] : "";
    if (!state.finished) {
      return false;
    }
    part("spinner").classList.add("d-none");
    if (state.status === "done") {
      part("download").setAttribute("href", state.download);
      part("filename").textContent = state.filename;
      part("done").classList.remove("d-none");
    } else {
      part("error").textContent = state.error;
      part("failed").classList.remove("d-none");
    }
    return true;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (state) {
        if (!show(state)) {
          setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        setTimeout(poll, 5000);
      });
  }
  setTimeout(poll, 1000);
})();
