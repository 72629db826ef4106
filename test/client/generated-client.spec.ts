import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const GENERATOR = 'clients/typescript/scripts/generate.mjs';

/**
 * The generated part of clients/typescript is exactly what the committed openapi.json produces
 * (run `npm run generated:refresh` when this fails), and the package builds with the project's
 * TypeScript (tsc 7) as ESM. The generator runs in its own process, as `generated:refresh` runs it.
 */
describe('the typed client package', () => {
  it('has a generated part identical to what the committed openapi.json produces', () => {
    const check = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout).toContain('the generated client is current');
  });

  it('notices when openapi.json changed and the generated part did not', () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'ctcm-openapi-'));
    try {
      const document = JSON.parse(fs.readFileSync('openapi.json', 'utf8'));
      document.paths['/cases'].post.operationId = 'openCaseRenamed';
      fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(document));
      const check = spawnSync(process.execPath, [GENERATOR, '--check', '--openapi', path.join(dir, 'openapi.json')], {
        encoding: 'utf8',
      });
      expect({ status: check.status, stderr: check.stderr }).toEqual({
        status: 1,
        stderr:
          'stale (run npm run generated:refresh): clients/typescript/src/generated/openapi.ts, ' +
          'clients/typescript/src/generated/operations.ts\n',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds with tsc 7 as an ES module package', () => {
    const out = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'ctcm-client-'));
    try {
      execFileSync(
        process.execPath,
        ['node_modules/typescript-7/bin/tsc', '-p', 'clients/typescript/tsconfig.json', '--outDir', out],
        { stdio: 'pipe' },
      );
      expect(fs.existsSync(path.join(out, 'index.js'))).toBe(true);
      expect(fs.existsSync(path.join(out, 'index.d.ts'))).toBe(true);
      expect(JSON.parse(fs.readFileSync('clients/typescript/package.json', 'utf8')).type).toBe('module');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
