// The meeting's fast-entry page: Enter saves from any cell (Shift+Enter keeps a new line in a text cell),
// a table pasted into a tally cell goes to the paste box, and an absent member's reason is asked for.
// The page saves without this file; it only spares keystrokes.
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) {
    return;
  }
  var paste = document.getElementById("id_paste");

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || event.isComposing) {
      return;
    }
    var tag = target.tagName;
    if (tag === "SELECT" || (tag === "TEXTAREA" && !event.shiftKey && target !== paste)) {
      event.preventDefault();
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }
  });

  form.addEventListener("paste", function (event) {
    var target = event.target;
    if (!paste || target === paste || !target.classList.contains("meeting-count")) {
      return;
    }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") === -1 && text.indexOf("\n") === -1) {
      return;
    }
    event.preventDefault();
    paste.value = paste.value ? paste.value.replace(/\s*$/, "\n") + text : text;
    paste.focus();
  });

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.name || box.name.slice(-8) !== "-present") {
      return;
    }
    var reason = document.getElementById("id_" + box.name.replace(/-present$/, "-absence_reason"));
    if (reason) {
      reason.required = !box.checked;
      if (!box.checked) {
        reason.focus();
      }
    }
  });
})();
