import fs from 'node:fs';

const swcrc = JSON.parse(fs.readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));

/** ESM Jest: NestJS 12 is ESM-only, so tests run with --experimental-vm-modules and SWC. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  setupFilesAfterEnv: [
    '<rootDir>/test/harness/record-responses.ts',
    '<rootDir>/test/harness/close-leftovers.ts',
    '<rootDir>/test/harness/pg-queue-guard.ts',
  ],
  // Ten times what the slowest set-up takes on a quiet machine: a busy one is slow, not broken.
  testTimeout: 180_000,
  maxWorkers: 2,
  // A worker asked to stop exits in 0.5 to 1 s on a busy machine (measured), past jest's 500 ms
  // default; a handle left open would still keep it alive beyond this and be reported.
  workerGracefulExitTimeout: 10_000,
  verbose: false,
};
