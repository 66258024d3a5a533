// Starts Swagger UI on the gateway's OpenAPI document. A file from the gateway, not an inline
// script, so the page's CSP needs no 'unsafe-inline' and no nonce.
(function () {
  'use strict';
  var root = document.getElementById('swagger-ui');
  var documentUrl = root.dataset.openapiUrl;

  function start(spec) {
    // The page is served by the gateway it documents, so "Try it out" goes to this page's own
    // origin first (the only one its CSP lets it call); the document's own servers follow.
    spec.servers = [{ url: window.location.origin, description: 'This gateway' }].concat(spec.servers || []);
    window.ui = window.SwaggerUIBundle({
      spec: spec,
      domNode: root,
      deepLinking: true,
      // Never load a document named in the page's query string (?url=...): only the gateway's own.
      queryConfigEnabled: false,
      // The default badge asks validator.swagger.io; this page talks to no other host.
      validatorUrl: null,
      persistAuthorization: false,
      displayRequestDuration: true,
    });
  }

  function fail(message) {
    var p = document.createElement('p');
    p.className = 'docs-note docs-error';
    p.textContent = 'Could not load the OpenAPI document (' + message + '): ' + documentUrl;
    root.replaceChildren(p);
  }

  window
    .fetch(documentUrl, { headers: { accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then(start, function (error) {
      fail(error.message);
    });
})();
