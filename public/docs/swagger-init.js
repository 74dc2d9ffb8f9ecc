// Starts Swagger UI on this API's own document. A file, not an inline script,
// so the page runs under a Content-Security-Policy without 'unsafe-inline' scripts.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: false,
});
