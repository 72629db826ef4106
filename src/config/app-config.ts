import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import path from 'node:path';
import { isRole } from '../auth/permissions.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the API reads. `.env.example` documents each one;
 * process.env is read nowhere else.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @IsString()
  @MinLength(1)
  DATA_DIR = './.data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_OWNER_URL must be a postgres:// connection URL' })
  DATABASE_OWNER_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  DATABASE_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  DATABASE_OWNER_PASSWORD?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS = 3_000;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_MIGRATE_ON_START = true;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_REPLICA_URL must be a postgres:// connection URL' })
  DATABASE_REPLICA_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_REPLICA_MAX_LAG_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_REPLICA_CHECK_INTERVAL_MS = 1_000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_DB_PORT = 5488;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 256 * 1024;

  @Transform(toBool)
  @IsBoolean()
  SWAGGER_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'BOOTSTRAP_ADMIN_EMAIL must be an email address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters' })
  @MaxLength(128)
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_GRACE_MS = 10_000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'ctcm-api';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'ctcm-api';

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(900, { message: 'ACCESS_TOKEN_TTL_SECONDS must be at most 900 (15 minutes)' })
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(12 * 3600)
  REFRESH_TOKEN_IDLE_SECONDS = 2 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(12, { message: 'SESSION_MAX_HOURS must be at most 12' })
  SESSION_MAX_HOURS = 12;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 30;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(none|[a-z_]+(,[a-z_]+)*)$/, {
    message: 'MFA_REQUIRED_ROLES must be role names separated by commas, or none',
  })
  MFA_REQUIRED_ROLES?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(60)
  MFA_ISSUER = 'CTCM Lao PDR';

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  RATE_LIMIT_USER_PER_MINUTE = 1200;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(10_000_000)
  RATE_LIMIT_IP_PER_MINUTE = 12_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_HEAVY_USER_PER_MINUTE = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_HEAVY_IP_PER_MINUTE = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8)
  BREAK_GLASS_HOURS = 4;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'AUDIT_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM' })
  AUDIT_SIGNING_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUDIT_SEAL_INTERVAL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1200)
  AUDIT_RETENTION_MONTHS = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/]{43}=)(,[A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/]{43}=)*$/, {
    message: 'ENCRYPTION_KEYS must be "id:base64(32 bytes)" entries separated by commas',
  })
  ENCRYPTION_KEYS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'ENCRYPTION_ACTIVE_KEY_ID must be the id of one of ENCRYPTION_KEYS' })
  ENCRYPTION_ACTIVE_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'BLIND_INDEX_KEY must be 32 bytes in base64' })
  BLIND_INDEX_KEY?: string;

  /** The deployment's IANA time zone: "today" for every date defaulted or compared with today. */
  @IsString()
  @Matches(/^[A-Za-z0-9_+\-/]{1,64}$/, { message: 'TIME_ZONE must be an IANA time zone such as Asia/Vientiane' })
  TIME_ZONE = 'Asia/Vientiane';

  @Matches(/^\d{1,2}(,\d{1,2}){0,23}$/, {
    message: 'FOLLOW_UP_PLAN_MONTHS must be months separated by commas, e.g. 1,3,6,12',
  })
  FOLLOW_UP_PLAN_MONTHS = '1,3,6,12';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;

  @Matches(/^(emergency|high|normal|low):\d{1,4}(,(emergency|high|normal|low):\d{1,4}){0,3}$/, {
    message: 'REFERRAL_SLA_HOURS must look like emergency:4,high:24,normal:72,low:168',
  })
  REFERRAL_SLA_HOURS = 'emergency:4,high:24,normal:72,low:168';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  REFERRAL_EXPIRY_INTERVAL_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(5, { message: 'REPORT_MIN_CELL_SIZE must be at least 5 (11 for anything that leaves the system)' })
  @Max(100)
  REPORT_MIN_CELL_SIZE = 11;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  STATISTICS_REFRESH_INTERVAL_MS = 300_000;

  /**
   * Months a record type is kept after its case closed (or, for records without a case, after
   * their own clock), overriding the defaults (docs/data-protection.md).
   */
  @Matches(/^$|^[a-z][a-z-]{1,39}:\d{1,4}(,[a-z][a-z-]{1,39}:\d{1,4}){0,31}$/, {
    message: 'RETENTION_SCHEDULES must look like persons:120,cases:60 (record type:months after closure)',
  })
  RETENTION_SCHEDULES = '';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604_800_000)
  RETENTION_INTERVAL_MS = 86_400_000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/]{43}=)(,[A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/]{43}=)*$/, {
    message: 'BACKUP_KEYS must be "id:base64(32 bytes)" entries separated by commas',
  })
  BACKUP_KEYS?: string;

  @Transform(toBool)
  @IsBoolean()
  JOB_QUEUE_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_QUEUE_CONCURRENCY = 8;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  JOB_QUEUE_POLL_INTERVAL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  EVENTS_SCHEDULE_INTERVAL_MS = 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  REFERRAL_EXPIRING_MINUTES = 60;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  FOLLOW_UP_DUE_NOTICE_DAYS = 7;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  FACILITY_LOW_BEDS = 2;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(\*\.)?[a-z0-9.-]{1,253}(,(\*\.)?[a-z0-9.-]{1,253})*$/, {
    message: 'WEBHOOK_ALLOWED_HOSTS must be host names separated by commas (a leading *. allows subdomains)',
  })
  WEBHOOK_ALLOWED_HOSTS?: string;

  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_LOOPBACK = false;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(7 * 86_400_000)
  WEBHOOK_RETRY_WINDOW_MS = 86_400_000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  DOCUMENT_MAX_BYTES = 20 * 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DOCUMENT_MAX_PER_RECORD = 100;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DOCUMENT_UPLOAD_IDLE_TIMEOUT_MS = 30_000;

  @Transform(toBool)
  @IsBoolean()
  DEMO_DATA = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'DEMO_PASSWORD must be at least 12 characters' })
  @MaxLength(128)
  DEMO_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]{1,253}$/, { message: 'SMTP_HOST must be a host name or address' })
  SMTP_HOST?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT = 587;

  @Transform(toBool)
  @IsBoolean()
  SMTP_SECURE = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(320)
  SMTP_USER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  SMTP_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/^([^<>\r\n]{0,100}<)?[^\s<>@]+@[^\s<>@]+>?$/, {
    message: 'SMTP_FROM must be an address, optionally with a name: CTCM <noreply@example.la>',
  })
  SMTP_FROM?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'FRONTEND_BASE_URL must be an http(s) URL without query or fragment' })
  FRONTEND_BASE_URL?: string;

  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'EMAIL_DIGEST_TIME must be a local time HH:MM, e.g. 07:00' })
  EMAIL_DIGEST_TIME = '07:00';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  EMAIL_DIGEST_CHECK_INTERVAL_MS = 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  NOTIFICATION_STREAM_POLL_MS = 2_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  NOTIFICATION_STREAM_HEARTBEAT_MS = 15_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  EMAIL_MAX_ATTEMPTS = 10;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  EMAIL_RETRY_BASE_MS = 30_000;
}

