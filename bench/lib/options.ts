import path from 'node:path';

export const SCENARIOS = [
  'baseline-nest',
  'baseline-pg',
  'case-read',
  'case-list',
  'person-match',
  'screening-create',
  'referral-accept',
  'audit-events',
  'audit-export',
  'audit-verify',
  'login',
  'case-read-under-login',
  'startup',
  'webhooks',
  'statistics',
  'kobo-intake',
  'documents',
  'replica',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Multiplier of the default 100,000 cases (and persons). */
  scale: number;
  cases: number;
  agencies: number;
  /** Audit entries generated into the main database. */
  audit: number;
  /** Entries in the exported range and in the directly verified range. */
  exportEntries: number;
  verifyEntries: number;
  /** The small database for the case-list growth ratio (0: skip it). */
  smallCases: number;
  /** Audit entries of the small database, verified end to end through GET /audit/verify. */
  smallAudit: number;
  duration: number;
  /** Responses per measured run instead of a duration (the smoke test: slower on a busy machine, never empty). */
  requests?: number;
  warmup: number;
  connections: number;
  /** Extra API environment (e.g. longer database timeouts for a smoke run on a busy machine). */
  apiEnv: Record<string, string>;
  only?: Set<ScenarioId>;
  skip: Set<ScenarioId>;
  /** Persistent cluster folder: data generated once is reused by later runs with the same sizes. */
  dataDir?: string;
  outDir: string;
  name: string;
  /** Scenarios re-run under `node --cpu-prof` with pg_stat_statements, for a time breakdown. */
  profile: ScenarioId[];
  logLevel: string;
  authRateLimit: number;
  loginClients: number;
  keepTemp: boolean;
  apiLogDir?: string;
  /** Events of the webhook burst. */
  webhookEvents: number;
  /** Seconds to wait, before each scenario, for other processes to leave the machine idle. */
  quietWait: number;
  /** Submissions of the kobo-intake burst. */
  koboSubmissions: number;
  /** Restart PostgreSQL and drop the OS page cache before each audit export and verification. */
  coldAudit: boolean;
}

const HELP = `Usage: npm run bench -- [options]

  --scale N            cases multiplier: N x 100,000 cases and persons (default 1)
  --cases N            exact number of cases (overrides --scale)
  --agencies N         agencies (default 20)
  --audit N            audit entries in the main database (default 10,000,000)
  --export N           entries in the exported range (default 1,000,000)
  --verify N           entries verified directly (default 1,000,000)
  --small-cases N      cases of the small database for the list ratio (default 10,000; 0 = skip)
  --small-audit N      audit entries of the small database, verified via GET /audit/verify (default 1,000,000)
  --duration S         seconds per measured load run (default 10)
  --warmup S           seconds of warm-up before each (default 5)
  --requests N         measured runs send N requests each instead of lasting --duration
  --api-env K=V        extra API environment variable (repeatable)
  --connections N      connections of the read scenarios (default 32)
  --only a,b           run only these scenarios (${SCENARIOS.join(', ')})
  --skip a,b           skip these scenarios
  --skip-baselines     skip baseline-nest and baseline-pg
  --data-dir DIR       keep the PostgreSQL cluster there and reuse generated data across runs
  --out DIR            results folder (default bench/results)
  --name NAME          results file name (default latest -> latest.json, latest.md)
  --profile a,b        re-run these scenarios under --cpu-prof and pg_stat_statements (default case-read,screening-create,referral-accept,audit-export)
  --no-profile         no profiling pass
  --log-level L        API LOG_LEVEL (default warn)
  --auth-rate-limit N  AUTH_RATE_LIMIT_PER_MINUTE of the API (default 30, the production default)
  --login-clients N    client addresses logging in at the rate limit (default 20, one per agency)
  --api-log-dir DIR    write the API processes' output there (default: the temporary folder)
  --webhook-events N   events of the webhook burst (default 10,000)
  --keep-temp          keep the temporary folder
  --kobo-submissions N submissions of the kobo-intake burst (default 2,000)
  --quiet-wait S       before each scenario, wait up to S seconds for the machine to be idle (default 60; 0 = never)
  --cold-audit         audit export and verification on a cold cache: PostgreSQL restarted (empty shared
                       buffers) and the OS page cache dropped (needs root; only under the bench lock)
`;

