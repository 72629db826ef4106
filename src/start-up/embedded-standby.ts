import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { isRoot, prepareDirectoryForPostgresUser, serverFlags } from './embedded-postgres.js';
import {
  createPhysicalSlot,
  dropReplicationSlot,
  findDataDirectory,
  findStandbyStreaming,
  startBaseBackup,
  stopBaseBackup,
} from './start-up.queries.js';

/**
 * A streaming hot standby of an embedded cluster, for tests and the benchmark (development
 * and evaluation only, like the embedded cluster itself; production standbys are provisioned
 * with the server, docs/replicas.md).
 *
 * The embedded-postgres package ships `postgres`, `initdb` and `pg_ctl` only, not
 * `pg_basebackup`. The base backup is therefore taken with PostgreSQL's low-level backup API,
 * which is what pg_basebackup does over the replication protocol: pg_backup_start() on one
 * session, a copy of the data folder (without WAL and runtime files), pg_backup_stop() giving
 * the backup_label. As `pg_basebackup -R` would, it then writes standby.signal and
 * primary_conninfo, with a physical replication slot so the primary keeps the WAL the standby
 * has yet to stream. The standby is then started on its own port: it replays the WAL from the
 * backup's checkpoint, and streams from the primary's WAL sender (real streaming replication,
 * visible in pg_stat_replication on the primary and pg_stat_wal_receiver on the standby).
 */
export interface EmbeddedStandby {
  port: number;
  dir: string;
  slot: string;
  url(database: string, user: string, password: string): string;
  /** Stops the standby (SIGINT, a fast shutdown); the slot stays until drop(). */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port; it resumes streaming where it stopped. */
  restart(): Promise<void>;
  /** Stops it, drops its slot on the primary and removes its folder. */
  drop(): Promise<void>;
}

export interface EmbeddedStandbyOptions {
  /** The primary as its superuser (any database). */
  primaryUrl: string;
  /** Where the standby's data folder goes (created; must not exist or be empty). */
  dir: string;
  port: number;
  /** Replication slot name on the primary: [a-z0-9_]. */
  slot: string;
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

/** Runtime and per-server files a base backup leaves out (PostgreSQL's own list, "Backup Manifest"). */
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'pg_internal.init']);

/** Copies the data folder of a running server: files may change or vanish meanwhile (WAL replay repairs them). */
function copyDataFolder(from: string, to: string, top = true): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(from, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (SKIPPED.has(entry.name) || entry.name.startsWith('pgsql_tmp')) continue;
    if (entry.isDirectory()) {
      if (top && EMPTIED.has(entry.name)) {
        fs.mkdirSync(target, { mode: 0o700 });
        if (entry.name === 'pg_wal') fs.mkdirSync(path.join(target, 'archive_status'), { mode: 0o700 });
        continue;
      }
      copyDataFolder(source, target, false);
    } else if (entry.isFile()) {
      try {
        fs.copyFileSync(source, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

function chownTree(dir: string, ids: { uid: number; gid: number }): void {
  fs.chownSync(dir, ids.uid, ids.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, ids);
    else fs.chownSync(p, ids.uid, ids.gid);
  }
}

/** A value for postgresql.auto.conf: single-quoted, quotes doubled. */
const confValue = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
/** A libpq connection-string value: single-quoted, quotes and backslashes escaped. */
const conninfoValue = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  return binaries.postgres;
}

export async function startEmbeddedStandby(options: EmbeddedStandbyOptions): Promise<EmbeddedStandby> {
  const { dir, port, slot } = options;
  if (!/^[a-z0-9_]{1,63}$/.test(slot)) throw new Error('a replication slot name is [a-z0-9_]');
  const primary = new URL(options.primaryUrl);
  const client = new pg.Client({ connectionString: options.primaryUrl });
  await client.connect();
  try {
    await createPhysicalSlot(client, slot);
    const source = await findDataDirectory(client);
    prepareDirectoryForPostgresUser(dir);
    await startBaseBackup(client, `standby ${slot}`);
    let backup: { labelfile: string; spcmapfile: string };
    try {
      copyDataFolder(source, dir);
    } finally {
      backup = await stopBaseBackup(client);
    }
    fs.writeFileSync(path.join(dir, 'backup_label'), backup.labelfile, { mode: 0o600 });
    if (backup.spcmapfile) fs.writeFileSync(path.join(dir, 'tablespace_map'), backup.spcmapfile, { mode: 0o600 });
  } finally {
    await client.end();
  }
  // What pg_basebackup -R writes: the standby signal and how to reach the primary.
  fs.writeFileSync(path.join(dir, 'standby.signal'), '', { mode: 0o600 });
  const conninfo = [
    `host=${conninfoValue(primary.hostname)}`,
    `port=${primary.port || '5432'}`,
    `user=${conninfoValue(decodeURIComponent(primary.username))}`,
    `password=${conninfoValue(decodeURIComponent(primary.password))}`,
    `application_name=${conninfoValue(slot)}`,
  ].join(' ');
  fs.appendFileSync(
    path.join(dir, 'postgresql.auto.conf'),
    [
      `primary_conninfo = ${confValue(conninfo)}`,
      `primary_slot_name = ${confValue(slot)}`,
      // Long reads on the standby (exports) are not cancelled by the primary's vacuum; the price
      // is that they hold back its clean-up while they run (docs/replicas.md).
      `hot_standby_feedback = on`,
      '',
    ].join('\n'),
  );
  const ids = postgresIds();
  if (ids) chownTree(dir, ids);

  const binary = await postgresBinary();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(binary, ['-D', dir, '-p', String(port), ...serverFlags(options.ephemeral)], {
      ...(ids ?? {}),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let log = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log = (log + text).slice(-8000);
      options.onLog?.(text);
    });
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`the standby exited with ${code} before streaming:\n${log}`))),
    );
    exited.catch(() => undefined);
    // Ready when it accepts (read-only) connections as a standby and its WAL receiver streams.
    const url = `postgres://${primary.username}:${primary.password}@127.0.0.1:${port}/postgres`;
    for (;;) {
      if (proc.exitCode !== null) await exited;
      const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await probe.connect();
        const state = await findStandbyStreaming(probe);
        if (state.in_recovery && state.streaming) return;
      } catch {
        // starting up
      } finally {
        await probe.end().catch(() => undefined);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 200)), exited]);
    }
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGINT');
    });
  };
  try {
    await start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    dir,
    slot,
    url: (database, user, password) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop,
    restart: start,
    async drop() {
      await stop();
      const c = new pg.Client({ connectionString: options.primaryUrl });
      try {
        await c.connect();
        await dropReplicationSlot(c, slot);
      } catch {
        // the primary is gone too: nothing holds WAL any more
      } finally {
        await c.end().catch(() => undefined);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
