// The require hook that runs our TypeScript without a build step: `node -r ./scripts/register.js`
// in `npm start`, `npm run dev` and `npm run admin`, and in the embedded database's worker thread.
//
// It is @swc-node/register cut down to what this repository needs, because that package loads the
// whole TypeScript compiler on every start (to read tsconfig.json): ~0.4 s of CPU per start.
// - The options are tsconfig.json's, written out for SWC (jest.config.js hands @swc/jest the same):
//   legacy decorators with decorator metadata, which TypeORM and class-validator read.
// - Output is cached in node_modules/.cache/ts-register, keyed by file, content, options and SWC
//   version; on a warm start SWC is not even loaded.
// - Stack traces point into the .ts files: source-map-support maps their frames when a stack is
//   printed. Node's --enable-source-maps would do it too, but reads and parses every source map
//   that node_modules ships (typeorm's ~1,000) on every start: ~0.15 s. An inline map is kept as
//   well, for debuggers.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

const OPTIONS = {
  swcrc: false,
  configFile: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};
const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'ts-register');
const SALT = `${require('@swc/core/package.json').version}\n${JSON.stringify(OPTIONS)}\n`;

/** Source maps of the files compiled here, for stack traces. */
const maps = new Map();

function transform(source, filename) {
  const { code, map } = require('@swc/core').transformSync(source, { ...OPTIONS, filename });
  const inline = `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(map).toString('base64')}`;
  return { code: code + inline, map };
}

function compile(source, filename) {
  const key = crypto.createHash('sha256').update(SALT).update(filename).update('\0').update(source);
  const file = path.join(CACHE_DIR, `${key.digest('hex')}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // not cached yet (or unreadable): compile and try to cache
  }
  const output = transform(source, filename);
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.${threadId}`;
    fs.writeFileSync(partial, JSON.stringify(output));
    fs.renameSync(partial, file); // whole files only, when processes compile at the same time
  } catch {
    // a read-only checkout still runs, uncached
  }
  return output;
}

Module._extensions['.ts'] = (module, filename) => {
  const { code, map } = compile(fs.readFileSync(filename, 'utf8'), filename);
  maps.set(filename, map);
  module._compile(code, filename);
};

require('source-map-support').install({
  environment: 'node',
  retrieveSourceMap: (file) => (maps.has(file) ? { url: file, map: maps.get(file) } : null),
});
