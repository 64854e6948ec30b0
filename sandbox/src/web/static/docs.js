// Starts Swagger UI on /docs (an external file: the Content-Security-Policy allows no inline
// script), and authorises "try it" with the sandbox key the page offers.
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var key = root.dataset.key;
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: function () {
      if (key) {
        window.ui.preauthorizeApiKey("bearerAuth", key);
      }
    },
  });
});
