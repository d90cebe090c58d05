// The actions that cannot be undone by the user alone ask before the form is sent: sending a proposal upwards,
// approving (one unit or many), returning, submitting a self-review. The question is the data-confirm attribute
// of the button that sends the form (a form with several buttons asks only for the irreversible one), else of
// the form. Without this script the form is sent directly.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