function num(name: string, value: string | undefined): number {
  const n = Number(value?.replaceAll('_', ''));
  if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${name} needs a non-negative number`);
  return n;
}

function scenarioList(name: string, value: string | undefined): ScenarioId[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list)
    if (!(SCENARIOS as readonly string[]).includes(s))
      throw new Error(`${name}: unknown scenario ${s} (known: ${SCENARIOS.join(', ')})`);
  return list as ScenarioId[];
}

export function parseOptions(argv: string[], repoRoot: string): BenchOptions {
  const o: BenchOptions = {
    scale: 1,
    cases: 100_000,
    agencies: 20,
    audit: 10_000_000,
    exportEntries: 1_000_000,
    verifyEntries: 1_000_000,
    smallCases: 10_000,
    smallAudit: 1_000_000,
    duration: 10,
    warmup: 5,
    connections: 32,
    apiEnv: {},
    skip: new Set(),
    outDir: path.join(repoRoot, 'bench', 'results'),
    name: 'latest',
    profile: ['case-read', 'screening-create', 'referral-accept', 'audit-export'],
    logLevel: 'warn',
    authRateLimit: 30,
    loginClients: 20,
    keepTemp: false,
    quietWait: 60,
    webhookEvents: 10_000,
    koboSubmissions: 2000,
    coldAudit: false,
  };
  let casesSet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      case '--scale':
        o.scale = num(flag, value());
        break;
      case '--cases':
        o.cases = Math.round(num(flag, value()));
        casesSet = true;
        break;
      case '--agencies':
        o.agencies = Math.max(2, Math.round(num(flag, value())));
        break;
      case '--audit':
        o.audit = Math.round(num(flag, value()));
        break;
      case '--export':
        o.exportEntries = Math.round(num(flag, value()));
        break;
      case '--verify':
        o.verifyEntries = Math.round(num(flag, value()));
        break;
      case '--small-cases':
        o.smallCases = Math.round(num(flag, value()));
        break;
      case '--small-audit':
        o.smallAudit = Math.round(num(flag, value()));
        break;
      case '--duration':
        o.duration = num(flag, value());
        break;
      case '--warmup':
        o.warmup = num(flag, value());
        break;
      case '--kobo-submissions':
        o.koboSubmissions = Math.max(16, Math.round(num(flag, value())));
        break;
      case '--requests':
        o.requests = Math.max(1, Math.round(num(flag, value())));
        break;
      case '--api-env': {
        const pair = value() ?? '';
        if (!/^[A-Z_][A-Z0-9_]*=/.test(pair)) throw new Error(`--api-env needs KEY=VALUE, got ${pair}`);
        o.apiEnv[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
        break;
      }
      case '--connections':
        o.connections = Math.max(1, Math.round(num(flag, value())));
        break;
      case '--only':
        o.only = new Set(scenarioList(flag, value()));
        break;
      case '--skip':
        for (const s of scenarioList(flag, value())) o.skip.add(s);
        break;
      case '--cold-audit':
        o.coldAudit = true;
        break;
      case '--skip-baselines':
        o.skip.add('baseline-nest');
        o.skip.add('baseline-pg');
        break;
      case '--data-dir':
        o.dataDir = path.resolve(value() ?? '');
        break;
      case '--out':
        o.outDir = path.resolve(value() ?? '');
        break;
      case '--name':
        o.name = value() ?? 'latest';
        break;
      case '--profile':
        o.profile = scenarioList(flag, value());
        break;
      case '--no-profile':
        o.profile = [];
        break;
      case '--log-level':
        o.logLevel = value() ?? 'warn';
        break;
      case '--auth-rate-limit':
        o.authRateLimit = Math.max(1, Math.round(num(flag, value())));
        break;
      case '--login-clients':
        o.loginClients = Math.max(1, Math.round(num(flag, value())));
        break;
      case '--api-log-dir':
        o.apiLogDir = path.resolve(value() ?? '');
        break;
      case '--webhook-events':
        o.webhookEvents = Math.max(10, Math.round(num(flag, value())));
        break;
      case '--keep-temp':
        o.keepTemp = true;
        break;
      case '--quiet-wait':
        o.quietWait = num(flag, value());
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  if (!casesSet) o.cases = Math.round(100_000 * o.scale);
  o.exportEntries = Math.min(o.exportEntries, o.audit);
  o.verifyEntries = Math.min(o.verifyEntries, o.audit);
  o.smallCases = Math.min(o.smallCases, o.cases);
  return o;
}

export function wants(o: BenchOptions, id: ScenarioId): boolean {
  return (!o.only || o.only.has(id)) && !o.skip.has(id);
}
