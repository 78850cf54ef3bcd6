// Jest runs the TypeScript sources as native ES modules (NODE_OPTIONS=--experimental-vm-modules, set by `npm test`).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  // Unit tests run on a FakeClock; the end-to-end files set their own hang guard (test/e2e/helpers.ts).
  testTimeout: 60000,
  // Inside the project, not the temp directory (jest's default is <tmp>/jest_*): the tests leave nothing there.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  // Every process of the run gets its own temp directory; the teardown fails the run if a test left anything in it.
  globalSetup: '<rootDir>/test/support/tmp-guard-setup.js',
  globalTeardown: '<rootDir>/test/support/tmp-guard-teardown.js',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  reporters: ['default', '<rootDir>/test/support/plain-summary-reporter.js'],
  maxWorkers: 2
};
