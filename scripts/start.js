// `npm start` (and `npm run admin`, `npm run dev`): runs the built gateway, building dist/ first
// when it is stale (scripts/build.js), so `npm ci && npm start` needs no separate build step.
// The container runs `node dist/main.js` directly (Dockerfile). Stack traces point into the .ts
// files: source-map-support reads a .js file's map only when a stack is printed.
//
//   node scripts/start.js              the gateway (dist/main.js)
//   node scripts/start.js admin ...    the admin CLI (dist/cli/admin.js) with its arguments
'use strict';
const path = require('node:path');
const { ensureBuilt, DIST } = require('./build');

const ENTRIES = { admin: 'cli/admin.js' };
const entry = ENTRIES[process.argv[2]];
if (entry) process.argv.splice(2, 1);

ensureBuilt();
require('source-map-support').install({ environment: 'node' });
require(path.join(DIST, entry ?? 'main.js'));
