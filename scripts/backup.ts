/**
 * Backup and restore.
 *
 *   npm run db:backup -- [--out FILE]
 *   npm run db:restore -- --in FILE [--target-url URL] [--migrate]
 *
 * `backup` runs `pg_dump -Fc` as the schema owner (DATABASE_OWNER_URL, or the superuser of the
 * embedded database in DATA_DIR) and streams it, encrypted with BACKUP_KEYS (a key of its own,
 * never a data key; src/data-protection/backup-archive.ts), into FILE, whose last record is the
 * sealed manifest: checksum, migration head, audit chain head and the ids (never the material)
 * of the keys the data needs. FILE.manifest.json repeats the manifest in clear for operators
 * (both mode 0600); restore trusts only the sealed one. `restore` first reads the whole archive
 * and refuses, before touching any database, one that does not authenticate with BACKUP_KEYS
 * (tampered, truncated or wrongly keyed) or whose data keys are not configured; then it streams
 * the decrypted dump into an empty database (--target-url, an owner or superuser URL) or a new
 * embedded cluster in DATA_DIR, and proves the configured keys decrypt the restored data.
 */
import '../src/runtime-check.js';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { MIGRATIONS } from '../migrations/index.js';
import { AuditSigner } from '../src/audit/audit-signing.js';
import { type AppConfig, ConfigError, loadConfig } from '../src/config/app-config.js';
import { LocalSecrets } from '../src/config/local-secrets.js';
import { ENCRYPTED_COLUMNS } from '../src/crypto/encrypted-columns.js';
import { BlindIndexer, FieldCipher, parseKeyring } from '../src/crypto/field-cipher.js';
import { EMBEDDED_DATABASE_NAME, enableAppRoleLogin } from '../src/start-up/database-bootstrap.js';
import { APP_DB_ROLE } from '../src/database/database-roles.js';
import { MIGRATIONS_TABLE } from '../src/database/data-source.js';
import { embeddedMajorVersion, ensureDatabase, startEmbeddedCluster } from '../src/start-up/embedded-postgres.js';
import type { PersonNames } from '../src/persons/dto/person.dto.js';
import { PersonCodec } from '../src/persons/person.codec.js';
import { restoreQueuePrivileges } from '../src/queue/queue.queries.js';
import {
  ArchiveEncryptor,
  ArchiveRefused,
  type BackupKeyring,
  openArchive,
  parseBackupKeys,
} from '../src/data-protection/backup-archive.js';
import { pipeline } from 'node:stream/promises';

export const MANIFEST_FORMAT = 'ctcm-backup/1';

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  createdAt: string;
  dumpFile: string;
  dumpSha256: string;
  dumpBytes: number;
  pgDumpVersion: string;
  serverVersion: string;
  database: string;
  migrations: { head: { name: string; timestamp: string } | null; applied: number };
  /** Ids of the ENCRYPTION_KEYS entries the ciphertexts name; never key material. */
  encryption: { keyIds: string[]; byColumn: Record<string, string[]> };
  /** BLIND_INDEX_KEY has no id: restore proves the configured key reproduces stored indexes. */
  blindIndex: { indexedPersons: number };
  audit: {
    chainHead: { seq: string; chainHashHex: string; sealedAt: string } | null;
    pendingEntries: number;
    /** Ids (hash of the public half) of the AUDIT_SIGNING_KEY that signed checkpoints. */
    checkpointKeyIds: string[];
  };
}

type Log = (line: string) => void;

// ---------------------------------------------------------------------------------------
// PostgreSQL client binaries

/** pg_dump/pg_restore/psql: PG_BIN_DIR, else Debian's folder for the embedded major, else PATH. */
export function pgTool(name: 'pg_dump' | 'pg_restore' | 'psql'): string {
  const candidates = [process.env.PG_BIN_DIR, `/usr/lib/postgresql/${embeddedMajorVersion() ?? '15'}/bin`].filter(
    (d): d is string => Boolean(d),
  );
  for (const dir of candidates) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return name;
}

function toolVersion(tool: string): string {
  return execFileSync(tool, ['--version']).toString().trim();
}

