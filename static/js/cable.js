// The cable page: copy a permalink or a citation; highlight the paragraph the URL points to.
// Everything works without it: the permalinks are links, and :target highlights on arrival.
(function () {
  "use strict";

  var status = document.querySelector(".copy-status");

  function announce(message) {
    if (!status) return;
    status.textContent = message;
    window.clearTimeout(announce.timer);
    announce.timer = window.setTimeout(function () { status.textContent = ""; }, 2500);
  }

  function copyWithSelection(text) {
    // For pages served over plain HTTP, where navigator.clipboard does not exist.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyWithSelection(text); });
    }
    return copyWithSelection(text);
  }

  function flash(button, label) {
    var original = button.textContent;
    button.textContent = label;
    button.classList.add("is-copied");
    window.setTimeout(function () {
      button.textContent = original;
      button.classList.remove("is-copied");
    }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy-link, button.copy-text");
    if (!button) return;
    var text = button.dataset.copy;
    if (!text && button.dataset.copyFrom) {
      var source = document.getElementById(button.dataset.copyFrom);
      text = source ? source.textContent : "";
    }
    if (!text) return;
    copy(text).then(
      function () { flash(button, "Copied"); announce("Copied: " + text.split("\n")[0]); },
      function () { announce("Could not copy. Select the text and copy it yourself."); }
    );
  });

  // :target does the highlighting; the class also covers in-page navigation and old browsers.
  function highlight() {
    var previous = document.querySelectorAll(".paragraph.is-highlighted");
    for (var i = 0; i < previous.length; i++) previous[i].classList.remove("is-highlighted");
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.classList.contains("paragraph")) target.classList.add("is-highlighted");
  }
  window.addEventListener("hashchange", highlight);
  highlight();
})();
