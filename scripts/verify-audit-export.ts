/**
 * Offline verification of an audit export or a CTDC export (GET /statistics/exports/ctdc):
 *   npm run audit:verify-export -- <export.ndjson|csv|xlsx> [--public-key <key.pem>]
 * Exit 0 when intact, 1 with the first broken link otherwise. Without --public-key the
 * manifest's own key is used: that proves integrity, not who signed it.
 */
import '../src/runtime-check.js';
import fs from 'node:fs';
import { verifyExportFile } from '../src/audit/export-verifier.js';
import { isCtdcExport, verifyCtdcExport } from '../src/statistics/ctdc-export-verifier.js';

const args = process.argv.slice(2);
const keyFlag = args.indexOf('--public-key');
const keyFile = keyFlag >= 0 ? args[keyFlag + 1] : undefined;
const file = args.find((a, i) => !a.startsWith('--') && i !== keyFlag + 1);
if (!file) {
  process.stderr.write('usage: audit:verify-export -- <file> [--public-key <pem>]\n');
  process.exit(2);
}
const key = keyFile ? fs.readFileSync(keyFile, 'utf8') : undefined;
// The same key signs audit exports and the de-identified CTDC exports; the file says which it is.
const result = (await isCtdcExport(file)) ? await verifyCtdcExport(file, key) : await verifyExportFile(file, key);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (!result.authenticated)
  process.stderr.write(
    'warning: no --public-key given; the signature was checked against the key inside the manifest\n',
  );
process.exit(result.ok ? 0 : 1);
