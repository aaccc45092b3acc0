/* Clinical tools: live results while typing. Progressive enhancement only: every form works as a plain
   POST form without this file. When all required fields of a form hold something, the same form is
   posted (with its CSRF token) and the page's result region (aria-live="polite") and each field's
   message are swapped in from the server's answer. Values never go into the address: no query string,
   no history entry. No rule lives here: the server computes everything. */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.FormData) {
    return;
  }

  function complete(form) {
    var required = form.querySelectorAll("[data-required]");
    for (var i = 0; i < required.length; i += 1) {
      if (!required[i].value.trim()) {
        return false;
      }
    }
    return true;
  }

  function copyFieldState(form, doc) {
    var boxes = form.querySelectorAll("[data-field]");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      var fresh = doc.querySelector('[data-field="' + box.getAttribute("data-field") + '"]');
      if (!fresh) {
        continue;
      }
      var message = box.querySelector("[data-field-error]");
      var freshMessage = fresh.querySelector("[data-field-error]");
      if (message && freshMessage) {
        message.textContent = freshMessage.textContent;
        message.hidden = freshMessage.hidden;
      }
      var control = box.querySelector("input, select");
      var freshControl = fresh.querySelector("input, select");
      if (control && freshControl) {
        if (freshControl.hasAttribute("aria-invalid")) {
          control.setAttribute("aria-invalid", "true");
        } else {
          control.removeAttribute("aria-invalid");
        }
      }
      box.className = fresh.className;
    }
    /* Hidden fields the server fills (the CSRF token, the plan's calendar series) follow its answer. */
    var freshForm = doc.querySelector('form[data-result="' + form.getAttribute("data-result") + '"]');
    var hidden = form.querySelectorAll("input[type=hidden][name]");
    for (var j = 0; j < hidden.length; j += 1) {
      var match = freshForm && freshForm.querySelector('input[type=hidden][name="' + hidden[j].name + '"]');
      if (match) {
        hidden[j].value = match.value;
      }
    }
  }

  function enhance(form) {
    var region = document.getElementById(form.getAttribute("data-result"));
    if (!region) {
      return;
    }
    var timer = null;
    var controller = null;
    var lastQuery = new URLSearchParams(new FormData(form)).toString();

    function update() {
      var body = new FormData(form);
      var query = new URLSearchParams(body).toString();
      if (query === lastQuery || !complete(form)) {
        return;
      }
      lastQuery = query;
      if (controller && controller.abort) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      region.setAttribute("aria-busy", "true");
      fetch(window.location.pathname, {
        method: "POST",
        body: new URLSearchParams(body),
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById(region.id);
          if (fresh) {
            region.innerHTML = fresh.innerHTML;
          }
          copyFieldState(form, doc);
          region.removeAttribute("aria-busy");
        })
        .catch(function () {
          region.removeAttribute("aria-busy"); /* aborted or offline: the submit button still works */
        });
    }

    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 350);
    }

    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
  }

  var forms = document.querySelectorAll("form[data-tool-form]");
  for (var i = 0; i < forms.length; i += 1) {
    enhance(forms[i]);
  }
})();
