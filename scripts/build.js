// `npm run build`: compiles src/ to dist/ with SWC (the options are .swcrc's, which jest.config.js
// hands @swc/jest too), each .js with its source map beside it, and copies src/'s other files (the
// docs pages' assets, the catalog's YAML), and bundles the built-in catalog into one checked JSON file
// (bundleCatalog). dist/ mirrors src/, so `path.resolve(__dirname, '../../schema')` finds the
// same files from either. The build goes to a directory of its own and replaces dist/ whole, so a
// process starting meanwhile never sees half of one.
//
// `ensureBuilt()` (scripts/start.js, the tests' global setup) builds only when dist/ is stale: its
// stamp is a fingerprint of every file under src/ (path, size, modification time), SWC's version
// and .swcrc, so a fresh checkout, an edit or an upgrade rebuilds and nothing else does. Checking
// costs a stat per source file (a few milliseconds); SWC is loaded only to build.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
const STAMP = '.build-stamp';
const SWCRC = path.join(ROOT, '.swcrc');

function sourceFiles(dir = SRC, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else out.push(full);
  }
  return out;
}

function fingerprint(files) {
  const hash = crypto.createHash('sha256');
  hash.update(require('@swc/core/package.json').version).update('\0').update(fs.readFileSync(SWCRC));
  for (const file of files.sort()) {
    const { size, mtimeMs } = fs.statSync(file);
    hash.update(`\0${path.relative(SRC, file)}\0${size}\0${mtimeMs}`);
  }
  return hash.digest('hex');
}

function isStale(files = sourceFiles()) {
  try {
    return fs.readFileSync(path.join(DIST, STAMP), 'utf8') !== fingerprint(files);
  } catch {
    return true;
  }
}

function build() {
  const swc = require('@swc/core');
  const options = { ...JSON.parse(fs.readFileSync(SWCRC, 'utf8')), swcrc: false, configFile: false };
  const files = sourceFiles();
  const stamp = fingerprint(files);
  const staging = `${DIST}.${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const file of files) {
    const relative = path.relative(SRC, file);
    const target = path.join(staging, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!file.endsWith('.ts')) {
      fs.copyFileSync(file, target);
      continue;
    }
    const js = target.replace(/\.ts$/, '.js');
    const { code, map } = swc.transformSync(fs.readFileSync(file, 'utf8'), {
      ...options,
      filename: file,
      sourceFileName: path.relative(path.dirname(js), file),
    });
    fs.writeFileSync(js, `${code}\n//# sourceMappingURL=${path.basename(js)}.map\n`);
    fs.writeFileSync(`${js}.map`, map);
  }
  bundleCatalog(staging);
  fs.writeFileSync(path.join(staging, STAMP), stamp);
  const old = `${DIST}.old.${process.pid}`;
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  fs.renameSync(staging, DIST);
  fs.rmSync(old, { recursive: true, force: true });
  return files.filter((file) => file.endsWith('.ts')).length;
}

/**
 * The built-in catalog, checked once here (the JSON Schema and the cross-field rules) and written
 * as one JSON file that the gateway reads at start instead of parsing and checking every YAML file
 * each time. A bad definition fails the build.
 */
function bundleCatalog(staging) {
  const connectors = path.join(staging, 'connectors');
  const { builtinConnectors } = require(path.join(connectors, 'catalog.loader.js'));
  const definitions = builtinConnectors(path.join(connectors, 'catalog'));
  fs.writeFileSync(path.join(connectors, 'catalog.bundle.json'), JSON.stringify(definitions));
}

/** Builds dist/ if it is stale; true when it built. */
function ensureBuilt() {
  if (!isStale()) return false;
  build();
  return true;
}

module.exports = { build, ensureBuilt, isStale, DIST };

if (require.main === module) {
  const started = process.hrtime.bigint();
  const count = build();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`built ${count} files into dist/ in ${Math.round(ms)} ms\n`);
}
