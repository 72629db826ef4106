import fs from 'node:fs';
import { roleTableMarkdown } from '../../src/auth/role-table.js';
import { EnvironmentVariables } from '../../src/config/app-config.js';

describe('documentation kept in step with the code', () => {
  const readme = fs.readFileSync('README.md', 'utf8');

  it('prints the current role → permission table in the README (npm run docs:roles)', () => {
    const section = /<!-- roles:start -->\n([\s\S]*?)\n<!-- roles:end -->/.exec(readme)?.[1];
    expect(section).toBe(roleTableMarkdown());
  });

  it('documents every environment variable in .env.example and the README', () => {
    const example = fs.readFileSync('.env.example', 'utf8');
    const missing = Object.keys(new EnvironmentVariables()).filter(
      (v) => !example.includes(`${v}=`) || !readme.includes(`\`${v}\``),
    );
    expect(missing).toEqual([]);
  });
});
