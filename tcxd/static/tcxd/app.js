// Small behaviours without inline scripts (CSP: script-src 'self').
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Tree: the first click on a toggle loads the children (htmx, "click once"); later clicks fold
// and unfold them without asking the server again.
document.addEventListener("click", function (event) {
  const button = event.target.closest(".tree-toggle[aria-controls]");
  if (!button || button.dataset.loaded !== "1") {
    return;
  }
  const target = document.getElementById(button.getAttribute("aria-controls"));
  if (!target) {
    return;
  }
  target.hidden = !target.hidden;
  button.setAttribute("aria-expanded", String(!target.hidden));
});
document.addEventListener("htmx:afterSwap", function (event) {
  const id = event.detail.target && event.detail.target.id;
  if (!id) {
    return;
  }
  const button = document.querySelector('.tree-toggle[aria-controls="' + id + '"]');
  if (button) {
    button.dataset.loaded = "1";
    button.setAttribute("aria-expanded", "true");
  }
});

// Pickers (e.g. administrative units): a suggestion button fills its input and the list closes.
document.addEventListener("click", function (event) {
  const option = event.target.closest("[data-fill]");
  if (!option) {
    return;
  }
  const input = document.getElementById(option.getAttribute("data-fill"));
  if (!input) {
    return;
  }
  input.value = option.getAttribute("data-value");
  const list = option.parentElement;
  if (list) {
    list.replaceChildren();
  }
  input.focus();
});
