// The admin's author pickers (select2) render a combobox named by an empty element: give
// each the name of the select it stands for, now and for credit rows added later.
"use strict";
// The words these scripts show, in the editor's language: read from the page
// (templates/admin/statements/statement/change_form.html), English where it has none.
function editorWord(name, english) {
  var words = document.getElementById("editor-words");
  return (words && words.dataset[name]) || english;
}
(function () {
  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      var name = select.getAttribute("aria-label") || editorWord("author", "Author");
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

// Credits in order without typing numbers: each credit row gets "Move up" and "Move down"
// buttons, and the hidden position fields follow the rows' order (rows with an author only,
// so that an empty extra row stays unchanged and is ignored on save). Without JavaScript the
// position numbers stay editable.
(function () {
  function creditRows(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll("tbody tr.form-row"),
      function (row) { return !row.classList.contains("empty-form") && row.querySelector("td.field-position input"); }
    );
  }
  function renumber(group) {
    var position = 0;
    creditRows(group).forEach(function (row) {
      var author = row.querySelector("select[name$='-author']");
      if (author && author.value) {
        row.querySelector("td.field-position input").value = position;
        position += 1;
      }
    });
  }
  function moveButton(label, text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "credit-move";
    button.setAttribute("aria-label", label);
    button.textContent = text;
    return button;
  }
  function makeOrderable(group, row) {
    if (row.dataset.orderable) { return; }
    row.dataset.orderable = "yes";
    var cell = row.querySelector("td.field-position");
    cell.querySelector("input").type = "hidden";
    var up = moveButton(editorWord("moveUp", "Move this credit up"), "↑ " + editorWord("up", "Up"));
    var down = moveButton(
      editorWord("moveDown", "Move this credit down"), "↓ " + editorWord("down", "Down")
    );
    up.addEventListener("click", function () {
      var rows = creditRows(group), index = rows.indexOf(row);
      if (index > 0) { row.parentNode.insertBefore(row, rows[index - 1]); renumber(group); up.focus(); }
    });
    down.addEventListener("click", function () {
      var rows = creditRows(group), index = rows.indexOf(row);
      if (index >= 0 && index < rows.length - 1) {
        row.parentNode.insertBefore(rows[index + 1], row); renumber(group); down.focus();
      }
    });
    cell.appendChild(up);
    cell.appendChild(down);
  }
  function setUp() {
    var group = document.getElementById("authorships-group");
    if (!group) { return; }
    creditRows(group).forEach(function (row) { makeOrderable(group, row); });
    var form = group.closest("form");
    if (form) { form.addEventListener("submit", function () { renumber(group); }); }
    document.addEventListener("formset:added", function (event) {
      if (event.detail && event.detail.formsetName === "authorships") {
        makeOrderable(group, event.target);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();

// Tags picked from suggestions as the editor types (near spellings included), or typed anew:
// a select2 in "tags" mode stands for the comma-separated tags field, which it keeps filled.
(function () {
  // The archive's tag strings (core.tagging): names separated by commas, nothing quoted.
  function parseTags(text) {
    return text.split(",").map(function (n) { return n.trim(); }).filter(Boolean);
  }
  function writeTags(names) {
    return names.map(function (n) { return n.replace(/,/g, " ").trim(); }).join(", ");
  }
  function setUp() {
    var input = document.getElementById("id_tags");
    var $ = window.django && window.django.jQuery;
    if (!input || !$ || !$.fn.select2 || !input.dataset.suggestUrl) { return; }
    var select = document.createElement("select");
    select.multiple = true;
    select.id = "id_tags_picker";
    select.className = "tag-picker";
    select.setAttribute("aria-label", editorWord("tags", "Tags"));
    parseTags(input.value).forEach(function (name) {
      var option = new Option(name, name, true, true);
      select.appendChild(option);
    });
    input.parentNode.insertBefore(select, input.nextSibling);
    input.hidden = true;
    var label = document.querySelector("label[for='id_tags']");
    if (label) { label.htmlFor = "id_tags_picker"; }
    $(select).select2({
      tags: true,
      tokenSeparators: [","],
      width: "100%",
      minimumInputLength: 1,
      ajax: {url: input.dataset.suggestUrl, dataType: "json", delay: 150,
             data: function (params) { return {term: params.term}; }},
      createTag: function (params) {
        var name = params.term.trim();
        return name ? {id: name, text: name + " " + editorWord("newTag", "(new tag)"), newTag: true} : null;
      },
    });
    $(select).on("change", function () {
      input.value = writeTags($(select).val() || []);
    });
    var search = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-search__field");
    if (search) { search.setAttribute("aria-label", editorWord("tags", "Tags")); }
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
