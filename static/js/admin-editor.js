// The admin's author pickers (select2) render a combobox named by an empty element: give
// each the name of the select it stands for, now and for credit rows added later.
"use strict";
(function () {
  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      var name = select.getAttribute("aria-label") || "Author";
      if (box && !box.hasAttribute("aria-label")) {
        box.setAttribute("aria-label", name);
        var shown = box.querySelector(".select2-selection__rendered");
        if (shown) { shown.setAttribute("aria-label", name); }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    nameComboboxes();
    new MutationObserver(nameComboboxes).observe(document.body, {childList: true, subtree: true});
  });
})();
