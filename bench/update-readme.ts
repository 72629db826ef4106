/**
 * `npm run bench:readme`: copies the tables of bench/results/latest.md (machine, data,
 * throughput, audit trail, start-up, targets; not the profiles) into bench/README.md between the
 * bench markers, so it shows the latest committed run (the top-level README links there).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const results = fs.readFileSync(path.join(root, 'bench', 'results', 'latest.md'), 'utf8');
const readmePath = path.join(root, 'bench', 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
if (!readme.includes(START) || !readme.includes(END)) throw new Error('bench/README.md has no bench markers');

const body = results
  .split('\n')
  .filter((line) => !line.startsWith('# '))
  .join('\n');
// Everything before the first profile section, headings demoted one level under the Latest results section.
const tables = body.split('\n## Where the time goes')[0]!.replace(/^## /gm, '### ').trim();
const updated = `${readme.slice(0, readme.indexOf(START) + START.length)}\n${tables}\n\nThe profiles of this run are in \`bench/results/latest.md\`.\n${readme.slice(readme.indexOf(END))}`;
fs.writeFileSync(readmePath, updated);
process.stdout.write('bench/README.md: benchmark tables updated from bench/results/latest.md\n');
