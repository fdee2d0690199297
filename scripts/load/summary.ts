import type { Sequelize } from 'sequelize';
import type { LoadRun } from './clients.js';
import type { Verification } from './verify.js';

export interface LoadSummary {
  database: string;
  seconds: number;
  clients: number;
  requests: number;
  ok: number;
  errors: number;
  lost: number;
  rps: number;
  p95_ms: number;
  /** Failures the client was not told about (a 500, a dropped connection, a timeout). */
  untold: number;
  duplicated: number;
  phantom: number;
  /** Requests per operation and status, e.g. { "action 201": 9000, "action 503": 3 }. */
  statuses: Record<string, number>;
  serverExit: number | null;
  /** When the last failed request started (ms into the load; null: none failed) and how many succeeded after it. */
  lastErrorAtMs: number | null;
  okAfterLastError: number;
  /** What failed requests were told, "<op> <status> <message>" -> count (the first 20 kinds). */
  failures: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** "sqlite 3.x", "postgres 15.x", "mariadb 10.x": what the figures were measured on. */
async function databaseName(sequelize: Sequelize): Promise<string> {
  const dialect = sequelize.getDialect();
  const version = await sequelize.databaseVersion();
  if (dialect === 'mysql' || dialect === 'mariadb') return /mariadb/i.test(version) ? `mariadb ${version.replace(/-MariaDB.*$/i, '')}` : `mysql ${version}`;
  return `${dialect} ${version}`;
}

export async function summarise(
  sequelize: Sequelize,
  { seconds, clients, run, verification, serverExit }: { seconds: number; clients: number; run: LoadRun; verification: Verification; serverExit: number | null },
): Promise<LoadSummary> {
  const { attempts } = run;
  const ok = attempts.filter((a) => a.ok).length;
  const statuses: Record<string, number> = {};
  for (const a of attempts) {
    const key = `${a.op} ${a.status}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const latencies = attempts.map((a) => a.ms).sort((x, y) => x - y);
  const failures = attempts.filter((a) => !a.ok);
  const lastErrorAtMs = failures.length ? Math.max(...failures.map((a) => a.at)) : null;
  const failureKinds: Record<string, number> = {};
  for (const a of failures) {
    const key = `${a.op} ${a.status}${a.retryAfter ? ` (Retry-After ${a.retryAfter})` : ''} ${(a.message ?? '').slice(0, 120)}`;
    if (key in failureKinds || Object.keys(failureKinds).length < 20) failureKinds[key] = (failureKinds[key] ?? 0) + 1;
  }
  const okAfterLastError = attempts.filter((a) => a.ok && (lastErrorAtMs === null || a.at > lastErrorAtMs)).length;
  return {
    database: await databaseName(sequelize),
    seconds,
    clients,
    requests: attempts.length,
    ok,
    errors: attempts.length - ok,
    lost: verification.lost,
    rps: Math.round((attempts.length / (run.elapsedMs / 1000)) * 10) / 10,
    p95_ms: percentile(latencies, 95),
    untold: attempts.filter((a) => !a.ok && !a.told).length,
    duplicated: verification.duplicated,
    phantom: verification.phantom,
    statuses,
    serverExit,
    lastErrorAtMs,
    okAfterLastError,
    failures: failureKinds,
  };
}