/** The URL without its password (passed in PGPASSWORD so it never shows in `ps`). */
function splitPassword(url: string): { url: string; password: string; database: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password, database: decodeURIComponent(u.pathname.replace(/^\//, '')) };
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (b) => hash.update(b))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

// ---------------------------------------------------------------------------------------
// Source database

interface Source {
  url: string;
  close(): Promise<void>;
}

/**
 * DATABASE_OWNER_URL when set. Otherwise the embedded database in DATA_DIR: the server the API
 * is running, if it is (it is never stopped from here), else one started for the backup.
 */
async function openSource(config: AppConfig, log: Log): Promise<Source> {
  if (config.database.ownerUrl) return { url: config.database.ownerUrl, close: async () => undefined };
  if (config.database.url)
    throw new Error(
      'set DATABASE_OWNER_URL: the backup must run as the schema owner (DATABASE_URL is the application role, which row-level security filters)',
    );
  const pgDir = path.join(config.dataDir, 'pg');
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) throw new Error(`no embedded database in ${config.dataDir}`);
  const password = new LocalSecrets(config.dataDir).getOrCreate('postgresSuperuserPassword').value;
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    let alive: boolean;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive) {
      const port = Number(lines[3]) || config.database.embeddedPort;
      log(`using the running embedded PostgreSQL on port ${port}`);
      return {
        url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`,
        close: async () => undefined,
      };
    }
  }
  log('starting the embedded PostgreSQL in DATA_DIR for the backup');
  const cluster = await startEmbeddedCluster({
    dir: pgDir,
    port: config.database.embeddedPort,
    superuserPassword: password,
  });
  return { url: cluster.url(EMBEDDED_DATABASE_NAME), close: () => cluster.stop() };
}

/** pg_dump runs with row_security off and fails if a policy would hide rows: say why up front. */
async function assertCanReadEverything(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; foreign: string[] }>(
    `SELECT r.rolsuper, r.rolbypassrls,
            ARRAY(SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relrowsecurity
                     AND NOT pg_has_role(current_user, c.relowner, 'USAGE')) AS foreign
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const role = rows[0]!;
  if (!role.rolsuper && !role.rolbypassrls && role.foreign.length > 0) {
    throw new Error(
      `the backup must connect as the schema owner or a superuser: row-level security would hide rows of ${role.foreign.join(', ')}`,
    );
  }
}

/** Reads the manifest facts inside the snapshot the dump uses, so both describe the same data. */
async function describe(
  client: pg.Client,
): Promise<Omit<BackupManifest, 'format' | 'createdAt' | 'dumpFile' | 'dumpSha256' | 'dumpBytes' | 'pgDumpVersion'>> {
  const one = async <T>(sql: string): Promise<T | undefined> => (await client.query(sql)).rows[0] as T | undefined;
  const byColumn: Record<string, string[]> = {};
  for (const { table, column } of ENCRYPTED_COLUMNS) {
    const { rows } = await client.query<{ id: string }>(
      `SELECT DISTINCT convert_from(substring(${column} FROM 3 FOR get_byte(${column}, 1)), 'UTF8') AS id FROM ${table} WHERE ${column} IS NOT NULL`,
    );
    if (rows.length) byColumn[`${table}.${column}`] = rows.map((r) => r.id).sort();
  }
  const head = await one<{ name: string; timestamp: string }>(
    `SELECT name, timestamp::text AS timestamp FROM ${MIGRATIONS_TABLE} ORDER BY id DESC LIMIT 1`,
  );
  const applied = (await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`))!.n;
  const chain = await one<{ seq: string; hash: string; sealed_at: Date }>(
    `SELECT seq::text AS seq, encode(chain_hash, 'hex') AS hash, sealed_at FROM audit_chain ORDER BY seq DESC LIMIT 1`,
  );
  const pending = (await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_pending`))!.n;
  const signers = (
    await client.query<{ key_id: string }>(`SELECT DISTINCT key_id FROM audit_checkpoint ORDER BY key_id`)
  ).rows.map((r) => r.key_id);
  const indexed = (await one<{ n: number }>(`SELECT count(DISTINCT person_id)::int AS n FROM person_name_index`))!.n;
  return {
    serverVersion: (await one<{ server_version: string }>('SHOW server_version'))!.server_version,
    database: (await one<{ db: string }>('SELECT current_database() AS db'))!.db,
    migrations: { head: head ?? null, applied },
    encryption: { keyIds: [...new Set(Object.values(byColumn).flat())].sort(), byColumn },
    blindIndex: { indexedPersons: indexed },
    audit: {
      chainHead: chain
        ? { seq: chain.seq, chainHashHex: chain.hash, sealedAt: new Date(chain.sealed_at).toISOString() }
        : null,
      pendingEntries: pending,
      checkpointKeyIds: signers,
    },
  };
}

export interface BackupResult {
  file: string;
  manifestFile: string;
  manifest: BackupManifest;
}

/** Dumps the database at `ownerUrl` to `out` (custom format) and writes `out.manifest.json`. */
export async function backupDatabase(
  ownerUrl: string,
  out: string,
  backupKeys: BackupKeyring,
  log: Log = () => undefined,
): Promise<BackupResult> {
  const file = path.resolve(out);
  const manifestFile = `${file}.manifest.json`;
  for (const f of [file, manifestFile])
    if (fs.existsSync(f)) throw new Error(`${f} already exists: choose another --out`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pgDump = pgTool('pg_dump');
  const pgDumpVersion = toolVersion(pgDump);

  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'ctcm-backup' });
  await client.connect();
  const partial = `${file}.partial`;
  try {
    await assertCanReadEverything(client);
    const serverMajor = Number(
      (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v.slice(0, -4),
    );
    const toolMajor = Number(/(\d+)(?:\.\d+)*/.exec(pgDumpVersion.replace(/^\D+/, ''))?.[1]);
    if (toolMajor < serverMajor)
      throw new Error(
        `${pgDump} is PostgreSQL ${toolMajor} but the server is ${serverMajor}: set PG_BIN_DIR to a pg_dump ${serverMajor} or newer`,
      );

    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const facts = await describe(client);

    const { url, password } = splitPassword(ownerUrl);
    const createdAt = new Date().toISOString();
    let manifest: BackupManifest | undefined;
    const encryptor = new ArchiveEncryptor(backupKeys, (plain) => {
      manifest = {
        format: MANIFEST_FORMAT,
        createdAt,
        dumpFile: path.basename(file),
        dumpSha256: plain.sha256,
        dumpBytes: plain.bytes,
        pgDumpVersion,
        ...facts,
      };
      return manifest;
    });
    // pg_dump → encryption → FILE.partial: the dump never touches the disk in clear.
    const dump = spawn(
      pgDump,
      ['--format=custom', '--compress=6', `--snapshot=${snapshot}`, '--no-password', `--dbname=${url}`],
      { env: { ...process.env, PGPASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let dumpErr = '';
    dump.stderr!.on('data', (b: Buffer) => (dumpErr += b.toString()));
    const exited = new Promise<void>((resolve, reject) => {
      dump.on('error', reject);
      dump.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`pg_dump exited with ${code}: ${dumpErr.trim()}`)),
      );
    });
    const written = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    await Promise.all([pipeline(dump.stdout!, encryptor, written), exited]);
    const fd = fs.openSync(partial, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    await client.query('COMMIT');
    if (!manifest) throw new Error('the archive was written without its manifest');
    const sidecar = {
      ...manifest,
      archive: {
        format: encryptor.header.format,
        backupKeyId: encryptor.header.keyId,
        sha256: await sha256File(partial),
        bytes: fs.statSync(partial).size,
      },
    };
    fs.renameSync(partial, file);
    fs.writeFileSync(manifestFile, `${JSON.stringify(sidecar, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    log(
      `backup written: ${file} (encrypted with backup key ${encryptor.header.keyId}; dump ${manifest.dumpBytes} bytes, sha256 ${manifest.dumpSha256})`,
    );
    return { file, manifestFile, manifest };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------
// Keys configured for the restore (never generated here)

export interface ConfiguredKeys {
  encryptionKeys?: string;
  activeKeyId?: string;
  blindIndexKey?: string;
  auditSigningKeyPem?: string;
  /** BACKUP_KEYS: the archive's key (never one of the data keys). */
  backupKeys?: string;
}

/** From the environment, else from DATA_DIR/secrets.json as the API would read them; nothing is generated. */
export function configuredKeys(config: AppConfig): ConfiguredKeys {
  const file = path.join(config.dataDir, 'secrets.json');
  const local =
    !config.isProduction && fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)
      : {};
  return {
    encryptionKeys: config.crypto.encryptionKeys ?? local.encryptionKeys,
    activeKeyId: config.crypto.activeKeyId,
    blindIndexKey: config.crypto.blindIndexKey ?? local.blindIndexKey,
    auditSigningKeyPem: config.audit.signingKeyPem ?? local.auditSigningKey,
    backupKeys: config.backup.keys,
  };
}

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

/** Every key the backup needs must be configured before anything is restored. */
export function checkKeys(manifest: BackupManifest, keys: ConfiguredKeys): void {
  const problems: string[] = [];
  const configured = keys.encryptionKeys ? [...parseKeyring(keys.encryptionKeys).keys.keys()] : [];
  const missing = manifest.encryption.keyIds.filter((id) => !configured.includes(id));
  if (missing.length)
    problems.push(
      `ENCRYPTION_KEYS lacks the key id(s) ${missing.join(', ')} used by the backed-up data (configured: ${configured.join(', ') || 'none'})`,
    );
  if (manifest.blindIndex.indexedPersons > 0 && !keys.blindIndexKey)
    problems.push('BLIND_INDEX_KEY is not configured but the backup holds blind indexes');
  if (manifest.audit.checkpointKeyIds.length) {
    const signerId = keys.auditSigningKeyPem ? new AuditSigner(keys.auditSigningKeyPem).keyId : undefined;
    if (!signerId || !manifest.audit.checkpointKeyIds.includes(signerId)) {
      problems.push(
        `AUDIT_SIGNING_KEY ${signerId ? `(id ${signerId}) ` : ''}is not the key that signed the audit checkpoints (id(s) ${manifest.audit.checkpointKeyIds.join(', ')}): /audit/verify would fail`,
      );
    }
  }
  if (problems.length)
    throw new RestoreRefused(`restore refused, nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** Decrypts one value per key id and recomputes one person's blind indexes with the configured keys. */
async function proveKeys(
  client: pg.Client,
  manifest: BackupManifest,
  keys: ConfiguredKeys,
): Promise<{ decrypted: string[]; blindIndex: boolean | null }> {
  const decrypted: string[] = [];
  if (!keys.encryptionKeys) return { decrypted, blindIndex: null };
  const cipher = new FieldCipher(parseKeyring(keys.encryptionKeys, keys.activeKeyId));
  for (const keyId of manifest.encryption.keyIds) {
    const column = ENCRYPTED_COLUMNS.find((c) =>
      manifest.encryption.byColumn[`${c.table}.${c.column}`]?.includes(keyId),
    )!;
    const { rows } = await client.query<{ id: string; value: Buffer }>(
      `SELECT ${column.idSql ?? 'id'} AS id, ${column.column} AS value FROM ${column.table}
        WHERE ${column.column} IS NOT NULL AND convert_from(substring(${column.column} FROM 3 FOR get_byte(${column.column}, 1)), 'UTF8') = $1 LIMIT 1`,
      [keyId],
    );
    try {
      cipher.decrypt(rows[0]!.value, { table: column.table, column: column.column, id: rows[0]!.id });
    } catch {
      throw new Error(
        `the configured key ${keyId} does not decrypt ${column.table}.${column.column}: the key material under this id differs from the one used for the backup`,
      );
    }
    decrypted.push(keyId);
  }
  if (!manifest.blindIndex.indexedPersons || !keys.blindIndexKey) return { decrypted, blindIndex: null };
  const codec = new PersonCodec(cipher, new BlindIndexer(Buffer.from(keys.blindIndexKey, 'base64')));
  const { rows } = await client.query<{ id: string; names_enc: Buffer }>(
    `SELECT p.id, p.names_enc FROM person p WHERE EXISTS (SELECT 1 FROM person_name_index i WHERE i.person_id = p.id) LIMIT 1`,
  );
  const person = rows[0]!;
  const names = cipher.decryptJson<PersonNames>(person.names_enc, {
    table: 'person',
    column: 'names_enc',
    id: person.id,
  });
  const stored = (
    await client.query<{ value: Buffer }>(`SELECT value FROM person_name_index WHERE person_id = $1`, [person.id])
  ).rows.map((r) => r.value.toString('hex'));
  const ok = codec.nameIndexes(names).some((i) => stored.includes(i.value.toString('hex')));
  if (!ok)
    throw new Error(
      'the configured BLIND_INDEX_KEY does not reproduce the stored name indexes: it differs from the one used for the backup',
    );
  return { decrypted, blindIndex: true };
}

// ---------------------------------------------------------------------------------------
// Restore

export interface RestoreOptions {
  file: string;
  /** Owner or superuser URL of the target database (created if missing, must hold no schema). */
  targetUrl: string;
  keys: ConfiguredKeys;
  /** Apply migrations newer than the backup. */
  migrate?: boolean;
  log?: Log;
}

export interface RestoreSummary {
  database: string;
  migrationHead: string | null;
  pendingMigrations: string[];
  appliedMigrations: string[];
  auditChainHead: string | null;
  decryptedWithKeyIds: string[];
  blindIndexVerified: boolean | null;
  appRoleCreated: boolean;
}

/**
 * Reads the whole archive once, authenticating every record with BACKUP_KEYS, and returns
 * its sealed manifest: a tampered, truncated or wrongly keyed archive is refused here,
 * before any database is touched.
 */
export async function verifyArchive(file: string, keys: ConfiguredKeys): Promise<BackupManifest> {
  let ring: BackupKeyring;
  try {
    ring = parseBackupKeys(keys.backupKeys);
  } catch (err) {
    throw new RestoreRefused(`restore refused, nothing was changed: ${(err as Error).message}`);
  }
  let opened: Awaited<ReturnType<typeof openArchive>>;
  try {
    opened = await openArchive(path.resolve(file), ring);
  } catch (err) {
    if (err instanceof ArchiveRefused) throw new RestoreRefused(`restore refused, nothing was changed: ${err.message}`);
    throw err;
  }
  const manifest = opened.manifest as unknown as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT)
    throw new RestoreRefused(`restore refused: the archive's manifest is not a ${MANIFEST_FORMAT} manifest`);
  if (opened.plain.sha256 !== manifest.dumpSha256 || opened.plain.bytes !== manifest.dumpBytes)
    throw new RestoreRefused('restore refused: the decrypted dump does not match its sealed manifest');
  return manifest;
}

/** Runs pg_restore with the archive's decrypted dump on its standard input. */
async function restoreFromArchive(
  file: string,
  keys: ConfiguredKeys,
  pgRestore: string,
  args: string[],
  password: string,
): Promise<void> {
  const child = spawn(pgRestore, args, {
    env: { ...process.env, PGPASSWORD: password },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const stdin = child.stdin!;
  stdin.on('error', () => undefined);
  try {
    await openArchive(file, parseBackupKeys(keys.backupKeys), async (chunk) => {
      if (!stdin.write(chunk)) await new Promise<void>((resolve) => stdin.once('drain', resolve));
    });
  } catch (e) {
    child.kill('SIGTERM');
    await exited;
    throw e instanceof ArchiveRefused ? new RestoreRefused(`restore aborted and rolled back: ${e.message}`) : e;
  }
  stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`pg_restore exited with ${code}: ${err.trim()}`);
}

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreSummary> {
  const log = options.log ?? (() => undefined);
  const file = path.resolve(options.file);
  const manifest = await verifyArchive(file, options.keys);
  checkKeys(manifest, options.keys);

  const target = splitPassword(options.targetUrl);
  const serverUrl = new URL(options.targetUrl);
  serverUrl.pathname = '/postgres';
  if (await ensureDatabase(serverUrl.toString(), target.database).catch(() => false))
    log(`created database ${target.database}`);

  const client = new pg.Client({ connectionString: options.targetUrl, application_name: 'ctcm-restore' });
  await client.connect();
  try {
    const existing = (
      await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`,
      )
    ).rows[0]!.n;
    if (existing > 0)
      throw new RestoreRefused(
        `restore refused: database ${target.database} is not empty (${existing} objects in schema public); restore into a new database`,
      );
    // Grants and policies name the application role, a cluster-wide object the dump does not carry.
    const created = (await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [APP_DB_ROLE])).rowCount === 0;
    if (created)
      await client.query(`CREATE ROLE ${APP_DB_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`);

    const pgRestore = pgTool('pg_restore');
    log(`restoring ${path.basename(file)} into ${target.database}`);
    // --no-owner: the restoring owner owns the tables (RLS applies to ctcm_app, not to it);
    // grants, policies and FORCE/ENABLE ROW LEVEL SECURITY are restored as dumped.
    // The decrypted dump streams into pg_restore's standard input (a second authenticated
    // read: a file changed since the check fails its record and aborts the one transaction).
    await restoreFromArchive(
      file,
      options.keys,
      pgRestore,
      ['--no-owner', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=${target.url}`],
      target.password,
    );
    await restoreQueuePrivileges(client);
    await client.query('ANALYZE');

    const applied = new Set(
      (await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`)).rows.map((r) => r.name),
    );
    const known = MIGRATIONS.map((m) => new (m as new () => { name?: string })().name ?? m.name);
    let pending = known.filter((n) => !applied.has(n));
    let appliedNow: string[] = [];
    if (pending.length && options.migrate) {
      const { runPendingMigrations } = await import('../src/start-up/migrator.js');
      appliedNow = await runPendingMigrations(options.targetUrl);
      pending = [];
    }
    const proof = await proveKeys(client, manifest, options.keys);
    const head = (
      await client.query<{ seq: string }>(`SELECT seq::text AS seq FROM audit_chain ORDER BY seq DESC LIMIT 1`)
    ).rows[0];
    if ((head?.seq ?? null) !== (manifest.audit.chainHead?.seq ?? null))
      throw new Error(
        `the restored audit chain ends at ${head?.seq ?? 'nothing'}, the manifest says ${manifest.audit.chainHead?.seq ?? 'nothing'}`,
      );
    return {
      database: target.database,
      migrationHead: manifest.migrations.head?.name ?? null,
      pendingMigrations: pending,
      appliedMigrations: appliedNow,
      auditChainHead: head?.seq ?? null,
      decryptedWithKeyIds: proof.decrypted,
      blindIndexVerified: proof.blindIndex,
      appRoleCreated: created,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------
// Command line

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const log: Log = (line) => process.stderr.write(`${line}\n`);
  const config = loadConfig(process.env);
  if (command === 'backup') {
    const out =
      flag(args, '--out') ??
      path.join(config.dataDir, 'backups', `ctcm-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`);
    const source = await openSource(config, log);
    try {
      const { file, manifestFile, manifest } = await backupDatabase(
        source.url,
        out,
        parseBackupKeys(config.backup.keys),
        log,
      );
      process.stdout.write(
        `${JSON.stringify({ file, manifest: manifestFile, sha256: manifest.dumpSha256, migrationHead: manifest.migrations.head?.name ?? null, encryptionKeyIds: manifest.encryption.keyIds, auditChainHead: manifest.audit.chainHead?.seq ?? null, auditPending: manifest.audit.pendingEntries }, null, 2)}\n`,
      );
    } finally {
      await source.close();
    }
    return 0;
  }
  if (command === 'restore') {
    const file = flag(args, '--in');
    if (!file) throw new Error('usage: db:restore -- --in FILE [--target-url URL] [--migrate]');
    const keys = configuredKeys(config);
    let targetUrl = flag(args, '--target-url');
    let close = async () => undefined as void;
    let embedded: { ownerUrl: string; appPassword: string } | undefined;
    if (!targetUrl) {
      // A new embedded cluster in DATA_DIR, as `npm start` would use it afterwards.
      const manifest = await verifyArchive(file, keys);
      checkKeys(manifest, keys);
      const pgDir = path.join(config.dataDir, 'pg');
      if (fs.existsSync(pgDir))
        throw new RestoreRefused(
          `restore refused: ${pgDir} already holds a cluster; restore into a new DATA_DIR or pass --target-url`,
        );
      const secrets = new LocalSecrets(config.dataDir);
      const cluster = await startEmbeddedCluster({
        dir: pgDir,
        port: config.database.embeddedPort,
        superuserPassword: secrets.getOrCreate('postgresSuperuserPassword').value,
      });
      targetUrl = cluster.url(EMBEDDED_DATABASE_NAME);
      embedded = { ownerUrl: targetUrl, appPassword: secrets.getOrCreate('postgresAppPassword').value };
      close = () => cluster.stop();
    }
    try {
      const summary = await restoreDatabase({ file, targetUrl, keys, migrate: args.includes('--migrate'), log });
      if (embedded) await enableAppRoleLogin(embedded.ownerUrl, embedded.appPassword);
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      if (summary.appRoleCreated && !embedded)
        log(`note: role ${APP_DB_ROLE} was created NOLOGIN; give it LOGIN and a password for DATABASE_URL`);
      if (summary.pendingMigrations.length)
        log(
          `note: ${summary.pendingMigrations.length} migration(s) newer than the backup are pending; run with --migrate or \`npm run migration:run\``,
        );
    } finally {
      await close();
    }
    return 0;
  }
  log('usage: backup.js backup [--out FILE] | restore --in FILE [--target-url URL] [--migrate]');
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof RestoreRefused || err instanceof ArchiveRefused)
        process.stderr.write(`${err.message}\n`);
      else process.stderr.write(`${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(err instanceof RestoreRefused || err instanceof ArchiveRefused ? 3 : 1);
    },
  );
}
