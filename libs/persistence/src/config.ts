/**
 * Runtime configuration, read once at start-up from the environment and
 * validated so that a typo fails loudly instead of silently falling back.
 */
export interface EngineConfig {
  /** HTTP port of the API. */
  readonly port: number;
  /** Interface the API binds to. */
  readonly host: string;
  /** When set, the engine uses this PostgreSQL server. */
  readonly databaseUrl: string | undefined;
  /**
   * With DATABASE_URL: the schema owner's URL (MIGRATION_DATABASE_URL). When
   * set, migrations run through it, and the role of DATABASE_URL is granted
   * what the application needs and no more (docs/database-roles.md).
   */
  readonly migrationDatabaseUrl: string | undefined;
  /**
   * READ_DATABASE_URL (one or more, comma-separated): PostgreSQL read replicas
   * of DATABASE_URL that answer the query routes; commands, projections and
   * policies stay on the primary (docs/scaling.md). Undefined: none.
   */
  readonly readReplicas: ReadReplicaSettings | undefined;
  /** When no DATABASE_URL is set: the embedded store's folder. */
  readonly dataDir: string;
  /**
   * Secret key for the HMAC that turns a resident identity number into a
   * person's stream key, and for the importer's derived command ids. Keep it
   * stable: changing it splits every person's history. Required with
   * DATABASE_URL or NODE_ENV=production; else unset means a development key,
   * with a warning.
   */
  readonly personIdKey: string;
  readonly personIdKeyIsDevelopmentKey: boolean;
  /**
   * Master key that wraps every person's own key, which seals that person's
   * personal fields in the log (docs/privacy.md). Same rules as
   * PERSON_ID_KEY: required with DATABASE_URL or NODE_ENV=production, else a
   * development key with a warning.
   */
  readonly personalDataKey: string;
  readonly personalDataKeyIsDevelopmentKey: boolean;
  /**
   * During a rotation (docs/privacy.md): the master keys being replaced
   * (PERSON_ID_KEY_PREVIOUS, PERSONAL_DATA_KEY_PREVIOUS), which still open
   * what they wrapped until `cli rotate-keys` has rewrapped it.
   */
  readonly previousKeys: { readonly personIdKey?: string; readonly personalDataKey?: string };
  /** NODE_ENV=production. */
  readonly production: boolean;
  /** 'inline': this process runs the projections; 'worker': a separate `npm run cli -- project` does. */
  readonly projections: 'inline' | 'worker';
  /** Origins allowed to call the API from a browser page of another site (CORS_ORIGINS); none by default. */
  readonly corsOrigins: readonly string[];
  /** Requests one token (or one address without a token) may make per minute (RATE_LIMIT_PER_MINUTE; 0: no limit). */
  readonly requestsPerMinute: number;
  /**
   * How long a query may take before it is answered 503 REQUEST_TIMEOUT
   * (REQUEST_TIMEOUT_MS, default 30 s; exports and commands get four times as
   * long: docs/operations.md).
   */
  readonly requestTimeoutMs: number;
  /**
   * How many /api requests (health aside) may be handled at once before the
   * next is answered 503 SERVER_BUSY with Retry-After, at once and unread
   * (MAX_REQUESTS_IN_FLIGHT, default 256): a saturated server refuses
   * cleanly instead of queueing without bound (docs/operations.md).
   */
  readonly maxRequestsInFlight: number;
  /**
   * Mean event-loop delay, in milliseconds over a second, past which
   * requests are answered 503 SERVER_BUSY (MAX_EVENT_LOOP_DELAY_MS, default
   * 2000: only a process that has long stopped keeping up; 0: not watched).
   * PostgreSQL only: the embedded store's queries run on the event loop.
   */
  readonly maxEventLoopDelayMs: number;
  /**
   * How long a request's body may take to arrive before the request is
   * answered 408 BODY_TIMEOUT and its connection closed (BODY_TIMEOUT_MS,
   * default 60 s: 10 MB at 170 KB/s): a client trickling a body cannot hold
   * a place of MAX_REQUESTS_IN_FLIGHT for longer (docs/operations.md).
   */
  readonly bodyTimeoutMs: number;
  /** Failed authentications one address may make per minute before it is refused for the rest of it (AUTH_FAILURES_PER_MINUTE). */
  readonly authFailuresPerMinute: number;
  /**
   * EVENTSTORE_URL: the log of record is in KurrentDB (esdb://, kurrentdb://,
   * kurrent://, kdb://, each with an optional +discover); the engine keeps
   * its copy of it, the read models and the keys where DATABASE_URL /
   * DATA_DIR say (docs/kurrentdb.md). Undefined: the log is in that database.
   */
  readonly eventStoreUrl: string | undefined;
  /**
   * The KurrentDB-compatible gRPC endpoint (GRPC_PORT; off when unset or 0):
   * TLS from GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE, or plain only when
   * GRPC_INSECURE=true says so (docs/kurrentdb.md).
   */
  readonly grpc: { readonly port: number; readonly host: string; readonly tls: { readonly certFile: string; readonly keyFile: string } | 'insecure' } | undefined;
  /** Where the API appends a signed anchor of the head every `minutes` (ANCHOR_DIR, ANCHOR_KEY_FILE, ANCHOR_MINUTES); off when unset. */
  readonly anchors: { readonly dir: string; readonly keyFile: string; readonly minutes: number } | undefined;
}

