import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes (actions, follows, new tokens) one user may make per window, counted across every process. */
export interface WriteLimitSettings {
  limit: number;
  windowMs: number;
}

export const DEFAULT_WRITE_LIMIT: WriteLimitSettings = { limit: 120, windowMs: 60_000 };

export interface ServerConfig {
  /** Signs session cookies. Required in production. */
  sessionSecret: string;
  production: boolean;
  /** Created (as staff) at start when set and missing. */
  adminEmail?: string;
  adminPassword?: string;
  /**
   * Express's `trust proxy`: whom to believe about the client's address (X-Forwarded-For). Off by
   * default, since a spoofed header would otherwise walk past the per-address login limit. Set
   * TRUST_PROXY to the number of proxies in front (1), a list of their addresses or subnets
   * ("loopback, 10.0.0.0/8"), or "true" to trust any (only behind a proxy that overwrites the header).
   */
  trustProxy?: boolean | number | string;
  /**
   * The per-user write limit (WRITE_LIMIT writes per WRITE_LIMIT_WINDOW_SECONDS; default 120 per
   * 60 s); false turns it off (WRITE_LIMIT=0).
   */
  writeLimit?: WriteLimitSettings | false;
  /**
   * With read replicas: how long after a write a caller's reads go to the primary
   * (READ_YOUR_WRITES_MS, default 5000; keep it above DATABASE_REPLICA_MAX_LAG_MS plus one check).
   */
  readYourWritesMs?: number;
}

export const DEFAULT_READ_YOUR_WRITES_MS = 5000;

/** TRUST_PROXY as Express reads `trust proxy`; unset, empty, "false" and "0" mean off. */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}

function wholeNumber(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${text}"`);
  return value;
}

/** WRITE_LIMIT and WRITE_LIMIT_WINDOW_SECONDS; a WRITE_LIMIT of 0 turns the limit off. */
export function writeLimitSetting(env: NodeJS.ProcessEnv): WriteLimitSettings | false {
  const limit = wholeNumber('WRITE_LIMIT', env.WRITE_LIMIT, DEFAULT_WRITE_LIMIT.limit, 0);
  const seconds = wholeNumber('WRITE_LIMIT_WINDOW_SECONDS', env.WRITE_LIMIT_WINDOW_SECONDS, DEFAULT_WRITE_LIMIT.windowMs / 1000, 1);
  return limit === 0 ? false : { limit, windowMs: seconds * 1000 };
}

const DEV_SECRET_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'session-secret');

/** Outside production a secret is made once and kept under data/, so a restart logs no one out. */
function developmentSecret(): string {
  if (existsSync(DEV_SECRET_FILE)) return readFileSync(DEV_SECRET_FILE, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(DEV_SECRET_FILE), { recursive: true });
  writeFileSync(DEV_SECRET_FILE, secret, { mode: 0o600 });
  return secret;
}

/** Reads the server's settings from the environment; refuses to run in production without SESSION_SECRET. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const production = env.NODE_ENV === 'production';
  if (production && !env.SESSION_SECRET) throw new Error('SESSION_SECRET must be set when NODE_ENV=production');
  return {
    sessionSecret: env.SESSION_SECRET || developmentSecret(),
    production,
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    trustProxy: trustProxySetting(env.TRUST_PROXY),
    writeLimit: writeLimitSetting(env),
    readYourWritesMs: wholeNumber('READ_YOUR_WRITES_MS', env.READ_YOUR_WRITES_MS, DEFAULT_READ_YOUR_WRITES_MS, 0),
  };
}
