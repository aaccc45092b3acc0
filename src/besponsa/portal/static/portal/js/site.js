// Progressive enhancement only: every feature here also works as plain HTML without this file.
(function () {
  "use strict";

  function enhanceMenu() {
    var menu = document.querySelector("[data-menu]");
    if (!menu) return;
    var summary = menu.querySelector("summary");
    var wide = window.matchMedia("(min-width: 64rem)");
    // Browsers without ::details-content cannot show a closed <details>' content on wide screens.
    var native = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    function sync() {
      if (!native && wide.matches) menu.open = true;
    }
    sync();
    wide.addEventListener("change", sync);
    // Escape closes the open menu (phones) and returns focus to its button; nothing is trapped.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.open || wide.matches) return;
      menu.open = false;
      summary.focus();
    });
  }

  function enhanceTray() {
    var tray = document.querySelector("[data-isi-tray]");
    if (!tray) return;
    var toggle = tray.querySelector("[data-isi-toggle]");
    var full = tray.querySelector("[data-isi-full]");
    toggle.hidden = false;

    function set(expanded) {
      toggle.setAttribute("aria-expanded", String(expanded));
      toggle.textContent = expanded ? "Show less" : "Show more";
      full.hidden = !expanded;
      tray.classList.toggle("is-expanded", expanded);
    }
    toggle.addEventListener("click", function () {
      var expanded = toggle.getAttribute("aria-expanded") !== "true";
      set(expanded);
      if (expanded) full.focus();
    });
    tray.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });

    // Keep a focused element clear of the fixed tray (WCAG 2.4.11); CSS scroll-padding alone is not
    // honored by every browser when focus moves by keyboard.
    document.addEventListener("focusin", function (event) {
      var target = event.target;
      if (!(target instanceof Element) || tray.contains(target)) return;
      window.requestAnimationFrame(function () {
        if (tray.classList.contains("is-yielding")) return;
        var overlap = target.getBoundingClientRect().bottom - tray.getBoundingClientRect().top;
        if (overlap > 0) window.scrollBy({top: overlap + 16, behavior: "instant"});
      });
    });

    // The tray yields (slides away) while the page's own full ISI is on screen, unless it is in use.
    var inPage = document.querySelector("[data-isi-full-page]");
    if (inPage && "IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        var visible = entries[0].isIntersecting;
        var inUse = tray.contains(document.activeElement) || toggle.getAttribute("aria-expanded") === "true";
        tray.classList.toggle("is-yielding", visible && !inUse);
      }).observe(inPage);
    }
  }

  // Wide data tables stack into labelled rows on phones (CSS); a table rendered without data-label
  // attributes (tool results, inserted later too) gets them from its column headers here.
  function labelTable(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    var labels = [];
    heads.forEach(function (th) {
      for (var i = 0; i < (th.colSpan || 1); i += 1) labels.push(th.textContent.trim());
    });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && labels[column]) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  }
  function enhanceTables() {
    document.querySelectorAll("table.data-table").forEach(labelTable);
    var main = document.getElementById("main");
    if (!main || !("MutationObserver" in window)) return;
    new MutationObserver(function () {
      main.querySelectorAll("table.data-table").forEach(labelTable);
    }).observe(main, {childList: true, subtree: true});
  }

  function enhanceGate() {
    var dialog = document.querySelector("[data-gate-dialog]");
    var page = document.querySelector("[data-gate-page]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    // The same question as a modal dialog; the page copy is removed so it is asked once.
    page.remove();
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });
    dialog.showModal();
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceMenu();
    enhanceTray();
    enhanceTables();
    enhanceGate();
  });
})();
