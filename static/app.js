// Small progressive enhancements; every feature of the page works without them except
// inserting a reference at the cursor and copying the curl command.
(function () {
  "use strict";
  var lastValue = null;

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.classList.contains("field-value")) {
      lastValue = target;
    }
  });

  // "Insert reference": put the chosen {{token}} into the last value worked on, at the cursor.
  document.addEventListener("change", function (event) {
    var picker = event.target;
    if (!(picker instanceof HTMLSelectElement) || !picker.classList.contains("reference-picker")) {
      return;
    }
    var token = picker.value;
    if (!token) { return; }
    var input = lastValue && document.body.contains(lastValue) ? lastValue : null;
    if (!input) {
      var values = document.querySelectorAll("input.field-value");
      input = values.length ? values[values.length - 1] : null;
    }
    if (input) {
      var start = input.selectionStart === null ? input.value.length : input.selectionStart;
      var end = input.selectionEnd === null ? input.value.length : input.selectionEnd;
      input.value = input.value.slice(0, start) + token + input.value.slice(end);
      input.focus();
      input.setSelectionRange(start + token.length, start + token.length);
    }
    picker.value = "";
  });

  // A form is sent once: a second click while the first submit is on its way does nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post")) { return; }  // htmx sends these; the page stays
    if (form.dataset.submitting === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "yes";
    var submitter = event.submitter;
    if (submitter) { submitter.setAttribute("aria-disabled", "true"); }
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Copied";
      });
    }
  });
})();
