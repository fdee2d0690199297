import { createRequire } from 'node:module';
import type { ChangeWatcher, ChangeWatchOptions } from './contract.js';

/** Where to connect: what Sequelize was given. */
export interface PostgresTarget {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: unknown;
}

/** The little of pg's Client the listener uses (pg ships no types here). */
interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error' | 'end' | 'notification', listener: (arg: unknown) => void): void;
}
const { Client } = createRequire(import.meta.url)('pg') as { Client: new (config: object) => PgClient };

const CHANNEL = 'actstream_changes';
const LOCK = 'actstream_changes_trigger';

// A statement trigger: one NOTIFY per writing statement, sent by PostgreSQL when (and only if) its
// transaction commits, to every session LISTENing on any machine. Created once per database (under
// an advisory lock, so processes starting together do not race), so writers need do nothing.
const FUNCTION = `CREATE OR REPLACE FUNCTION actstream_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('${CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$`;
const TRIGGERS: [table: string, events: string][] = [
  ['actstream_actions', 'INSERT OR DELETE'],
  ['actstream_notifications', 'INSERT'],
  // Deleted actions and notifications, read-state changes (actstream/change-log.ts).
  ['actstream_change_log', 'INSERT'],
];

async function ensureTriggers(client: PgClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK]);
    const { rows } = await client.query(`SELECT tgname AS name FROM pg_trigger WHERE tgname LIKE 'actstream\\_%\\_changes'`);
    const present = new Set(rows.map((row) => String(row.name)));
    const missing = TRIGGERS.filter(([table]) => !present.has(`${table}_changes`));
    if (missing.length) await client.query(FUNCTION);
    for (const [table, events] of missing) {
      await client.query(`CREATE TRIGGER ${table}_changes AFTER ${events} ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION actstream_changes_notify()`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * PostgreSQL: LISTEN on a connection of its own. If that connection drops (a restart, a network
 * cut), it reconnects with a growing delay (up to 5 s) and then signals once, so the reader
 * catches up from its cursor on whatever committed while nobody was listening.
 */
export async function listenForChanges(target: PostgresTarget, { onChange, onError }: ChangeWatchOptions): Promise<ChangeWatcher> {
  let closed = false;
  let client: PgClient | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 100;
  let triggersReady = false;

  const open = async (): Promise<void> => {
    const next = new Client(target);
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('LISTEN connection ended')));
    next.on('notification', () => onChange());
    await next.connect();
    if (!triggersReady) {
      await ensureTriggers(next);
      triggersReady = true;
    }
    await next.query(`LISTEN ${CHANNEL}`);
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    delay = 100;
  };

  const lost = (which: PgClient, error: unknown): void => {
    if (closed || client !== which) return;
    client = undefined;
    onError?.(error);
    which.end().catch(() => undefined);
    schedule();
  };

  const schedule = (): void => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      open().then(
        () => onChange(), // caught up by cursor: whatever committed while deaf is read now
        (error: unknown) => {
          onError?.(error);
          delay = Math.min(delay * 2, 5000);
          schedule();
        },
      );
    }, delay);
    retry.unref();
  };

  await open();
  return {
    kind: 'postgres-listen',
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
