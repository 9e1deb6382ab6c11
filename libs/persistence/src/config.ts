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
  /** When no DATABASE_URL is set: the embedded store's folder. */
  readonly dataDir: string;
  /**
   * Secret key for the HMAC that turns a resident identity number into a
   * person's stream key. Keep it stable: changing it splits every person's
   * history. Unset: a development key, with a warning.
   */
  readonly personIdKey: string;
  readonly personIdKeyIsDevelopmentKey: boolean;
  /** 'inline': this process runs the projections; 'worker': a separate `npm run cli -- project` does. */
  readonly projections: 'inline' | 'worker';
}

export const DEVELOPMENT_PERSON_ID_KEY = 'uce-development-person-id-key-not-for-production';

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
  const personIdKey = env['PERSON_ID_KEY']?.trim() || undefined;
  if (personIdKey !== undefined && personIdKey.length < 16) {
    throw new ConfigError('PERSON_ID_KEY must be at least 16 characters');
  }
  const projections = env['PROJECTIONS']?.trim() || 'inline';
  if (projections !== 'inline' && projections !== 'worker') {
    throw new ConfigError(`PROJECTIONS must be "inline" or "worker", got "${projections}"`);
  }
  return {
    projections,
    port: Number(rawPort),
    host: env['HOST']?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: env['DATA_DIR']?.trim() || './data',
    personIdKey: personIdKey ?? DEVELOPMENT_PERSON_ID_KEY,
    personIdKeyIsDevelopmentKey: personIdKey === undefined,
  };
}

/** The URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