/** The read replicas (docs/scaling.md; libs/persistence/src/read-replicas.ts). */
export interface ReadReplicaSettings {
  /** One URL per server (not a load balancer over several: each replica must only ever move forward). */
  readonly urls: readonly string[];
  /** How long a reader waits on a replica for a position before answering from the primary (READ_REPLICA_WAIT_MS). */
  readonly waitMs: number;
  /** How long a replica that went down or fell behind is left out before it is tried again (READ_REPLICA_RETRY_MS). */
  readonly retryMs: number;
  /** Without a usable replica: answer from the primary, or refuse 503 REPLICA_UNAVAILABLE (READ_REPLICA_FALLBACK). */
  readonly fallback: 'primary' | 'unavailable';
  /** Connections per replica (default 10). */
  readonly maxConnections?: number;
}

export const DEVELOPMENT_PERSON_ID_KEY = 'uce-development-person-id-key-not-for-production';
export const DEVELOPMENT_PERSONAL_DATA_KEY = 'uce-development-personal-data-key-not-for-production';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const rawPort = env['PORT']?.trim() || '3000';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
    throw new ConfigError(`PORT must be an integer between 1 and 65535, got "${rawPort}"`);
  }
  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const migrationDatabaseUrl = env['MIGRATION_DATABASE_URL']?.trim() || undefined;
  if (migrationDatabaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(migrationDatabaseUrl)) {
    throw new ConfigError('MIGRATION_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  if (migrationDatabaseUrl !== undefined && databaseUrl === undefined) {
    throw new ConfigError('MIGRATION_DATABASE_URL is set but DATABASE_URL is not: the embedded store has no roles (docs/database-roles.md)');
  }
  const personIdKey = optionalSecret(env, 'PERSON_ID_KEY');
  const personalDataKey = optionalSecret(env, 'PERSONAL_DATA_KEY');
  const previousPersonIdKey = optionalSecret(env, 'PERSON_ID_KEY_PREVIOUS');
  const previousPersonalDataKey = optionalSecret(env, 'PERSONAL_DATA_KEY_PREVIOUS');
  if (personIdKey !== undefined && personIdKey === personalDataKey) {
    throw new ConfigError('PERSON_ID_KEY and PERSONAL_DATA_KEY must be two different secrets');
  }
  const projections = env['PROJECTIONS']?.trim() || 'inline';
  if (projections !== 'inline' && projections !== 'worker') {
    throw new ConfigError(`PROJECTIONS must be "inline" or "worker", got "${projections}"`);
  }
  const corsOrigins = (env['CORS_ORIGINS'] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError(`CORS_ORIGINS holds origins such as https://dash.example.org, got "${origin}"`);
  }
  return {
    projections,
    corsOrigins,
    requestsPerMinute: wholeNumber(env, 'RATE_LIMIT_PER_MINUTE', 12_000),
    requestTimeoutMs: positiveNumber(env, 'REQUEST_TIMEOUT_MS', 30_000),
    maxRequestsInFlight: positiveNumber(env, 'MAX_REQUESTS_IN_FLIGHT', 256),
    maxEventLoopDelayMs: wholeNumber(env, 'MAX_EVENT_LOOP_DELAY_MS', 2_000),
    bodyTimeoutMs: positiveNumber(env, 'BODY_TIMEOUT_MS', 60_000),
    authFailuresPerMinute: wholeNumber(env, 'AUTH_FAILURES_PER_MINUTE', 30),
    anchors: anchorSettings(env),
    eventStoreUrl: eventStoreUrl(env),
    grpc: grpcSettings(env, env['HOST']?.trim() || '0.0.0.0'),
    port: Number(rawPort),
    host: env['HOST']?.trim() || '0.0.0.0',
    databaseUrl,
    migrationDatabaseUrl,
    readReplicas: readReplicaSettings(env),
    dataDir: env['DATA_DIR']?.trim() || './data',
    personIdKey: personIdKey ?? DEVELOPMENT_PERSON_ID_KEY,
    personIdKeyIsDevelopmentKey: personIdKey === undefined,
    personalDataKey: personalDataKey ?? DEVELOPMENT_PERSONAL_DATA_KEY,
    personalDataKeyIsDevelopmentKey: personalDataKey === undefined,
    previousKeys: {
      ...(previousPersonIdKey !== undefined && { personIdKey: previousPersonIdKey }),
      ...(previousPersonalDataKey !== undefined && { personalDataKey: previousPersonalDataKey }),
    },
    production: env['NODE_ENV'] === 'production',
  };
}

