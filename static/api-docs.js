// Starts the vendored Swagger UI on /api/docs (no inline script: the CSP stays script-src 'self').
// The document's address comes from the page (data-openapi-url); nothing is fetched elsewhere.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: false,
    validatorUrl: null, // never the public validator.swagger.io
    tryItOutEnabled: false,
    persistAuthorization: false, // a token typed into Authorize is forgotten with the page
    withCredentials: false, // no cookies: the API signs in with a token only
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
