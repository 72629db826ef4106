import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { enableAppRoleLogin } from '../../src/start-up/database-bootstrap.js';
import {
  type EmbeddedCluster,
  ensureDatabase,
  freeLocalPort,
  startEmbeddedCluster,
} from '../../src/start-up/embedded-postgres.js';
import { runPendingMigrations, withDataSource } from '../../src/start-up/migrator.js';
import { seedReferenceData } from '../../src/reference-data/reference-data.seeder.js';
import { log } from './util.js';

/** Every secret of a benchmark cluster: the generator encrypts with the keys the API is given. */
export interface BenchKeys {
  superuserPassword: string;
  appPassword: string;
  encryptionKeys: string;
  blindIndexKey: string;
  jwtSecret: string;
  auditSigningKeyPem: string;
}

function newKeys(): BenchKeys {
  return {
    superuserPassword: randomBytes(18).toString('hex'),
    appPassword: randomBytes(18).toString('hex'),
    encryptionKeys: `bench1:${randomBytes(32).toString('base64')}`,
    blindIndexKey: randomBytes(32).toString('base64'),
    jwtSecret: randomBytes(32).toString('hex'),
    auditSigningKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Keys kept beside a persistent cluster (mode 0600), or new ones for a throwaway cluster. */
export function loadOrCreateKeys(root: string): BenchKeys {
  const file = path.join(root, 'bench-keys.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchKeys;
  const keys = newKeys();
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export interface BenchCluster {
  cluster: EmbeddedCluster;
  keys: BenchKeys;
  pgDir: string;
  ownerUrl(db: string): string;
  appUrl(db: string): string;
  version: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchCluster(root: string): Promise<BenchCluster> {
  const keys = loadOrCreateKeys(root);
  const pgDir = path.join(root, 'pg');
  const port = await freeLocalPort();
  let cluster = await startEmbeddedCluster({ dir: pgDir, port, superuserPassword: keys.superuserPassword });
  const ownerUrl = (db: string) => cluster.url(db);
  const appUrl = (db: string) => cluster.url(db, 'ctcm_app', keys.appPassword);
  const client = new pg.Client({ connectionString: ownerUrl('postgres') });
  await client.connect();
  const version = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
  await client.end();
  let stopped = false;
  return {
    get cluster() {
      return cluster;
    },
    keys,
    pgDir,
    ownerUrl,
    appUrl,
    version,
    async restart() {
      await cluster.stop();
      cluster = await startEmbeddedCluster({ dir: pgDir, port, superuserPassword: keys.superuserPassword });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
    },
  };
}

/** A migrated, seeded database as the API expects it, with the application role's login. */
export async function prepareDatabase(bc: BenchCluster, name: string): Promise<void> {
  await ensureDatabase(bc.ownerUrl('postgres'), name);
  const applied = await runPendingMigrations(bc.ownerUrl(name));
  if (applied.length) log(`${name}: applied ${applied.length} migrations`);
  await withDataSource(bc.ownerUrl(name), seedReferenceData);
  await enableAppRoleLogin(bc.ownerUrl(name), bc.keys.appPassword);
}

export async function dropDatabase(bc: BenchCluster, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: bc.ownerUrl('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs `fn` with one owner connection to a database. */
export async function withOwner<T>(bc: BenchCluster, db: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: bc.ownerUrl(db) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
