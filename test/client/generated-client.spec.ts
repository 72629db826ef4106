import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// @ts-expect-error: the generator is plain ESM JavaScript (it runs before any build), without types.
import { OPENAPI_FILE, renderAll } from '../../clients/typescript/scripts/generate.mjs';

/**
 * The generated part of clients/typescript is exactly what openapi.json produces (run
 * `npm run generated:refresh` when this fails), and the package builds with the project's
 * TypeScript (tsc 7) as ESM.
 */
describe('the typed client package', () => {
  it('has a generated part identical to what the committed openapi.json produces', async () => {
    const document = JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'));
    const rendered = (await renderAll(document)) as Record<string, string>;
    expect(Object.keys(rendered).length).toBe(2);
    for (const [file, text] of Object.entries(rendered)) {
      expect({ file: path.relative(process.cwd(), file), fresh: fs.readFileSync(file, 'utf8') === text }).toEqual({
        file: path.relative(process.cwd(), file),
        fresh: true,
      });
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
