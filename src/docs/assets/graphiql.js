// Starts GraphiQL on the gateway's /graphql: plain application/json POSTs (which Apollo's CSRF
// prevention accepts), with whatever the Headers tab holds. An API key typed there is not
// persisted: headers stay out of the saved tabs (shouldPersistHeaders: false) and out of the
// saved history (the storage below).
(function () {
  'use strict';
  var NAMESPACE = 'graphiql:';

  // GraphiQL 3 saves each run's headers in its history ('graphiql:queries', 'graphiql:favorites')
  // whatever shouldPersistHeaders says. This storage drops them on the way to localStorage; the
  // history of the open tab still has them.
  function withoutHeaders(key, value) {
    if (key !== NAMESPACE + 'queries' && key !== NAMESPACE + 'favorites') return value;
    var saved = JSON.parse(value);
    Object.keys(saved).forEach(function (list) {
      if (Array.isArray(saved[list])) {
        saved[list].forEach(function (item) {
          delete item.headers;
        });
      }
    });
    return JSON.stringify(saved);
  }
  function ownKeys() {
    return Object.keys(window.localStorage).filter(function (key) {
      return key.indexOf(NAMESPACE) === 0;
    });
  }
  var storage = {
    getItem: function (key) {
      return window.localStorage.getItem(key);
    },
    setItem: function (key, value) {
      window.localStorage.setItem(key, withoutHeaders(key, value));
    },
    removeItem: function (key) {
      window.localStorage.removeItem(key);
    },
    clear: function () {
      ownKeys().forEach(function (key) {
        window.localStorage.removeItem(key);
      });
    },
    get length() {
      return ownKeys().length;
    },
  };

  var root = document.getElementById('graphiql');
  var fetcher = window.GraphiQL.createFetcher({
    url: root.dataset.graphqlUrl,
    enableIncrementalDelivery: false,
  });
  window.ReactDOM.createRoot(root).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      storage: storage,
      defaultHeaders: JSON.stringify({ Authorization: 'Bearer YOUR_API_KEY' }, null, 2),
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
      defaultQuery:
        '# The connector catalog. Put your API key in Headers below, then run (Ctrl-Enter).\n' +
        '{\n  connectors {\n    slug\n    name\n  }\n}\n',
    }),
  );
})();
