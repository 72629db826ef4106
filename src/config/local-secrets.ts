import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets generated into the data folder for the embedded (development) setup only:
 * database passwords and, as modules need them, keys. Production passes every secret
 * through configuration instead. The file is created with mode 0600.
 */
export class LocalSecrets {
  private readonly file: string;
  private values: Record<string, string>;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.file = path.join(dataDir, 'secrets.json');
    this.values = fs.existsSync(this.file)
      ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>)
      : {};
  }

  /** Returns the named secret, generating and persisting it on first use. */
  getOrCreate(
    name: string,
    generate: () => string = () => randomBytes(32).toString('hex'),
  ): { value: string; created: boolean } {
    const existing = this.values[name];
    if (existing !== undefined) return { value: existing, created: false };
    const value = generate();
    this.values = { ...this.values, [name]: value };
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    return { value, created: true };
  }
}