/**
 * For the programs that record or derive person keys (the API, `import`,
 * `project`): real data lives on PostgreSQL or in production, and there the
 * development key — which anyone can read in this code — is refused.
 */
export function requireKeys(config: EngineConfig): void {
  if (config.databaseUrl === undefined && config.eventStoreUrl === undefined && !config.production) return;
  const missing = [
    ...(config.personIdKeyIsDevelopmentKey ? ['PERSON_ID_KEY'] : []),
    ...(config.personalDataKeyIsDevelopmentKey ? ['PERSONAL_DATA_KEY'] : []),
  ];
  if (missing.length === 0) return;
  throw new ConfigError(
    `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required ${config.databaseUrl !== undefined ? 'with DATABASE_URL' : config.eventStoreUrl !== undefined ? 'with EVENTSTORE_URL' : 'in production'}: ` +
      `${missing.length > 1 ? 'two different secrets' : 'a secret'} of 32+ characters, such as the output of \`openssl rand -base64 32\``,
  );
}

function optionalSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim() || undefined;
  if (value !== undefined) checkSecret(name, value);
  return value;
}

/** Smallest estimated strength of a secret, in bits (Shannon entropy of its characters × its length). */
const MIN_SECRET_BITS = 128;

/**
 * A secret must be long and varied enough to resist guessing: at least 32
 * characters, and an estimated 128 bits (so a long run of one word or
 * character is refused). The engine derives its keys from it.
 */
export function checkSecret(name: string, value: string): void {
  if (value.length < 32) throw new ConfigError(`${name} must be at least 32 characters (such as the output of \`openssl rand -base64 32\`)`);
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  const perCharacter = [...counts.values()].reduce((h, n) => h - (n / value.length) * Math.log2(n / value.length), 0);
  if (perCharacter * value.length < MIN_SECRET_BITS || value === DEVELOPMENT_PERSON_ID_KEY || value === DEVELOPMENT_PERSONAL_DATA_KEY) {
    throw new ConfigError(`${name} is too predictable: use a random secret, such as the output of \`openssl rand -base64 32\``);
  }
}

