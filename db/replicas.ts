import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Options, Sequelize } from 'sequelize';

// PostgreSQL read replicas behind Sequelize's own `replication` option. Sequelize sends SELECTs
// outside a transaction to its read pool and everything else to the write pool; this adds what it
// lacks: replicas that are down or lag past a limit are skipped (reads fall back to the primary),
// and reads made on behalf of someone who has just written go to the primary (readsFromPrimary).

/** The replica settings: DATABASE_REPLICA_URLS and the limits below. */
export interface ReplicaSettings {
  urls: string[];
  /** A replica further behind the primary than this is skipped (DATABASE_REPLICA_MAX_LAG_MS, default 3000). */
  maxLagMs: number;
  /** How often each replica's replay position is checked (DATABASE_REPLICA_CHECK_MS, default 1000). */
  checkIntervalMs: number;
}

export const DEFAULT_MAX_LAG_MS = 3000;
export const DEFAULT_CHECK_INTERVAL_MS = 1000;

export type ReplicaState = 'unknown' | 'ok' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** host:port/database (never the password). */
  replica: string;
  state: ReplicaState;
  /** How far its replay is behind the primary, when known. */
  lagMs: number | null;
  error?: string;
}

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${text}"`);
  return value;
}

/** The replica settings from the environment; null when DATABASE_REPLICA_URLS is unset or empty. */
export function replicaSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ReplicaSettings | null {
  const urls = (env.DATABASE_REPLICA_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (urls.length === 0) return null;
  return {
    urls,
    maxLagMs: wholeNumber('DATABASE_REPLICA_MAX_LAG_MS', env.DATABASE_REPLICA_MAX_LAG_MS, DEFAULT_MAX_LAG_MS),
    checkIntervalMs: wholeNumber('DATABASE_REPLICA_CHECK_MS', env.DATABASE_REPLICA_CHECK_MS, DEFAULT_CHECK_INTERVAL_MS),
  };
}

interface Endpoint {
  host: string;
  port: number;
  database: string;
  username?: string;
  password?: string;
}

function endpoint(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_REPLICA_URLS: not a URL: ${url.replace(/\/\/[^@/]*@/, '//…@')}`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('DATABASE_REPLICA_URLS: read replicas are PostgreSQL URLs (postgres://…)');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

const keyOf = (e: { host?: string; port?: number | string; database?: string }) => `${e.host}:${e.port}/${e.database}`;

/** Sequelize's `replication` option: writes to the primary's URL, reads to the replicas. */
export function replicationOptions(primaryUrl: string, settings: ReplicaSettings): Options['replication'] {
  const primary = endpoint(primaryUrl);
  return { write: primary, read: settings.urls.map(endpoint) };
}

// ---------------------------------------------------------------------------------------------
// Reads from the primary: a request marks its work, and Sequelize's pool honours the mark.

const onPrimary = new AsyncLocalStorage<true>();

/** Runs `work` with every read it makes (Sequelize's and actstream's) sent to the primary. */
export function readsFromPrimary<T>(work: () => T): T {
  return onPrimary.run(true, work);
}

/** Whether the current work reads from the primary (readsFromPrimary). */
export function readingFromPrimary(): boolean {
  return onPrimary.getStore() === true;
}

/** The part of pg's Client the health checks use (pg ships no types of its own). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

const { Client } = createRequire(import.meta.url)('pg') as { Client: new (config: object) => PgClient };

// ---------------------------------------------------------------------------------------------
// Health: each replica's replay position against the primary's, checked on a timer.

/** A byte position in the WAL, as a number (exact up to 2^53: petabytes). */
const LSN_SQL = (expression: string) => `pg_wal_lsn_diff(${expression}, '0/0')::text`;

interface Sample {
  at: number;
  lsn: bigint;
}

class Replica {
  state: ReplicaState = 'unknown';
  lagMs: number | null = null;
  error?: string;

  constructor(
    readonly key: string,
    readonly endpoint: Endpoint,
  ) {}

  get usable(): boolean {
    return this.state === 'ok';
  }

  status(): ReplicaStatus {
    return { replica: this.key, state: this.state, lagMs: this.lagMs, ...(this.error ? { error: this.error } : {}) };
  }
}

async function queryOnce(target: Endpoint, sql: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const client = new Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.username,
    password: target.password,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The replicas of one Sequelize instance and their health. A replica's lag is how long ago the
 * primary had written the oldest WAL position the replica has not replayed yet (the primary's
 * position is sampled at every check), so an idle primary never makes a replica look behind.
 */
export class ReplicaSet {
  readonly replicas: Replica[];
  private readonly primary: Endpoint;
  private samples: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(
    primaryUrl: string,
    readonly settings: ReplicaSettings,
  ) {
    this.primary = endpoint(primaryUrl);
    this.replicas = settings.urls.map((url) => {
      const e = endpoint(url);
      return new Replica(keyOf(e), e);
    });
  }

  byKey(key: string): Replica | undefined {
    return this.replicas.find((replica) => replica.key === key);
  }

  /** Whether any replica may serve reads now. */
  anyUsable(): boolean {
    return this.replicas.some((replica) => replica.usable);
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => replica.status());
  }

  /** A replica whose connection just failed: skipped until a check finds it back. */
  markDown(key: string, error: unknown): void {
    const replica = this.byKey(key);
    if (!replica) return;
    replica.state = 'down';
    replica.lagMs = null;
    replica.error = error instanceof Error ? error.message : String(error);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.settings.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks every replica once (a check already under way is waited for, not doubled). */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkAll(): Promise<void> {
    const timeout = Math.max(1000, this.settings.checkIntervalMs);
    const now = Date.now();
    try {
      const row = await queryOnce(this.primary, `SELECT ${LSN_SQL('pg_current_wal_lsn()')} AS lsn`, timeout);
      this.samples.push({ at: now, lsn: BigInt(String(row.lsn).split('.')[0]) });
    } catch {
      // The primary is /readyz's own concern; without its position, lags keep their last value.
    }
    // Keep the samples that can still matter: those within twice the limit, and the newest.
    const horizon = now - 2 * this.settings.maxLagMs - this.settings.checkIntervalMs;
    while (this.samples.length > 1 && this.samples[0].at < horizon) this.samples.shift();
    await Promise.all(this.replicas.map((replica) => this.checkReplica(replica, timeout)));
  }

  private async checkReplica(replica: Replica, timeout: number): Promise<void> {
    try {
      const row = await queryOnce(replica.endpoint, `SELECT pg_is_in_recovery() AS standby, ${LSN_SQL('pg_last_wal_replay_lsn()')} AS replayed`, timeout);
      if (row.standby !== true || row.replayed === null) throw new Error('not a streaming standby');
      const replayed = BigInt(String(row.replayed).split('.')[0]);
      const behind = this.samples.find((sample) => sample.lsn > replayed);
      replica.lagMs = behind ? Date.now() - behind.at : 0;
      replica.state = replica.lagMs > this.settings.maxLagMs ? 'lagging' : 'ok';
      replica.error = undefined;
    } catch (error) {
      this.markDown(replica.key, error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring into Sequelize's connection manager.

interface Connection {
  /** The replica a read connection is on. */
  actstreamReplica?: string;
  /** A read connection made to the primary because no replica was usable. */
  actstreamFallback?: boolean;
}

interface ConnectionManager {
  getConnection(options?: { type?: string; useMaster?: boolean }): Promise<Connection>;
  _connect(config: Partial<Endpoint>): Promise<Connection>;
  destroyConnection(connection: Connection): Promise<void>;
  config: { replication: { write: Partial<Endpoint>; read: Partial<Endpoint>[] } };
}

const sets = new WeakMap<Sequelize, ReplicaSet>();

/** The replicas of a Sequelize instance opened with them (db/connect.ts), if any. */
export function replicasOf(sequelize: Sequelize): ReplicaSet | undefined {
  return sets.get(sequelize);
}

/**
 * Makes a Sequelize instance opened with `replicationOptions` skip replicas that are down or
 * lagging and honour readsFromPrimary; starts the health checks (stopped by sequelize.close()).
 */
export async function attachReplicas(sequelize: Sequelize, primaryUrl: string, settings: ReplicaSettings): Promise<ReplicaSet> {
  const set = new ReplicaSet(primaryUrl, settings);
  sets.set(sequelize, set);
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const { write } = manager.config.replication;

  // A new read connection goes to the replica Sequelize chose if that one is usable, else to
  // another usable one, else to the primary; a replica that refuses the connection is marked down.
  const connect = manager._connect.bind(manager);
  manager._connect = async (config) => {
    const chosen = set.byKey(keyOf(config));
    if (!chosen) return connect(config);
    const candidates = [chosen, ...set.replicas.filter((r) => r !== chosen)].filter((r) => r.usable);
    const reads = manager.config.replication.read;
    for (const replica of candidates) {
      try {
        const connection = await connect(reads.find((r) => keyOf(r) === replica.key) ?? config);
        connection.actstreamReplica = replica.key;
        return connection;
      } catch (error) {
        set.markDown(replica.key, error);
      }
    }
    const connection = await connect(write);
    connection.actstreamFallback = true;
    return connection;
  };

  // Reads go to the primary while the work asks for it or no replica is usable; a pooled
  // connection to a replica that has since gone bad is discarded rather than used.
  const getConnection = manager.getConnection.bind(manager);
  manager.getConnection = async (options = {}) => {
    if (options.type === 'SELECT' && !options.useMaster && (readingFromPrimary() || !set.anyUsable())) options = { ...options, useMaster: true };
    for (let attempt = 0; attempt <= set.replicas.length; attempt++) {
      const connection = await getConnection(options);
      const replica = connection.actstreamReplica === undefined ? undefined : set.byKey(connection.actstreamReplica);
      const stale = replica ? !replica.usable : connection.actstreamFallback === true && set.anyUsable();
      if (!stale) return connection;
      await manager.destroyConnection(connection).catch(() => undefined);
    }
    return getConnection({ ...options, useMaster: true });
  };

  const close = sequelize.close.bind(sequelize);
  sequelize.close = async () => {
    set.stop();
    return close();
  };
  await set.check();
  set.start();
  return set;
}
