// The mapping table's row helpers, driven by the fields' guide the page carries
// (JSON in <template id="field-guide">, webapp/services/field_guide.py; keys at their
// default are left out: no label means the API name, no editor means text):
//  · under the Field: what the field is ("Last Name · LastName · Text(80) · required");
//  · under the Value: the editor its type calls for (the picklist's values offered, a date
//    picker writing Salesforce's yyyy-MM-dd, true/false, a numeric keyboard, a length
//    counter), and the value as it reads, each {{token}} as a chip named after its column
//    or output. The Value stays a text box: a {{reference}} is always accepted, and what is
//    stored is exactly what is typed;
//  · "Insert reference" on every row: a menu of the sheet's columns and upstream outputs.
// Nothing here decides what is wrong: the pre-flight check on the server does.
(function () {
  "use strict";

  var guide = { fields: [], references: [] };
  var byName = new Map();
  var tokenNames = new Map();
  var TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

  function readGuide() {
    var source = document.getElementById("field-guide");
    guide = { fields: [], references: [] };
    if (source) {
      var text = source.content ? source.content.textContent : source.textContent;
      try { guide = JSON.parse(text || "{}"); } catch (e) { guide = {}; }
    }
    guide.fields = Array.isArray(guide.fields) ? guide.fields : [];
    guide.references = Array.isArray(guide.references) ? guide.references : [];
    byName = new Map();
    guide.fields.forEach(function (field) { byName.set(String(field.name).toLowerCase(), field); });
    tokenNames = new Map();
    guide.references.forEach(function (ref) {
      tokenNames.set(inner(ref.token), ref.group + " › " + ref.label);
    });
    valueLists.clear();
  }

  function inner(token) {
    return String(token).replace(/^\{\{\s*/, "").replace(/\s*\}\}$/, "");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // -- a datalist per picklist (its values, then the references), made once per guide ------
  var valueLists = new Map();
  function valueList(field) {
    var id = "values-" + field.name;
    if (valueLists.has(id) && document.getElementById(id)) { return id; }
    var old = document.getElementById(id);
    if (old) { old.remove(); }
    var list = el("datalist");
    list.id = id;
    (field.values || []).forEach(function (value) {
      var option = el("option");
      option.value = value;
      list.appendChild(option);
    });
    guide.references.forEach(function (ref) {
      var option = el("option", "", ref.group + " › " + ref.label);
      option.value = ref.token;
      list.appendChild(option);
    });
    holder().appendChild(list);
    valueLists.set(id, true);
    return id;
  }
  function holder() {
    var box = document.getElementById("value-lists");
    if (!box) {
      box = el("div");
      box.id = "value-lists";
      box.hidden = true;
      document.body.appendChild(box);
    }
    return box;
  }
  var BOOLEANS = { name: "__boolean", values: ["true", "false"] };

  // -- one row ------------------------------------------------------------------------------
  function refresh(row) {
    var name = row.querySelector("input.field-name");
    var value = row.querySelector("input.field-value");
    var meta = row.querySelector(".row-meta");
    var tools = row.querySelector(".value-tools");
    if (!name || !value || !meta || !tools) { return; }
    var field = byName.get(name.value.trim().toLowerCase()) || null;
    var editor = field ? (field.editor || "text") : "none";
    if (row.dataset.editor !== editor || row.dataset.field !== (field ? field.name : "")) {
      row.dataset.editor = editor;
      row.dataset.field = field ? field.name : "";
      describe(meta, field);
      equip(row, value, tools, field);
    }
    update(row, value);
  }

  function describe(meta, field) {
    meta.replaceChildren();
    if (!field) { return; }
    var parts = [field.label, field.name, field.summary].filter(function (part, i, all) {
      return part && all.indexOf(part) === i;
    });
    meta.appendChild(document.createTextNode(parts.join(" · ")));
    if (field.required) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", "required", "required"));
    }
    if (field.locked) { meta.appendChild(document.createTextNode(" · " + field.locked)); }
  }

  function equip(row, value, tools, field) {
    tools.replaceChildren();
    value.setAttribute("list", "floqer-tokens");
    value.removeAttribute("inputmode");
    var help = el("p", "value-help");
    help.id = row.id + "-value-help";
    var editor = field ? (field.editor || "text") : "none";
    if (editor === "picklist" || editor === "multipicklist") {
      value.setAttribute("list", valueList(field));
      var count = (field.values || []).length;
      help.textContent = editor === "multipicklist"
        ? "Several of its " + count + " values, separated by ; (type to see them)."
        : (field.restricted ? "One of its " + count + " values only" : "One of its " + count + " values") +
          " (type to see them), or a reference.";
    } else if (editor === "boolean") {
      value.setAttribute("list", valueList(BOOLEANS));
      help.textContent = "true or false, or a reference.";
    } else if (editor === "number") {
      value.setAttribute("inputmode", "decimal");
      help.textContent = "A number such as 1250.5, without thousands separators, or a reference.";
    } else if (editor === "date" || editor === "datetime") {
      tools.appendChild(datePicker(row, value, editor));
    }
    if (editor === "multipicklist") { tools.appendChild(valueChooser(row, value, field)); }
    if (help.textContent) { tools.appendChild(help); }
    if (field && field.length) {
      var counter = el("p", "value-count");
      counter.id = row.id + "-count";
      tools.appendChild(counter);
    }
    var chips = el("p", "value-chips");
    chips.id = row.id + "-chips";
    tools.appendChild(chips);
    var described = (value.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id.indexOf(row.id + "-value-help") !== 0 && id !== row.id + "-count";
    });
    if (help.textContent) { described.push(help.id); }
    if (described.length) { value.setAttribute("aria-describedby", described.join(" ")); }
    else { value.removeAttribute("aria-describedby"); }
  }

  function datePicker(row, value, editor) {
    var wrap = el("div", "date-pick");
    var input = el("input");
    input.type = editor === "date" ? "date" : "datetime-local";
    input.id = row.id + "-pick";
    var label = el("label", "", editor === "date" ? "Pick a date" : "Pick a date and time (UTC)");
    label.htmlFor = input.id;
    input.addEventListener("change", function () {
      if (!input.value) { return; }
      value.value = editor === "date" ? input.value : input.value.slice(0, 16) + ":00Z";
      value.dispatchEvent(new Event("input", { bubbles: true }));
      value.dispatchEvent(new Event("change", { bubbles: true }));
    });
    wrap.appendChild(label);
    wrap.appendChild(input);
    return wrap;
  }

  // A multi-select picklist: a box per value, written into the Value joined with ";"
  // (references and values typed by hand stay where they are).
  var MAX_BOXES = 200;
  function valueChooser(row, value, field) {
    var details = el("details", "value-chooser");
    details.appendChild(el("summary", "", "Choose values"));
    var group = el("fieldset", "plain");
    group.appendChild(el("legend", "visually-hidden", "Values of " + (field.label || field.name)));
    var values = (field.values || []).slice(0, MAX_BOXES);
    values.forEach(function (option, i) {
      var line = el("div", "choice");
      var box = el("input");
      box.type = "checkbox";
      box.id = row.id + "-choice-" + i;
      box.value = option;
      var label = el("label", "", option);
      label.htmlFor = box.id;
      line.appendChild(box);
      line.appendChild(label);
      group.appendChild(line);
    });
    if ((field.values || []).length > MAX_BOXES) {
      group.appendChild(el("p", "muted", "The first " + MAX_BOXES + " values; type the others."));
    }
    details.appendChild(group);
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      var chosen = value.value.split(";").map(function (part) { return part.trim(); });
      group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        box.checked = chosen.indexOf(box.value) !== -1;
      });
    });
    group.addEventListener("change", function (event) {
      event.stopPropagation();  // the Value's own change below is what the form hears
      var offered = values;
      var kept = value.value.split(";").map(function (part) { return part.trim(); })
        .filter(function (part) { return part && offered.indexOf(part) === -1; });
      var ticked = Array.prototype.filter.call(
        group.querySelectorAll("input[type=checkbox]"), function (box) { return box.checked; }
      ).map(function (box) { return box.value; });
      value.value = ticked.concat(kept).join(";");
      value.dispatchEvent(new Event("input", { bubbles: true }));
      value.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return details;
  }

  function update(row, value) {
    var field = byName.get((row.dataset.field || "").toLowerCase());
    var counter = row.querySelector(".value-count");
    var typed = value.value.replace(TOKEN, "");
    if (counter && field && field.length) {
      // Only what is typed can be counted: a reference's length is known row by row.
      var tokens = typed.length !== value.value.length;
      counter.hidden = tokens && typed.length === 0;
      counter.textContent = typed.length + " / " + field.length + " characters" +
        (tokens ? " typed, plus what the references bring" : "");
      counter.classList.toggle("over", typed.length > field.length);
    }
    var chips = row.querySelector(".value-chips");
    if (!chips) { return; }
    chips.replaceChildren();
    TOKEN.lastIndex = 0;
    if (!TOKEN.test(value.value)) { return; }
    chips.appendChild(el("span", "visually-hidden", "Reads as: "));
    var at = 0;
    value.value.replace(TOKEN, function (whole, name, offset) {
      if (offset > at) { chips.appendChild(el("span", "", value.value.slice(at, offset))); }
      var known = tokenNames.get(name);
      var chip = el("span", known ? "chip" : "chip unknown", known || whole + " (not a column or output of this sheet)");
      chip.title = whole;
      chips.appendChild(chip);
      at = offset + whole.length;
      return whole;
    });
    if (at < value.value.length) { chips.appendChild(el("span", "", value.value.slice(at))); }
  }

  function refreshAll() {
    readGuide();
    document.querySelectorAll("fieldset.field-row").forEach(function (row) {
      delete row.dataset.editor;
      refresh(row);
    });
  }

  document.addEventListener("input", function (event) {
    var row = event.target.closest ? event.target.closest("fieldset.field-row") : null;
    if (row && event.target.matches("input.field-name, input.field-value")) { refresh(row); }
  });
  document.addEventListener("change", function (event) {
    var row = event.target.closest ? event.target.closest("fieldset.field-row") : null;
    if (row && event.target.matches("input.field-name")) { refresh(row); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!(target instanceof HTMLElement)) { return; }
    if (target.id === "object-fields") { refreshAll(); }
    else if (target.id === "field-rows") {
      target.querySelectorAll("fieldset.field-row").forEach(refresh);
    }
  });
  document.addEventListener("DOMContentLoaded", refreshAll);

  // -- "Insert reference": one menu, opened under the row whose button was pressed ---------
  var menu = null;
  var opener = null;
  var selection = new WeakMap();  // each Value's last cursor, to insert where it was

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("field-value")) {
      selection.set(input, [input.selectionStart, input.selectionEnd]);
    }
  });

  function buildMenu() {
    var box = el("div", "token-menu");
    box.id = "token-menu";
    box.setAttribute("role", "menu");
    box.setAttribute("aria-label", "Columns and outputs");
    if (!guide.references.length) {
      box.appendChild(el("p", "muted", "This sheet has no columns or earlier outputs to refer to."));
    }
    var group = null;
    guide.references.forEach(function (ref) {
      if (ref.group !== group) {
        group = ref.group;
        var head = el("p", "token-group", group);
        head.setAttribute("role", "presentation");
        box.appendChild(head);
      }
      var item = el("button", "token-item", ref.label);
      item.type = "button";
      item.tabIndex = -1;
      item.setAttribute("role", "menuitem");
      item.dataset.token = ref.token;
      box.appendChild(item);
    });
    box.addEventListener("keydown", onMenuKey);
    box.addEventListener("click", function (event) {
      var item = event.target.closest(".token-item");
      if (item) { insert(item.dataset.token); }
    });
    return box;
  }

  function openMenu(button) {
    closeMenu(false);
    opener = button;
    menu = buildMenu();
    button.closest("fieldset.field-row").appendChild(menu);
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", "token-menu");
    var first = menu.querySelector(".token-item");
    if (first) { move(first); }
  }

  function closeMenu(refocus) {
    if (menu) { menu.remove(); }
    menu = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      opener.removeAttribute("aria-controls");
      if (refocus) { opener.focus(); }
    }
    opener = null;
  }

  function onMenuKey(event) {
    var items = Array.prototype.slice.call(menu.querySelectorAll(".token-item"));
    var at = items.indexOf(document.activeElement);
    var next = null;
    if (event.key === "ArrowDown") { next = items[(at + 1) % items.length]; }
    else if (event.key === "ArrowUp") { next = items[(at - 1 + items.length) % items.length]; }
    else if (event.key === "Home") { next = items[0]; }
    else if (event.key === "End") { next = items[items.length - 1]; }
    else if (event.key === "Escape") { event.preventDefault(); closeMenu(true); return; }
    else if (event.key === "Tab") { closeMenu(false); return; }
    else if (event.key.length === 1 && /\S/.test(event.key)) {
      // Type-ahead: the next item whose name starts with the letter typed.
      var letter = event.key.toLowerCase();
      for (var i = 1; i <= items.length; i++) {
        var item = items[(at + i) % items.length];
        if (item.textContent.toLowerCase().indexOf(letter) === 0) { next = item; break; }
      }
    }
    if (next) { event.preventDefault(); move(next); }
  }

  // A roving tabindex: the item with the focus is the menu's one stop in the tab order.
  function move(item) {
    menu.querySelectorAll(".token-item").forEach(function (other) { other.tabIndex = -1; });
    item.tabIndex = 0;
    item.focus();
  }

  function insert(token) {
    var row = opener ? opener.closest("fieldset.field-row") : null;
    var input = row ? row.querySelector("input.field-value") : null;
    closeMenu(false);
    if (!input) { return; }
    var kept = selection.get(input) || [input.value.length, input.value.length];
    var start = kept[0] === null ? input.value.length : kept[0];
    var end = kept[1] === null ? input.value.length : kept[1];
    input.value = input.value.slice(0, start) + token + input.value.slice(end);
    input.focus();
    input.setSelectionRange(start + token.length, start + token.length);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.token-button") : null;
    if (button) {
      if (opener === button) { closeMenu(true); } else { openMenu(button); }
      return;
    }
    if (menu && !menu.contains(event.target)) { closeMenu(false); }
  });
})();
