/* The bookbuilder without page loads, where scripts run: "Add to book" adds in place, and on
   the book's page moving, removing and naming a statement happen in place. Without
   JavaScript every form works as it is, one page load each (statements.interop.book). */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
  var HANDLED = "form.add-to-book, form.book-item-actions, form.book-title-form";
  var region = document.createElement("p");
  region.className = "book-status";
  region.setAttribute("role", "status");
  document.body.appendChild(region);

  function say(text) {
    region.textContent = text || "";
    region.classList.toggle("shown", Boolean(text));
  }

  function post(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.set(submitter.name, submitter.value); }
    // form.getAttribute: the form's own "action" field hides its property.
    return fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json"},
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  // The book's page drawn again from the server, focus kept on the statement just moved.
  function redraw(slug, action) {
    return fetch(window.location.pathname, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main) { return; }
        main.innerHTML = fresh.innerHTML;
        var field = slug && main.querySelector(".book-item-actions input[name='s'][value='" + CSS.escape(slug) + "']");
        var target = field && (field.form.querySelector("button[value='" + action + "']") || field.form.querySelector("button"));
        (target || main).focus();
      });
  }

  function plainly(form, submitter) {
    form.dataset.plain = "1";  // the form as it is, with a page load
    if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(HANDLED) || form.dataset.plain) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    post(form, submitter).then(function (answer) {
      if (form.matches(".add-to-book")) {
        var button = form.querySelector("button");
        if (answer.note === "added" || answer.note === "already") {
          // The words come from the page, in the interface's language.
          button.textContent = button.dataset.added || "In your book";
          if (button.dataset.addedLabel) { button.setAttribute("aria-label", button.dataset.addedLabel); }
        }
        say(answer.message);
        return null;
      }
      var slug = (form.querySelector("input[name='s']") || {}).value;
      var action = submitter ? submitter.value : "title";
      var said = {up: "Moved up.", down: "Moved down.", remove: "Removed from your book.",
                  title: "Title saved."}[action] || "";
      return redraw(slug, action).then(function () { say(said); });
    }).catch(function () { plainly(form, submitter); });
  });

  // The title is saved as it is changed: no button to press (it stays for no script).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.id === "book-title" && field.form && field.form.requestSubmit) { field.form.requestSubmit(); }
  });
})();
