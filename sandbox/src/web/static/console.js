// Keeps the console current: every 2 s it fetches the same page and swaps the live regions
// (partners, orders, feed), except one holding the keyboard focus, so nobody loses their place,
// and never once a form is being submitted (the form must stay in the page).
(function () {
  "use strict";
  var ids = ["partners", "orders", "feed"];
  var submitting = false;
  document.addEventListener("submit", function () {
    submitting = true;
  }, true);
  function refresh() {
    if (submitting) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        if (submitting) {
          return;
        }
        var next = new DOMParser().parseFromString(html, "text/html");
        ids.forEach(function (id) {
          var now = document.getElementById(id);
          var fresh = next.getElementById(id);
          if (now && fresh && !now.contains(document.activeElement)) {
            now.replaceWith(document.adoptNode(fresh));
          }
        });
      })
      .catch(function () {})
      .finally(function () {
        window.setTimeout(refresh, 2000);
      });
  }
  window.setTimeout(refresh, 2000);
})();
