/** Jest runs TypeScript through SWC (no type-check here: `tsc --noEmit` is its own step). */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const ESM_ONLY = '(oauth4webapi|oauth2-mock-server|jose|is-plain-obj)';
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // These ship ES modules only (oauth2-mock-server and its jose and is-plain-obj: a published
  // OAuth server for tests): SWC turns them into CommonJS for jest like our own code.
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    [`node_modules/${ESM_ONLY}/.+\\.m?js$`]: ['@swc/jest', swc],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
