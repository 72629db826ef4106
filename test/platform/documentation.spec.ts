import fs from 'node:fs';
import { roleTableMarkdown } from '../../src/auth/role-table.js';
import { EnvironmentVariables } from '../../src/config/app-config.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-agencies.js';

describe('documentation kept in step with the code', () => {
  const readme = fs.readFileSync('README.md', 'utf8');

  it('prints the current role → permission table in docs/roles.md (npm run generated:refresh)', () => {
    const roles = fs.readFileSync('docs/roles.md', 'utf8');
    const section = /<!-- roles:start -->\n([\s\S]*?)\n<!-- roles:end -->/.exec(roles)?.[1];
    expect(section).toBe(roleTableMarkdown());
  });

  it('documents every environment variable in .env.example and docs/configuration.md', () => {
    const example = fs.readFileSync('.env.example', 'utf8');
    const reference = fs.readFileSync('docs/configuration.md', 'utf8');
    const missing = Object.keys(new EnvironmentVariables()).filter(
      (v) => !example.includes(`${v}=`) || !reference.includes(`\`${v}\``),
    );
    expect(missing).toEqual([]);
  });

  it('lists every demo account in the README, in its agency row, and no other', () => {
    const table = /<!-- demo-accounts:start -->\n([\s\S]*?)\n<!-- demo-accounts:end -->/.exec(readme)?.[1] ?? '';
    const rows = new Map(
      table
        .split('\n')
        .map((row) => [/^\| `([a-z0-9-]+)` \|/.exec(row)?.[1], row.split('|')[3] ?? ''] as const)
        .filter((entry): entry is [string, string] => entry[0] !== undefined),
    );
    const listed = [...rows].flatMap(([agency, accounts]) =>
      [...accounts.matchAll(/`([a-z-]+)`/g)].map((m) => `${m[1]}@${agency}.demo.la`),
    );
    expect(listed.sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
  });

  it('keeps the README the front door: under 30 KB, every local link resolving', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(30 * 1024);
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    expect(links.filter((l) => !fs.existsSync(l))).toEqual([]);
  });
});
