// Account forms: after a refused submission, move focus to the error summary so keyboard and
// screen-reader users land on the list of problems (each links to its field). Works without it too.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
