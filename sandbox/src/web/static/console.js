// Keeps the console current: every 2 s it fetches the same page and swaps the live regions
// (partners, orders, feed), except one holding the keyboard focus, so nobody loses their place.
(function () {
  "use strict";
  var ids = ["partners", "orders", "feed"];
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
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
