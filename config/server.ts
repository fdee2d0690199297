import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
}

/** TRUST_PROXY as Express reads `trust proxy`; unset, empty, "false" and "0" mean off. */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
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
  };
}
