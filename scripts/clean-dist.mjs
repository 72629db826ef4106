// Removes the previous build so deleted sources leave no stale JavaScript behind.
import fs from 'node:fs';
fs.rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
