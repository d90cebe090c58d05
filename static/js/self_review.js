/* Self-review drafts are never lost.
 *
 * Every change is written at once to localStorage (this device) and, a moment later, sent to the server's
 * autosave endpoint. The local copy is removed only once the server confirms a save that included the latest
 * change. A timed-out session (401), a lost connection or a closed tab therefore keep the text on the device;
 * when the member opens the form again (after logging in), unconfirmed text is put back and saved.
 * No inline script: this file is loaded by the page (strict CSP).
 */
(function () {
  "use strict";

  var DELAY = 1500;
  var RETRY = 30000;

  function readStore(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeStore(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false;
    }
  }

  function removeStore(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (e) {
      /* storage unavailable: nothing to remove */
    }
  }

  function newToken() {
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  function collect(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_token" || el.name === "action") {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) {
          fields[el.name] = el.value;
        } else if (!(el.name in fields)) {
          fields[el.name] = fields[el.name] || "";
        }
        return;
      }
      fields[el.name] = el.value;
    });
    return fields;
  }

  function restore(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var value = fields[name];
      var els = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = el.value === value;
        } else if (el.type !== "hidden" || name.indexOf("rs:") === 0) {
          el.value = value;
        }
      });
    });
  }

  function setup(form) {
    var key = form.getAttribute("data-storage-key");
    var url = form.getAttribute("data-autosave-url");
    var confirmed = form.getAttribute("data-confirmed") || "";
    var status = document.getElementById("autosave-status");
    var tokenInput = form.querySelector('input[name="client_token"]');
    var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var timer = null;
    var sending = false;
    var again = false;

    function say(text, tone) {
      if (!status) {
        return;
      }
      status.textContent = text;
      status.className = "small " + (tone === "bad" ? "text-danger fw-semibold" : tone === "ok" ? "text-success" : "text-muted");
    }

    function sayLogin(message, loginUrl) {
      if (!status) {
        return;
      }
      status.textContent = message + " ";
      var link = document.createElement("a");
      link.href = loginUrl;
      link.textContent = "Đăng nhập lại";
      status.appendChild(link);
      status.className = "small text-danger fw-semibold";
    }

    function fill(list, items) {
      if (!list) {
        return;
      }
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      (items || []).forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      list.hidden = !(items && items.length);
    }

    // The box with the highest level allowed (and why) or what is still missing, as the server derived it from
    // what was just saved; its texts are the page's, only the lists and the level come from the answer.
    function showDerived(data) {
      var box = document.getElementById("sr-derived");
      var outcome = document.getElementById("sr-outcome");
      var pending = document.getElementById("sr-pending");
      if (!box || box.getAttribute("data-fixed") || !outcome || !pending) {
        return;
      }
      var known = !!data.max_level;
      outcome.hidden = !known;
      pending.hidden = known;
      if (known) {
        document.getElementById("sr-max-level").textContent = data.max_level_label || "";
        fill(document.getElementById("sr-reasons"), data.reasons);
      } else {
        fill(document.getElementById("sr-problems"), data.problems);
      }
    }

    // Mark the inputs the server refused (name → message), and unmark those it no longer names.
    function mark(fields) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-refused]"), function (el) {
        el.classList.remove("is-invalid");
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
        el.removeAttribute("data-refused");
        var old = document.getElementById(el.id + "-refused");
        if (old) {
          old.parentNode.removeChild(old);
        }
      });
      Object.keys(fields).forEach(function (name) {
        var el = form.querySelector('[name="' + name.replace(/"/g, '\\"') + '"]');
        if (!el || !el.id) {
          return;
        }
        var note = document.createElement("div");
        note.className = "invalid-feedback";
        note.id = el.id + "-refused";
        note.textContent = fields[name];
        el.parentNode.insertBefore(note, el.nextSibling);
        el.classList.add("is-invalid");
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", note.id);
        el.setAttribute("data-refused", "1");
      });
    }

    function remember() {
      var entry = { token: newToken(), savedAt: Date.now(), fields: collect(form) };
      if (!writeStore(key, entry)) {
        say("Máy này không cho lưu tạm; nội dung chỉ được lưu khi gửi được lên máy chủ.", "bad");
      }
      if (tokenInput) {
        tokenInput.value = entry.token;
      }
      return entry;
    }

    function send() {
      var entry = readStore(key);
      if (!entry) {
        return;
      }
      if (sending) {
        again = true;
        return;
      }
      sending = true;
      var body = new FormData();
      Object.keys(entry.fields).forEach(function (name) {
        body.append(name, entry.fields[name]);
      });
      body.append("client_token", entry.token);
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return { ok: false, message: "" };
            })
            .then(function (data) {
              return { status: response.status, data: data };
            });
        })
        .then(function (result) {
          var data = result.data || {};
          if (result.status === 200 && data.ok) {
            var current = readStore(key);
            if (current && current.token === entry.token) {
              removeStore(key);
            }
            say(data.message || "Đã lưu.", "ok");
            showDerived(data);
            mark(data.fields || {});
            var total = document.getElementById("sr-total");
            if (total) {
              total.textContent = data.total || "…";
            }
          } else if (result.status === 401) {
            sayLogin(data.message || "Phiên đăng nhập đã hết hạn. Nội dung vẫn được giữ trên máy này.", data.login_url || "/dang-nhap/");
          } else {
            if (data.fields) {
              mark(data.fields);
            }
            say((data.message || "Chưa lưu được lên máy chủ.") + " Nội dung vẫn được giữ trên máy này.", "bad");
          }
        })
        .catch(function () {
          say("Mất kết nối: chưa lưu được lên máy chủ. Nội dung vẫn được giữ trên máy này và sẽ được lưu khi có kết nối.", "bad");
        })
        .then(function () {
          sending = false;
          if (again) {
            again = false;
            send();
          }
        });
    }

    function changed() {
      remember();
      say("Đang lưu…", "");
      window.clearTimeout(timer);
      timer = window.setTimeout(send, DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      // The page's own save: keep the local copy (with the token the server will confirm) until then.
      remember();
    });
    window.addEventListener("online", send);
    window.setInterval(function () {
      if (readStore(key)) {
        send();
      }
    }, RETRY);

    var pending = readStore(key);
    if (pending && pending.fields) {
      if (confirmed && pending.token === confirmed) {
        removeStore(key);
      } else {
        restore(form, pending.fields);
        if (tokenInput) {
          tokenInput.value = pending.token;
        }
        say("Đã khôi phục nội dung chưa lưu từ máy này; đang lưu lên máy chủ…", "bad");
        send();
      }
    }
  }

  function init() {
    var form = document.getElementById("self-review-form");
    if (form) {
      setup(form);
    }
    var readonly = document.getElementById("self-review-readonly");
    if (readonly && readonly.getAttribute("data-clear") === "1") {
      // Submitted: nothing on this device is a draft any more.
      removeStore(readonly.getAttribute("data-storage-key"));
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
