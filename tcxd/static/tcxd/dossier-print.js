// Print page of the phiếu đảng viên: the "In phiếu" button (no inline scripts under the CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print-page]")) {
    window.print();
  }
});
