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
            var max = document.getElementById("sr-max-level");
            if (max && data.max_level_label) {
              max.textContent = data.max_level_label;
            }
            var total = document.getElementById("sr-total");
            if (total) {
              total.textContent = data.total || "…";
            }
          } else if (result.status === 401) {
            sayLogin(data.message || "Phiên đăng nhập đã hết hạn. Nội dung vẫn được giữ trên máy này.", data.login_url || "/dang-nhap/");
          } else {
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
