/* A first visit in another language than the reader's browser asks for is offered that
   language, never moved to it: a line above the page, with a link to the same page in it
   (from the switcher at the foot of the page), which the reader may close. Nothing happens
   once the reader has chosen a language or closed the offer. */
(function () {
  "use strict";
  var KEY = "archive-language-offer";
  var links = document.querySelectorAll("#languages a[hreflang]");
  var main = document.getElementById("main");
  if (!links.length || !main || !window.localStorage) { return; }
  try { if (localStorage.getItem(KEY)) { return; } } catch (e) { return; }
  var current = document.documentElement.lang.toLowerCase();
  var byCode = {};
  Array.prototype.forEach.call(links, function (link) {
    var code = link.getAttribute("hreflang").toLowerCase();
    byCode[code] = link;
    link.addEventListener("click", function () { localStorage.setItem(KEY, "chosen"); });
  });
  function match(tag) {
    tag = tag.toLowerCase();
    if (byCode[tag]) { return tag; }
    var primary = tag.split("-")[0];
    if (primary === "zh" && !/hant|tw|hk|mo/.test(tag)) { return byCode["zh-hans"] ? "zh-hans" : null; }
    return byCode[primary] ? primary : null;
  }
  var wanted = null;
  var asked = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < asked.length && !wanted; i++) { wanted = match(asked[i] || ""); }
  if (!wanted || wanted === current) { return; }
  var target = byCode[wanted];
  var offer = document.createElement("p");
  offer.className = "language-offer";
  offer.setAttribute("lang", wanted);
  offer.setAttribute("dir", target.getAttribute("data-dir") || "ltr");
  var go = document.createElement("a");
  go.href = target.getAttribute("href");
  go.textContent = target.getAttribute("data-offer") || target.textContent;
  go.addEventListener("click", function () { localStorage.setItem(KEY, "chosen"); });
  var close = document.createElement("button");
  close.type = "button";
  close.textContent = "×";
  close.setAttribute("aria-label", target.getAttribute("data-close") || "×");
  close.addEventListener("click", function () {
    localStorage.setItem(KEY, "closed");
    offer.remove();
  });
  offer.appendChild(go);
  offer.appendChild(document.createTextNode(" "));
  offer.appendChild(close);
  main.insertBefore(offer, main.firstChild);
})();
