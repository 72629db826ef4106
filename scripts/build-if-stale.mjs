// `npm start` builds only when the sources changed since the last successful build (issue 14, item 12):
// a restart of an unchanged checkout starts at once. `--stamp` marks a successful build (run by `npm run build`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
// Everything tsconfig.build.json compiles, and the files that change how it compiles.
const INPUTS = ['src', 'migrations', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time under the inputs; directories count, so a deleted file is a change too. */
function newestInputMtime() {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return newest;
}

if (process.argv.includes('--stamp')) {
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

let built = 0;
try {
  built = fs.statSync(stamp).mtimeMs;
} catch {
  // never built, or built by an older script without a stamp
}
if (built && newestInputMtime() <= built) {
  process.stderr.write('build is current (sources unchanged since the last build): starting\n');
  process.exit(0);
}
process.stderr.write(built ? 'sources changed since the last build: building\n' : 'no build yet: building\n');
const npm = process.env.npm_execpath;
const result = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
