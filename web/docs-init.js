// Starts Swagger UI on /docs/ (a file of its own: the server's
// Content-Security-Policy allows no inline script).
// BaseLayout: no top bar with a URL box, since this page documents this server only.
window.ui = SwaggerUIBundle({
  url: "../openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,  // the API key survives a reload
  validatorUrl: null,          // offline: never ask validator.swagger.io
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
