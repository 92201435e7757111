// The field finder: every Field input of the mapping table and the Salesforce object picker
// become an ARIA 1.2 combobox (editable, list autocomplete, manual selection) over ONE shared
// listbox popup, moved under whichever input is being worked on. Without this script the
// inputs keep their native datalists, so nothing is lost.
//
// Keys, also said in the visually hidden help each input is described by:
//   typing opens the list and filters it (label, API name and type; words in any order)
//   Down / Up move through it (Down opens it; Alt+Down opens it without moving; Alt+Up closes)
//   Enter chooses the highlighted option (with none, it closes the list and commits the text
//     as typed, as Enter in a text box does); it never submits the form
//   Escape closes the list (a second Escape leaves the text as typed)
//   Tab closes the list and keeps the text as typed: nothing is chosen for the user
//   Alt+1 / Alt+2 / Alt+3 toggle the Required / Unmapped / Custom filters (fields only):
//     the filter buttons are in the popup for the mouse, but Tab leaves the input, so the
//     keyboard reaches them with these keys instead.
(function () {
  "use strict";

  var SHOWN = 50;  // options drawn at once: enough to scan, few enough to draw per keystroke
  var OBJECT_ID = "salesforce_object";
  var LISTBOX_ID = "finder-listbox";
  var HELP = {
    fields: "Type to search the fields by label, API name or type, words in any order. " +
      "Down and Up arrows move through the list, Enter chooses, Escape closes it, and Tab " +
      "leaves the text as typed. Alt+1 shows only required fields, Alt+2 only fields no " +
      "other row maps, Alt+3 only custom fields; press again to show all.",
    objects: "Type to search the objects by label or API name, words in any order. Down " +
      "and Up arrows move through the list, Enter chooses, Escape closes it, and Tab " +
      "leaves the text as typed."
  };
  var KEYS_HINT = {
    fields: "↑↓ move · Enter chooses · Esc closes · Alt+1, 2, 3 filter",
    objects: "↑↓ move · Enter chooses · Esc closes"
  };
  // Filters of the list of fields; several pressed at once must all hold.
  var FILTERS = [
    { key: "required", text: "Required", digit: "1",
      keep: function (entry) { return entry.required; } },
    { key: "unmapped", text: "Unmapped", digit: "2",
      keep: function (entry, mapped) { return !mapped.has(entry.nameKey); } },
    { key: "custom", text: "Custom", digit: "3",
      keep: function (entry) { return entry.custom; } }
  ];

  // --- what can be found: built once per #field-guide or #sf-objects ----------------------

  function entry(name, label, summary, extra) {
    label = label || name;
    var item = {
      name: name,
      label: label,
      summary: summary || "",
      required: !!extra.required,
      custom: !!extra.custom,
      locked: extra.locked || "",
      nameKey: name.toLowerCase(),
      labelKey: label.toLowerCase()
    };
    item.hay = (label + " " + name + " " + item.summary).toLowerCase();
    return item;
  }

  // Keyed by the element read: htmx swaps in a new #field-guide with every new object, and
  // an element that is still the same one needs no second parse.
  var fieldCatalogue = { source: null, text: null, title: "Fields", entries: [] };
  // Not "Salesforce objects": a label holding "Salesforce object" would name the input too.
  var OBJECTS_TITLE = "Objects of the connected org";
  var objectCatalogue = { source: null, size: -1, title: OBJECTS_TITLE, entries: [] };

  function readFieldGuide() {
    // The JSON is in a <template> (htmx drops the <script> tags it swaps in): in .content.
    var guide = document.getElementById("field-guide");
    var text = guide ? (guide.content || guide).textContent : null;
    if (guide === fieldCatalogue.source && text === fieldCatalogue.text) { return fieldCatalogue; }
    fieldCatalogue = { source: guide, text: text, title: "Fields", entries: [] };
    var parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch (ignored) { parsed = null; }
    if (parsed && Array.isArray(parsed.fields)) {
      if (parsed.object) { fieldCatalogue.title = "Fields of " + parsed.object; }
      fieldCatalogue.entries = parsed.fields.filter(function (field) {
        return field && typeof field.name === "string" && field.name;
      }).map(function (field) {
        return entry(field.name, field.label, field.summary, field);
      });
    }
    return fieldCatalogue;
  }

  function readObjects() {
    var list = document.getElementById("sf-objects");
    var size = list ? list.options.length : -1;
    if (list === objectCatalogue.source && size === objectCatalogue.size) {
      return objectCatalogue;
    }
    objectCatalogue = {
      source: list, size: size, title: OBJECTS_TITLE,
      entries: list ? fromDatalist(list, function (text) { return text; }) : []
    };
    return objectCatalogue;
  }

  function fromDatalist(list, labelOf) {
    return Array.prototype.map.call(list.options, function (option) {
      return entry(option.value, labelOf(option.textContent.trim()), "", {});
    }).filter(function (item) { return item.name; });
  }

  // Exact API name or label first, then those starting with what was typed, then the rest
  // that hold every typed word somewhere; the catalogue's own order within each rank.
  function search(entries, query, keep) {
    var whole = query.trim().toLowerCase();
    var words = whole.split(/\s+/).filter(Boolean);
    var ranks = [[], [], []];
    for (var i = 0; i < entries.length; i++) {
      var item = entries[i];
      if (keep && !keep(item)) { continue; }
      var all = true;
      for (var w = 0; w < words.length && all; w++) { all = item.hay.indexOf(words[w]) !== -1; }
      if (!all) { continue; }
      var rank = 2;
      if (whole && (item.nameKey === whole || item.labelKey === whole)) {
        rank = 0;
      } else if (whole && (item.nameKey.startsWith(whole) || item.labelKey.startsWith(whole))) {
        rank = 1;
      }
      ranks[rank].push(item);
    }
    return ranks[0].concat(ranks[1], ranks[2]);
  }

  // --- the popup: built once, parked at the end of the body while closed -------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  var popup = element("div", "finder");
  popup.hidden = true;
  // The mapping table sits in a polite live region (#object-fields): the list is redrawn on
  // every keystroke and must not be read out each time.
  popup.setAttribute("aria-live", "off");
  var panel = element("div", "finder-panel");
  var filterBar = element("div", "finder-filters");
  filterBar.setAttribute("role", "group");
  filterBar.setAttribute("aria-label", "Show only");
  var filterLabel = element("span", "finder-filters-label", "Show only");
  filterLabel.setAttribute("aria-hidden", "true");  // the group is named so already
  filterBar.appendChild(filterLabel);
  var filterButtons = {};
  FILTERS.forEach(function (filter) {
    var button = element("button", "button finder-filter", filter.text);
    button.type = "button";
    button.tabIndex = -1;  // reached with Alt+digit: Tab leaves the input and closes the list
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-keyshortcuts", "Alt+" + filter.digit);
    button.setAttribute("data-filter", filter.key);
    filterButtons[filter.key] = button;
    filterBar.appendChild(button);
  });
  var listbox = element("ul", "finder-list");
  listbox.id = LISTBOX_ID;
  listbox.setAttribute("role", "listbox");
  var more = element("p", "finder-more");
  var keysHint = element("p", "finder-keys");
  keysHint.setAttribute("aria-hidden", "true");  // the input's description says it in words
  panel.append(filterBar, listbox, more, keysHint);
  popup.appendChild(panel);

  function helpText(kind) {
    var help = element("p", "visually-hidden", HELP[kind]);
    help.id = "finder-help-" + kind;
    return help;
  }
  // Inside <main>: axe wants all content, hidden help included, in a landmark.
  var home = document.querySelector("main") || document.body;
  home.append(helpText("fields"), helpText("objects"), popup);

  var state = {
    input: null,      // the input the list is open under; null while closed
    kind: "fields",   // "fields" or "objects"
    catalogue: null,
    shown: [],        // the entries drawn, in order
    active: -1,       // the highlighted one, an index into shown
    filters: {},      // filter key -> pressed
    filtersFor: null, // the input the filters were pressed for: a new row starts without
    mapped: null      // lower-cased names the other rows map
  };

  // --- enhancing the inputs -----------------------------------------------------------------

  function kindOf(input) {
    if (!(input instanceof HTMLInputElement) || input.readOnly || input.matches(":disabled")) {
      return null;  // a viewer's form is a disabled fieldset: nothing to choose there
    }
    if (input.classList.contains("field-name")) { return "fields"; }
    // Without its datalist the picker is read-only, keeping the saved object: nothing to find.
    if (input.id === OBJECT_ID && document.getElementById("sf-objects")) { return "objects"; }
    return null;
  }

  function enhance(input) {
    var kind = kindOf(input);
    if (!kind) { return; }
    // Rows swapped in by htmx come with list="…" again: the native datalist must not pop up
    // over the finder's list.
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", LISTBOX_ID);
    input.setAttribute("aria-expanded", state.input === input ? "true" : "false");
    input.setAttribute("autocomplete", "off");
    var help = "finder-help-" + kind;
    var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (described.indexOf(help) === -1) {
      described.push(help);
      input.setAttribute("aria-describedby", described.join(" "));
    }
  }

  function enhanceAll() {
    document.querySelectorAll("input.field-name, #" + OBJECT_ID).forEach(enhance);
  }

  // --- opening, drawing, moving, choosing ---------------------------------------------------

  function mappedElsewhere(input) {
    var names = new Set();
    document.querySelectorAll("input.field-name").forEach(function (other) {
      var name = other.value.trim().toLowerCase();
      if (other !== input && name) { names.add(name); }
    });
    return names;
  }

  function keepEntry() {
    var pressed = FILTERS.filter(function (filter) { return state.filters[filter.key]; });
    if (!pressed.length) { return null; }
    var mapped = state.mapped;
    return function (item) {
      return pressed.every(function (filter) { return filter.keep(item, mapped); });
    };
  }

  function optionFor(item, index, total) {
    var option = element("li", "finder-option");
    option.id = "finder-option-" + index;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.setAttribute("aria-posinset", String(index + 1));
    option.setAttribute("aria-setsize", String(total));
    var parts = [["finder-label", item.label], ["finder-name", item.name]];
    if (item.summary) { parts.push(["finder-type", item.summary]); }
    if (item.required && !item.locked) { parts.push(["finder-required", "required"]); }
    if (item.locked) {
      parts.push(["finder-locked", item.locked]);
      option.setAttribute("aria-disabled", "true");
    }
    parts.forEach(function (part, i) {
      if (i) { option.appendChild(element("span", "finder-sep", " · ")); }
      option.appendChild(element("span", part[0], part[1]));
    });
    return option;
  }

  function render() {
    var matches = search(state.catalogue.entries, state.input.value, keepEntry());
    state.shown = matches.slice(0, SHOWN);
    state.active = -1;
    state.input.removeAttribute("aria-activedescendant");
    var options = document.createDocumentFragment();
    state.shown.forEach(function (item, i) {
      options.appendChild(optionFor(item, i, matches.length));
    });
    listbox.replaceChildren(options);
    listbox.scrollTop = 0;
    if (!matches.length) {
      more.textContent = "No " + (state.kind === "fields" ? "field" : "object") + " matches" +
        (keepEntry() ? " with these filters." : ".");
    } else if (matches.length > state.shown.length) {
      more.textContent = (matches.length - state.shown.length) + " more: keep typing";
    } else {
      more.textContent = "";
    }
  }

  function showFilters() {
    FILTERS.forEach(function (filter) {
      var pressed = state.filters[filter.key] ? "true" : "false";
      filterButtons[filter.key].setAttribute("aria-pressed", pressed);
    });
  }

  // Below the input, or above it when the window (less the sticky Save/Push bar) has no room
  // below and more above. Decided once per opening, so the list does not jump while typing.
  function place(input) {
    popup.classList.remove("finder-up");
    input.after(popup);
    popup.hidden = false;
    var box = input.getBoundingClientRect();
    var height = panel.getBoundingClientRect().height;
    var floor = window.innerHeight;
    var bar = document.getElementById("save-bar");
    if (bar && !input.closest("#save-bar")) {
      floor = Math.min(floor, bar.getBoundingClientRect().top);
    }
    if (box.bottom + height > floor && box.top - height > 0) {
      popup.classList.add("finder-up");
      input.before(popup);
    }
  }

  function open(input, highlightAt) {
    var kind = kindOf(input);
    if (!kind) { return; }
    enhance(input);
    var catalogue = kind === "fields" ? readFieldGuide() : readObjects();
    if (!catalogue.entries.length) { return; }  // nothing known to find: the text is all
    if (state.input && state.input !== input) { close(); }
    var opening = state.input !== input;
    state.input = input;
    state.kind = kind;
    state.catalogue = catalogue;
    if (state.filtersFor !== input) {
      state.filters = {};
      state.filtersFor = input;
    }
    state.mapped = kind === "fields" ? mappedElsewhere(input) : new Set();
    filterBar.hidden = kind !== "fields";
    showFilters();
    keysHint.textContent = KEYS_HINT[kind];
    listbox.setAttribute("aria-label", state.catalogue.title);
    input.setAttribute("aria-expanded", "true");
    render();
    if (opening) { place(input); }
    if (highlightAt === "first") { highlight(0); }
    if (highlightAt === "last") { highlight(state.shown.length - 1); }
  }

  function close() {
    var input = state.input;
    if (!input) { return; }
    state.input = null;
    state.shown = [];
    state.active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    popup.hidden = true;
    listbox.replaceChildren();
    home.appendChild(popup);  // never inside a part htmx is about to swap out
  }

  function highlight(index) {
    var options = listbox.children;
    if (options[state.active]) { options[state.active].setAttribute("aria-selected", "false"); }
    state.active = index >= 0 && index < options.length ? index : -1;
    if (state.active < 0) {
      state.input.removeAttribute("aria-activedescendant");
      return;
    }
    var option = options[state.active];
    option.setAttribute("aria-selected", "true");
    state.input.setAttribute("aria-activedescendant", option.id);
    // Scroll the list (not the page) just enough to show the option.
    var top = option.offsetTop;
    var bottom = top + option.offsetHeight;
    if (top < listbox.scrollTop) {
      listbox.scrollTop = top;
    } else if (bottom > listbox.scrollTop + listbox.clientHeight) {
      listbox.scrollTop = bottom - listbox.clientHeight;
    }
  }

  function move(step, wrap) {
    var count = state.shown.length;
    if (!count) { return; }
    var next;
    if (state.active < 0) {
      next = step > 0 ? 0 : count - 1;
    } else if (wrap) {
      next = (state.active + step + count) % count;
    } else {
      next = Math.max(0, Math.min(count - 1, state.active + step));
    }
    highlight(next);
  }

  // The value is the API name; `input` and `change` bubble as if typed, so the pre-flight
  // check, the row helpers and htmx (the object picker loads its fields on change) react.
  function choose(index) {
    var item = state.shown[index];
    if (!item || item.locked) { return; }  // a locked field is listed to say why, not to pick
    var input = state.input;
    close();
    input.value = item.name;
    input.setSelectionRange(item.name.length, item.name.length);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    commit(input);
  }

  // `change` now, as leaving the input would send it. Enter in a text box commits its text
  // too, but the finder keeps Enter from the browser (it must never submit the form).
  function commit(input) {
    announced.set(input, input.value);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Chromium still fires its own `change` when the input is left, as a value set by a script
  // does not reset what it compares against: for the object picker that would load the same
  // fields twice. That duplicate is stopped (in the capture phase, before htmx hears it)
  // unless the text changed since it was chosen.
  var announced = new WeakMap();  // input -> the value its last `change` announced
  var committed = new WeakMap();  // input -> its value when focused or last changed
  window.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement)) { return; }
    if (event.isTrusted && announced.has(input)) {
      var value = announced.get(input);
      announced.delete(input);
      if (input.value === value) {
        event.stopImmediatePropagation();
        return;
      }
    }
    committed.set(input, input.value);
  }, true);

  function toggleFilter(key) {
    state.filters[key] = !state.filters[key];
    showFilters();
    render();
  }

  // --- events, delegated: rows come and go with htmx ----------------------------------------

  document.addEventListener("focusin", function (event) {
    enhance(event.target);
    if (kindOf(event.target)) { committed.set(event.target, event.target.value); }
  });

  document.addEventListener("focusout", function (event) {
    if (state.input && event.target === state.input) { close(); }
  });

  // Only the user's own typing opens the list: a value set by a script (this one when
  // choosing, the row helpers, htmx) must not pop it up.
  document.addEventListener("input", function (event) {
    if (!event.isTrusted || !kindOf(event.target)) { return; }
    announced.delete(event.target);  // typed since: the browser's own `change` is news again
    open(event.target);
  });

  // What each key does in a finder's input, given whether its list is open; true when the
  // browser must not do its own thing with the key.
  var KEYS = {
    ArrowDown: function (input, isOpen, event) {
      if (!isOpen) {
        open(input, event.altKey ? null : "first");
      } else if (!event.altKey) {
        move(1, true);
      }
      return true;
    },
    ArrowUp: function (input, isOpen, event) {
      if (!isOpen) {
        open(input, "last");
      } else if (event.altKey) {
        close();
      } else {
        move(-1, true);
      }
      return true;
    },
    PageDown: function (input, isOpen) {
      if (isOpen) { move(10, false); }
      return isOpen;
    },
    PageUp: function (input, isOpen) {
      if (isOpen) { move(-10, false); }
      return isOpen;
    },
    Enter: function (input, isOpen) {
      if (isOpen && state.active >= 0) {
        choose(state.active);
      } else {
        close();
        if (committed.has(input) && committed.get(input) !== input.value) { commit(input); }
      }
      return true;  // a finder never submits the form
    },
    Escape: function (input, isOpen) {
      close();  // a second Escape does nothing: the text stays as typed
      return isOpen;
    },
    Tab: function () {
      close();  // and the focus moves on, the text as typed
      return false;
    },
    Home: editText,
    End: editText,
    ArrowLeft: editText,
    ArrowRight: editText
  };

  function editText(input, isOpen) {
    if (isOpen) { highlight(-1); }  // visual focus back on the text being edited
    return false;
  }

  // Alt+1, 2, 3 in a Field input toggle the filters, opening the list if need be. The key's
  // code is read too: on a Mac, Option+1 types "¡".
  function filterKey(input, isOpen, event) {
    var match = /^Digit([1-3])$/.exec(event.code || "") || /^([1-3])$/.exec(event.key || "");
    var plainAlt = event.altKey && !event.ctrlKey && !event.metaKey;
    if (!match || !plainAlt || kindOf(input) !== "fields") { return false; }
    if (!isOpen) { open(input); }
    if (state.input === input) { toggleFilter(FILTERS[Number(match[1]) - 1].key); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!kindOf(input) || event.isComposing) { return; }
    var isOpen = state.input === input;
    var known = Object.prototype.hasOwnProperty.call(KEYS, event.key);
    var handle = known ? KEYS[event.key] : filterKey;
    if (handle(input, isOpen, event)) { event.preventDefault(); }
  });

  // The popup never takes the focus: a press on it would blur the input and close it.
  popup.addEventListener("mousedown", function (event) { event.preventDefault(); });

  popup.addEventListener("click", function (event) {
    if (!state.input) { return; }
    var button = event.target.closest("button[data-filter]");
    if (button) {
      toggleFilter(button.getAttribute("data-filter"));
      return;
    }
    var option = event.target.closest("[role=option]");
    if (option) { choose(Array.prototype.indexOf.call(listbox.children, option)); }
  });

  // After every swap: enhance the new rows, and read a new guide or object list now, so the
  // first keystroke finds them ready. A list left open under an input that is gone closes.
  document.addEventListener("htmx:afterSettle", function () {
    enhanceAll();
    var fields = fieldCatalogue;
    var objects = objectCatalogue;
    readFieldGuide();
    readObjects();
    if (state.input && !state.input.isConnected) {
      close();
    } else if (state.input && (fields !== fieldCatalogue || objects !== objectCatalogue)) {
      var input = state.input;
      close();
      open(input);  // the same text, searched in what is now known
    }
  });

  enhanceAll();
})();
