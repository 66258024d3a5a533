/**
 * Three jest projects, each starting only what it needs:
 * - unit: pure functions and classes, no database (no global setup);
 * - integration: real HTTP against gateways on a fresh database (PostgreSQL with DATABASE_URL,
 *   else the embedded engine), plus the embedded engine's process smoke tests;
 * - browser: the same database, driven through Debian's headless Chromium.
 * `npm test` runs all three; `--selectProjects unit` (or integration, browser) runs one. CI runs
 * unit and browser once and integration once per engine (.ci/run).
 *
 * Jest runs TypeScript through SWC (no type-check here: `tsc --noEmit` is its own step).
 */
/** The one SWC configuration (.swcrc, which `npm run build` uses too), with maps inline for jest. */
const swc = {
  ...JSON.parse(require('node:fs').readFileSync(`${__dirname}/.swcrc`, 'utf8')),
  sourceMaps: 'inline',
};
const ESM_ONLY = '(oauth4webapi|oauth2-mock-server|jose|is-plain-obj)';
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  // These ship ES modules only (oauth2-mock-server and its jose and is-plain-obj: a published
  // OAuth server for tests): SWC turns them into CommonJS for jest like our own code.
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    [`node_modules/${ESM_ONLY}/.+\\.m?js$`]: ['@swc/jest', swc],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
};
/** One database per run, shared by the projects that need one (the setup is idempotent). */
const database = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
module.exports = {
  testTimeout: 30000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...common,
      ...database,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/embedded'],
    },
    { ...common, ...database, displayName: 'browser', roots: ['<rootDir>/test/browser'] },
  ],
};
