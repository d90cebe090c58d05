// A form with data-confirm asks before it is sent: the actions that cannot be undone by the user alone
// (sending a proposal upwards, approving, returning). Without this script the form is sent directly.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