function readReplicaSettings(env: NodeJS.ProcessEnv): ReadReplicaSettings | undefined {
  const listed = env['READ_DATABASE_URL']?.trim();
  if (!listed) {
    for (const name of ['READ_REPLICA_WAIT_MS', 'READ_REPLICA_RETRY_MS', 'READ_REPLICA_FALLBACK']) {
      if (env[name]?.trim()) throw new ConfigError(`${name} is set but READ_DATABASE_URL is not: it configures the read replicas`);
    }
    return undefined;
  }
  if (!env['DATABASE_URL']?.trim()) {
    throw new ConfigError('READ_DATABASE_URL needs DATABASE_URL: read replicas are standbys of a PostgreSQL primary, and the embedded store has none (docs/scaling.md)');
  }
  const urls = listed.split(',').map((url) => url.trim());
  for (const url of urls) {
    if (!/^postgres(ql)?:\/\/[^\s]+$/.test(url)) throw new ConfigError('READ_DATABASE_URL must be one or more postgres:// or postgresql:// URLs, separated by commas');
  }
  if (new Set(urls).size !== urls.length) throw new ConfigError('READ_DATABASE_URL names the same replica twice');
  const fallback = env['READ_REPLICA_FALLBACK']?.trim() || 'primary';
  if (fallback !== 'primary' && fallback !== 'unavailable') {
    throw new ConfigError(`READ_REPLICA_FALLBACK must be "primary" (the primary answers when no replica can) or "unavailable" (503 REPLICA_UNAVAILABLE), got "${fallback}"`);
  }
  return { urls, waitMs: wholeNumber(env, 'READ_REPLICA_WAIT_MS', 1_000), retryMs: positiveNumber(env, 'READ_REPLICA_RETRY_MS', 5_000), fallback };
}

function anchorSettings(env: NodeJS.ProcessEnv): EngineConfig['anchors'] {
  const dir = env['ANCHOR_DIR']?.trim();
  if (!dir) return undefined;
  const keyFile = env['ANCHOR_KEY_FILE']?.trim();
  if (!keyFile) throw new ConfigError('ANCHOR_DIR is set but ANCHOR_KEY_FILE is not: the key that signs the anchors (npm run cli -- anchor-key --out FILE)');
  const minutes = wholeNumber(env, 'ANCHOR_MINUTES', 60);
  if (minutes < 1) throw new ConfigError('ANCHOR_MINUTES must be at least 1');
  return { dir, keyFile, minutes };
}

function eventStoreUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env['EVENTSTORE_URL']?.trim() || undefined;
  if (url !== undefined && !env['DATABASE_URL']?.trim()) {
    throw new ConfigError('EVENTSTORE_URL needs DATABASE_URL: with the log in KurrentDB, the copy the engine reads, the read models and the keys live in PostgreSQL (docs/kurrentdb.md)');
  }
  if (url !== undefined && !/^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\/[^\s]+$/.test(url)) {
    throw new ConfigError('EVENTSTORE_URL must be a KurrentDB connection string: kurrentdb://NAME:PASSWORD@HOST:2113 (or esdb://…, kurrent://…, kdb://…, +discover)');
  }
  return url;
}

function grpcSettings(env: NodeJS.ProcessEnv, host: string): EngineConfig['grpc'] {
  const port = wholeNumber(env, 'GRPC_PORT', 0);
  if (port === 0) return undefined;
  if (port > 65535) throw new ConfigError(`GRPC_PORT must be an integer between 1 and 65535 (0: off), got "${port}"`);
  const certFile = env['GRPC_TLS_CERT_FILE']?.trim();
  const keyFile = env['GRPC_TLS_KEY_FILE']?.trim();
  const insecure = env['GRPC_INSECURE']?.trim();
  if (insecure !== undefined && insecure !== '' && insecure !== 'true' && insecure !== 'false') throw new ConfigError(`GRPC_INSECURE must be "true" or "false", got "${insecure}"`);
  if (certFile && keyFile) {
    if (insecure === 'true') throw new ConfigError('GRPC_INSECURE=true and a TLS certificate are both set: choose one');
    return { port, host, tls: { certFile, keyFile } };
  }
  if (certFile || keyFile) throw new ConfigError('GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: the certificate and its private key (PEM)');
  if (insecure !== 'true') {
    throw new ConfigError('GRPC_PORT is set without TLS: give GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE, or GRPC_INSECURE=true where the network is trusted (credentials would cross it in clear)');
  }
  return { port, host, tls: 'insecure' };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = wholeNumber(env, name, fallback);
  if (value < 1) throw new ConfigError(`${name} must be at least 1`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** The URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
