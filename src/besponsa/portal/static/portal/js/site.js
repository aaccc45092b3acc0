// Progressive enhancement only: every feature here also works as plain HTML without this file.
(function () {
  "use strict";

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
    // Keep a focused element clear of the fixed tray (WCAG 2.4.11); CSS scroll-padding alone is not
    // honoured by every browser when focus moves by keyboard.
    document.addEventListener("focusin", function (event) {
      var target = event.target;
      if (!(target instanceof Element) || tray.contains(target)) return;
      if (getComputedStyle(tray).position !== "fixed") return;
      // After the browser's own scroll-into-view, which runs once focus handlers are done.
      window.requestAnimationFrame(function () {
        var overlap = target.getBoundingClientRect().bottom - tray.getBoundingClientRect().top;
        if (overlap > 0) window.scrollBy({top: overlap + 16, behavior: "instant"});
      });
    });
    tray.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });
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
    enhanceTray();
    enhanceGate();
  });
})();
