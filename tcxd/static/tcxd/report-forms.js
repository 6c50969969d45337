// Biểu thống kê: show the day input for member/organization forms and the period inputs for movement
// forms as the form is chosen (no inline script: CSP script-src 'self').
(function () {
  "use strict";
  const select = document.querySelector("[data-report-form-select]");
  if (!select) return;
  function sync() {
    const option = select.options[select.selectedIndex];
    const kind = option ? option.getAttribute("data-kind") : "";
    document.querySelectorAll("[data-kinds]").forEach(function (group) {
      const shown = group.getAttribute("data-kinds").split(" ").indexOf(kind) >= 0;
      group.hidden = !shown;
      group.querySelectorAll("input").forEach(function (input) { input.disabled = !shown; });
    });
  }
  select.addEventListener("change", sync);
  // the choice may have changed before this deferred script ran (a quick user, the browser restoring the page)
  sync();
})();
