// The desk's queue refreshes itself while nobody is typing: a plain reload, as the
// "Refresh" link does without JavaScript.
(function () {
  var page = document.querySelector("[data-refresh-seconds]");
  if (!page) return;
  var seconds = parseInt(page.getAttribute("data-refresh-seconds"), 10) || 30;
  var touched = false;
  page.addEventListener("input", function () { touched = true; });
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    if (!touched && !typing) window.location.reload();
  }, seconds * 1000);
})();
