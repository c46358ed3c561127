/* The printable copy: the "Print" button opens the browser's print dialog. Without JavaScript the
   button stays hidden and the page says how to print from the browser. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
