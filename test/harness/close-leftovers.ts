import { closeLeftoverTestApps } from './test-app.js';

// After each file's own afterAll: close any app whose start outlived its beforeAll hook.
afterAll(() => closeLeftoverTestApps(), 180_000);