export interface AppConfig {
  env: EnvironmentVariables['NODE_ENV'];
  isProduction: boolean;
  http: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    corsOrigins: string[];
    trustProxyHops: number;
    swaggerEnabled: boolean;
    shutdownGraceMs: number;
  };
  dataDir: string;
  /** IANA time zone of the deployment; dates ("today") are local to it. */
  timeZone: string;
  database: {
    /** Runtime connection (the non-owner application role). Unset: embedded PostgreSQL. */
    url?: string;
    /** Owner connection used for migrations and seeding. */
    ownerUrl?: string;
    poolSize: number;
    statementTimeoutMs: number;
    connectTimeoutMs: number;
    migrateOnStart: boolean;
    embeddedPort: number;
    /**
     * A streaming standby for reads that tolerate lag (docs/replicas.md): read as the same
     * application role, used while its lag stays within maxLagMs, else the primary answers.
     */
    replica?: { url: string; maxLagMs: number; checkIntervalMs: number };
  };
  logLevel: EnvironmentVariables['LOG_LEVEL'];
  bootstrapAdmin: { email?: string; password?: string };
  auth: {
    /** Unset outside production: generated into the data folder. */
    jwtSecret?: string;
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    refreshTokenIdleSeconds: number;
    sessionMaxHours: number;
    rateLimitPerMinute: number;
    breakGlassHours: number;
    /** Roles whose holders must sign in with a second factor (TOTP). */
    mfaRequiredRoles: string[];
    /** The issuer shown in authenticator apps. */
    mfaIssuer: string;
  };
  /** Requests per minute, per signed-in user and per client address, shared by every replica. */
  rateLimits: {
    userPerMinute: number;
    ipPerMinute: number;
    /** Exports, matching and reports: the routes that read the most per request. */
    heavyUserPerMinute: number;
    heavyIpPerMinute: number;
  };
  cases: {
    followUpPlanMonths: number[];
    idempotencyKeyTtlHours: number;
  };
  referrals: {
    slaHours: Record<string, number>;
    /** 0 disables the background expiry (tests expire explicitly). */
    expiryIntervalMs: number;
    reportMinCellSize: number;
  };
  statistics: {
    /**
     * How often the precomputed monthly counts of the recent months are refreshed (the whole
     * history once a day); 0 = no precomputed counts, every answer from the raw rows.
     */
    refreshIntervalMs: number;
  };
  retention: {
    /** Record type → months after case closure, overriding each eraser's default. */
    schedules: Record<string, number>;
    /** 0 disables the scheduled run (tests run it through the API). */
    intervalMs: number;
  };
  backup: {
    /** BACKUP_KEYS: "id:base64" entries; the last one encrypts new archives. Never the data keys. */
    keys?: string;
  };
  crypto: {
    encryptionKeys?: string;
    activeKeyId?: string;
    blindIndexKey?: string;
  };
  audit: {
    signingKeyPem?: string;
    /** 0 disables the background sealer (tests seal explicitly). */
    sealIntervalMs: number;
    /** 0 keeps every partition. */
    retentionMonths: number;
  };
  notifications: {
    /** Unset: e-mail is disabled (said at start-up); in-app notifications still work. */
    smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string };
    from?: string;
    /** Links in e-mails point here (e.g. https://ctcm.example.la); unset: no links. */
    frontendBaseUrl?: string;
    /** Local time (TIME_ZONE) after which each day's digests are sent, HH:MM. */
    digestTime: string;
    /** How often the queue looks for digests that are due (one replica at a time; 0 = never). */
    digestCheckIntervalMs: number;
    /** How often an open stream looks for new notifications, and how often it sends a heartbeat. */
    streamPollMs: number;
    streamHeartbeatMs: number;
    maxAttempts: number;
    /** First retry delay; each further attempt doubles it (capped at six hours). */
    retryBaseMs: number;
  };
  queue: {
    /** Off: no background jobs in this process (events stay pending until a replica with the queue runs). */
    enabled: boolean;
    concurrency: number;
    pollIntervalMs: number;
  };
  events: {
    /** How often scheduled events (referral expiring, follow-ups due/overdue) are looked for; 0 disables. */
    scheduleIntervalMs: number;
    referralExpiringMinutes: number;
    followUpDueNoticeDays: number;
    facilityLowBeds: number;
  };
  webhooks: {
    /** Host names receivers may have ("*.example.org" allows subdomains); empty: none. */
    allowedHosts: string[];
    /** Tests only: loopback receivers over plain http. Refused in production. */
    allowLoopback: boolean;
    timeoutMs: number;
    retryBaseMs: number;
    retryWindowMs: number;
  };
  documents: {
    /** Largest file accepted (413 above, refused before the body is read when Content-Length says so). */
    maxBytes: number;
    /** Active documents one record may hold. */
    maxPerRecord: number;
    /** An upload that sends nothing for this long is dropped (408). */
    uploadIdleTimeoutMs: number;
  };
  demo: {
    /** Load the demonstration agencies, accounts and records at start-up (never in production). */
    enabled: boolean;
    /** Password of every demo account; unset: generated once and kept in the data folder. */
    password?: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const KNOWN_KEYS = Object.keys(new EnvironmentVariables());

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Validates the environment once; the message names every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined) raw[key] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { whitelist: true, forbidUnknownValues: true });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)),
  );
  if (vars.DATABASE_OWNER_URL && !vars.DATABASE_URL) {
    problems.push(
      'DATABASE_OWNER_URL: set DATABASE_URL (the application role) as well, or neither for the embedded database',
    );
  }
  const appUrl = withPassword(vars.DATABASE_URL, vars.DATABASE_PASSWORD, 'DATABASE_URL', 'DATABASE_PASSWORD', problems);
  const ownerUrl = withPassword(
    vars.DATABASE_OWNER_URL,
    vars.DATABASE_OWNER_PASSWORD,
    'DATABASE_OWNER_URL',
    'DATABASE_OWNER_PASSWORD',
    problems,
  );
  // The standby is read as the same application role: DATABASE_PASSWORD goes into its URL too.
  const replicaUrl = vars.DATABASE_REPLICA_URL
    ? withPassword(
        vars.DATABASE_REPLICA_URL,
        vars.DATABASE_PASSWORD,
        'DATABASE_REPLICA_URL',
        'DATABASE_PASSWORD',
        problems,
      )
    : undefined;
  if (vars.DATABASE_REPLICA_URL && !vars.DATABASE_URL) {
    problems.push('DATABASE_REPLICA_URL: set DATABASE_URL (the primary) as well; the embedded database has no standby');
  }
  if (vars.NODE_ENV === 'production' && !vars.DATABASE_URL) {
    problems.push('DATABASE_URL: required in production (the embedded database is for development and evaluation)');
  }
  if (!isKnownTimeZone(vars.TIME_ZONE)) {
    problems.push(`TIME_ZONE: unknown time zone "${vars.TIME_ZONE}" (use an IANA name such as Asia/Vientiane)`);
  }
  if (Boolean(vars.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(vars.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD: set both or neither');
  }
  if (vars.NODE_ENV === 'production' && !vars.JWT_SECRET) {
    problems.push('JWT_SECRET: required in production (at least 32 random characters)');
  }
  if (
    vars.ENCRYPTION_ACTIVE_KEY_ID &&
    !vars.ENCRYPTION_KEYS?.split(',').some((k) => k.startsWith(`${vars.ENCRYPTION_ACTIVE_KEY_ID}:`))
  ) {
    problems.push('ENCRYPTION_ACTIVE_KEY_ID: no key with this id in ENCRYPTION_KEYS');
  }
  if (vars.NODE_ENV === 'production' && (!vars.ENCRYPTION_KEYS || !vars.BLIND_INDEX_KEY)) {
    problems.push('ENCRYPTION_KEYS and BLIND_INDEX_KEY: required in production');
  }
  if (vars.BACKUP_KEYS && vars.ENCRYPTION_KEYS) {
    const material = (spec: string) => spec.split(',').map((k) => k.slice(k.indexOf(':') + 1));
    const data = new Set(material(vars.ENCRYPTION_KEYS));
    if (material(vars.BACKUP_KEYS).some((k) => data.has(k)))
      problems.push('BACKUP_KEYS: must differ from every ENCRYPTION_KEYS key (a backup key is a separate key)');
  }
  if (vars.NODE_ENV === 'production' && !vars.AUDIT_SIGNING_KEY) {
    problems.push('AUDIT_SIGNING_KEY: required in production (Ed25519 private key, PKCS#8 PEM)');
  }
  if (vars.NODE_ENV === 'production' && (vars.DEMO_DATA || vars.DEMO_PASSWORD)) {
    problems.push('DEMO_DATA: demo data and demo accounts are refused in production');
  }
  const unknownRoles = (vars.MFA_REQUIRED_ROLES ?? 'none').split(',').filter((r) => r !== 'none' && !isRole(r));
  if (unknownRoles.length) problems.push(`MFA_REQUIRED_ROLES: unknown role ${unknownRoles.join(', ')}`);
  if (vars.SMTP_HOST && !vars.SMTP_FROM) problems.push('SMTP_FROM: required when SMTP_HOST is set');
  if (Boolean(vars.SMTP_USER) !== Boolean(vars.SMTP_PASSWORD))
    problems.push('SMTP_USER and SMTP_PASSWORD: set both or neither');
  if (vars.NODE_ENV === 'production' && vars.WEBHOOK_ALLOW_LOOPBACK) {
    problems.push('WEBHOOK_ALLOW_LOOPBACK: refused in production (webhooks never reach internal addresses)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: vars.NODE_ENV,
    isProduction: vars.NODE_ENV === 'production',
    http: {
      port: vars.PORT,
      host: vars.HOST,
      bodyLimitBytes: vars.BODY_LIMIT_BYTES,
      corsOrigins: (vars.CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      trustProxyHops: vars.TRUST_PROXY_HOPS,
      swaggerEnabled: vars.SWAGGER_ENABLED,
      shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    },
    dataDir: path.resolve(vars.DATA_DIR),
    timeZone: vars.TIME_ZONE,
    database: {
      url: appUrl,
      ownerUrl,
      poolSize: vars.DATABASE_POOL_SIZE,
      statementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: vars.DATABASE_CONNECT_TIMEOUT_MS,
      migrateOnStart: vars.DATABASE_MIGRATE_ON_START,
      embeddedPort: vars.EMBEDDED_DB_PORT,
      replica: replicaUrl
        ? {
            url: replicaUrl,
            maxLagMs: vars.DATABASE_REPLICA_MAX_LAG_MS,
            checkIntervalMs: vars.DATABASE_REPLICA_CHECK_INTERVAL_MS,
          }
        : undefined,
    },
    logLevel: vars.LOG_LEVEL,
    bootstrapAdmin: { email: vars.BOOTSTRAP_ADMIN_EMAIL, password: vars.BOOTSTRAP_ADMIN_PASSWORD },
    auth: {
      jwtSecret: vars.JWT_SECRET,
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      accessTokenTtlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenIdleSeconds: vars.REFRESH_TOKEN_IDLE_SECONDS,
      sessionMaxHours: vars.SESSION_MAX_HOURS,
      rateLimitPerMinute: vars.AUTH_RATE_LIMIT_PER_MINUTE,
      breakGlassHours: vars.BREAK_GLASS_HOURS,
      mfaRequiredRoles: mfaRequiredRolesOf(vars.MFA_REQUIRED_ROLES, vars.DEMO_DATA),
      mfaIssuer: vars.MFA_ISSUER,
    },
    rateLimits: {
      userPerMinute: vars.RATE_LIMIT_USER_PER_MINUTE,
      ipPerMinute: vars.RATE_LIMIT_IP_PER_MINUTE,
      heavyUserPerMinute: vars.RATE_LIMIT_HEAVY_USER_PER_MINUTE,
      heavyIpPerMinute: vars.RATE_LIMIT_HEAVY_IP_PER_MINUTE,
    },
    cases: {
      followUpPlanMonths: vars.FOLLOW_UP_PLAN_MONTHS.split(',').map(Number),
      idempotencyKeyTtlHours: vars.IDEMPOTENCY_KEY_TTL_HOURS,
    },
    referrals: {
      slaHours: {
        emergency: 4,
        high: 24,
        normal: 72,
        low: 168,
        ...Object.fromEntries(
          vars.REFERRAL_SLA_HOURS.split(',').map((p) => [p.split(':')[0]!, Number(p.split(':')[1])]),
        ),
      },
      expiryIntervalMs: vars.REFERRAL_EXPIRY_INTERVAL_MS,
      reportMinCellSize: vars.REPORT_MIN_CELL_SIZE,
    },
    statistics: { refreshIntervalMs: vars.STATISTICS_REFRESH_INTERVAL_MS },
    retention: {
      schedules: Object.fromEntries(
        vars.RETENTION_SCHEDULES.split(',')
          .filter(Boolean)
          .map((p) => [p.split(':')[0]!, Number(p.split(':')[1])]),
      ),
      intervalMs: vars.RETENTION_INTERVAL_MS,
    },
    backup: { keys: vars.BACKUP_KEYS },
    crypto: {
      encryptionKeys: vars.ENCRYPTION_KEYS,
      activeKeyId: vars.ENCRYPTION_ACTIVE_KEY_ID,
      blindIndexKey: vars.BLIND_INDEX_KEY,
    },
    audit: {
      signingKeyPem: vars.AUDIT_SIGNING_KEY?.replaceAll('\\n', '\n'),
      sealIntervalMs: vars.AUDIT_SEAL_INTERVAL_MS,
      retentionMonths: vars.AUDIT_RETENTION_MONTHS,
    },
    notifications: {
      smtp: vars.SMTP_HOST
        ? {
            host: vars.SMTP_HOST,
            port: vars.SMTP_PORT,
            secure: vars.SMTP_SECURE,
            user: vars.SMTP_USER,
            password: vars.SMTP_PASSWORD,
          }
        : undefined,
      from: vars.SMTP_FROM,
      frontendBaseUrl: vars.FRONTEND_BASE_URL?.replace(/\/+$/, ''),
      digestTime: vars.EMAIL_DIGEST_TIME,
      digestCheckIntervalMs: vars.EMAIL_DIGEST_CHECK_INTERVAL_MS,
      streamPollMs: vars.NOTIFICATION_STREAM_POLL_MS,
      streamHeartbeatMs: vars.NOTIFICATION_STREAM_HEARTBEAT_MS,
      maxAttempts: vars.EMAIL_MAX_ATTEMPTS,
      retryBaseMs: vars.EMAIL_RETRY_BASE_MS,
    },
    queue: {
      enabled: vars.JOB_QUEUE_ENABLED,
      concurrency: vars.JOB_QUEUE_CONCURRENCY,
      pollIntervalMs: vars.JOB_QUEUE_POLL_INTERVAL_MS,
    },
    events: {
      scheduleIntervalMs: vars.EVENTS_SCHEDULE_INTERVAL_MS,
      referralExpiringMinutes: vars.REFERRAL_EXPIRING_MINUTES,
      followUpDueNoticeDays: vars.FOLLOW_UP_DUE_NOTICE_DAYS,
      facilityLowBeds: vars.FACILITY_LOW_BEDS,
    },
    documents: {
      maxBytes: vars.DOCUMENT_MAX_BYTES,
      maxPerRecord: vars.DOCUMENT_MAX_PER_RECORD,
      uploadIdleTimeoutMs: vars.DOCUMENT_UPLOAD_IDLE_TIMEOUT_MS,
    },
    webhooks: {
      allowedHosts: (vars.WEBHOOK_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      allowLoopback: vars.WEBHOOK_ALLOW_LOOPBACK,
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS,
      retryWindowMs: vars.WEBHOOK_RETRY_WINDOW_MS,
    },
    demo: { enabled: vars.DEMO_DATA, password: vars.DEMO_PASSWORD },
  };
}

/** The roles that can see or export the most; a second factor is required of them unless configured otherwise. */
export const DEFAULT_MFA_REQUIRED_ROLES = [
  'system_admin',
  'agency_admin',
  'auditor',
  'identification_officer',
  'case_supervisor',
];

/**
 * MFA_REQUIRED_ROLES as a list. Unset, the default roles; `none`, no role. Demo data (never in
 * production: its accounts share one printed password) leaves the second factor optional unless set.
 */
function mfaRequiredRolesOf(value: string | undefined, demo: boolean): string[] {
  if (value === undefined) return demo ? [] : DEFAULT_MFA_REQUIRED_ROLES;
  return value === 'none' ? [] : value.split(',');
}

/**
 * Puts a password given on its own (DATABASE_PASSWORD) into its connection URL, percent-encoded:
 * any character is safe there, which a password written into the URL by hand is not.
 */
function withPassword(
  url: string | undefined,
  password: string | undefined,
  urlName: string,
  passwordName: string,
  problems: string[],
): string | undefined {
  if (!password) return url;
  if (!url) {
    problems.push(`${passwordName}: set ${urlName} as well (the password is put into it)`);
    return url;
  }
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      problems.push(`${passwordName}: ${urlName} has a password already; keep it in one place`);
      return url;
    }
    parsed.password = encodeURIComponent(password);
    return parsed.toString();
  } catch {
    problems.push(`${urlName} must be a postgres:// connection URL`);
    return url;
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
