// Small progressive enhancements; every feature of the page works without them except
// copying the curl command, showing each pre-flight problem under its row as well as in
// the panel, and moving the focus after a change (the mapping rows' helpers: rows.js).
(function () {
  "use strict";
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

  // The pre-flight panel's answer carries each row's problems in a hidden list per row: put
  // them under the rows they are about (rows removed meanwhile are skipped). The panel lists
  // every problem too, so without this script nothing is lost.
  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = event.target;
    if (!(panel instanceof HTMLElement) || panel.id !== "preflight") { return; }
    document.querySelectorAll("ul.row-checks").forEach(function (list) { list.replaceChildren(); });
    panel.querySelectorAll("[data-row-checks]").forEach(function (source) {
      var target = document.getElementById(source.getAttribute("data-row-checks") + "-checks");
      if (!target) { return; }
      Array.prototype.forEach.call(source.children, function (item) {
        target.appendChild(item.cloneNode(true));
      });
    });
  });

  // The push controls are redrawn when a re-check changes what they show: an open
  // "Push anyway…" stays open, so a re-check never pulls the confirmation away mid-click.
  var pushAnywayOpen = false;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "push-controls") {
      pushAnywayOpen = !!event.detail.target.querySelector("details.push-anyway[open]");
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "push-controls") { return; }
    // The event names the element swapped out: read the one now in the page.
    var target = document.getElementById("push-controls");
    if (!target) { return; }
    var details = target.querySelector("details.push-anyway");
    if (pushAnywayOpen && details) {
      details.open = true;
    }
    // Push itself is never replaced (a click on it must not be lost to a redraw): it takes
    // the state and the label the check's answer gives.
    var push = document.getElementById("push-button");
    if (push) {
      var blocked = target.dataset.pushBlocked === "yes";
      push.disabled = blocked;
      if (blocked) {
        push.setAttribute("aria-describedby", "push-blocked");
      } else {
        push.removeAttribute("aria-describedby");
      }
      push.textContent = target.dataset.pushLabel || "Push to Floqer";
    }
  });

  // Focus goes where the work continues: to the External ID field once an object's fields
  // load, to the first row "Add field" (or "Add missing rows") added, to a list of
  // suggestions when it arrives, and to the note saying what a bulk change did.
  var rowsBefore = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "field-rows") {
      rowsBefore = target.querySelectorAll("fieldset.field-row").length;
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var config = event.detail.requestConfig;
    var trigger = config && config.headers ? config.headers["HX-Trigger"] : null;  // its id
    if (!(target instanceof HTMLElement)) { return; }
    var focus = null;
    if (target.id === "object-fields") {
      focus = document.getElementById("rows-notice");
      if (trigger === "salesforce_object") {
        focus = document.getElementById("salesforce_external_id_field") || focus;
      }
    } else if (target.id === "field-rows" && rowsBefore !== null) {
      var row = target.querySelectorAll("fieldset.field-row")[rowsBefore];
      rowsBefore = null;
      if (row) {
        var name = row.querySelector("input.field-name");
        focus = name && name.value ? row.querySelector("input.field-value") : name;
      }
    } else if (target.id === "mapping-help") {
      focus = document.getElementById("suggestions");
    }
    if (focus) { focus.focus(); }
  });

  // The header's Menu button on a narrow screen: opens and closes the links; Escape closes.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest(".menu-toggle") : null;
    if (!toggle) { return; }
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.closest(".top").classList.toggle("open", open);
  });
  document.addEventListener("keydown", function (event) {
    var toggle = document.querySelector(".menu-toggle[aria-expanded=true]");
    if (event.key === "Escape" && toggle) {
      toggle.setAttribute("aria-expanded", "false");
      toggle.closest(".top").classList.remove("open");
      toggle.focus();
    }
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
